package dev.inventory.service;

import dev.inventory.spring.boot.JdbcInventoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Known-keys mode for the service's hubs and SKUs ({@code service.known-keys-only}), on the
 * starter's store; the catalog itself is the starter's {@code Catalog} bean. The starter's own
 * {@code inventory.known-keys-only} turns the mode on too: this only ever turns it on.
 */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

  /** {@code knownKeysOnly(true)} lays the schema's guard on the first start (see the README). */
  @Bean
  JdbcInventoryBuilderCustomizer knownKeysOnly(ServiceProperties properties) {
    return builder -> {
      if (properties.knownKeysOnly()) {
        builder.knownKeysOnly(true);
      }
    };
  }
}
