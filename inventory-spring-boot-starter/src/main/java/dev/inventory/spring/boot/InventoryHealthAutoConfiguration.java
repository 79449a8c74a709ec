package dev.inventory.spring.boot;

import dev.inventory.jdbc.JdbcInventoryStore;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code inventory} health indicator, opt-in ({@code inventory.health.enabled=true}), when
 * Spring Boot's health support is on the class path.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = InventoryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(JdbcInventoryStore.class)
@ConditionalOnProperty(name = "inventory.health.enabled", havingValue = "true")
public class InventoryHealthAutoConfiguration {

  /** For Spring. */
  public InventoryHealthAutoConfiguration() {}

  /**
   * The indicator, named {@code inventory} by its bean name.
   *
   * @param store the store
   * @param properties {@code inventory.*}
   * @return the indicator
   */
  @Bean(name = "inventoryHealthIndicator")
  @ConditionalOnMissingBean(name = "inventoryHealthIndicator")
  public InventoryHealthIndicator inventoryHealthIndicator(
      JdbcInventoryStore store, InventoryProperties properties) {
    return new InventoryHealthIndicator(
        store, properties.getHealth().getMaxSweeperLag(), Clock.systemUTC());
  }
}
