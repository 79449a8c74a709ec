package dev.inventory.service;

import dev.inventory.spring.boot.JdbcInventoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The settlement jobs' lease ({@code service.settlement.report-lease}): the starter has no property
 * for it, so the service sets the builder's option through the starter's customizer.
 */
@Configuration(proxyBeanMethods = false)
class SettlementConfiguration {

  /** The library refuses a lease outside 1 second to 1 hour when the store is built. */
  @Bean
  JdbcInventoryBuilderCustomizer reportLease(ServiceProperties properties) {
    return builder -> builder.reportLease(properties.settlement().reportLease());
  }
}
