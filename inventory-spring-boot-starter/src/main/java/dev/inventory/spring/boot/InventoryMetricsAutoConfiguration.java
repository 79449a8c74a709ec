package dev.inventory.spring.boot;

import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.micrometer.InventoryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The inventory's meters ({@link InventoryMetrics}) when Micrometer, {@code inventory-micrometer}
 * and a {@link MeterRegistry} bean are present and {@code inventory.metrics.enabled} is not false:
 * the metrics listen to the auto-configured store's events (every {@code InventoryListener} bean
 * does: bean definitions are all known before the store is built), and watch the store (flash-sale
 * gauges, the sweeper's lag) and the sweeper (its runs). Declaring an {@link InventoryMetrics} bean
 * replaces them; a store of the application's own gets the gauges, and the events if it is built
 * with the metrics as its listener.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
    after = InventoryAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnClass({MeterRegistry.class, InventoryMetrics.class, JdbcInventoryStore.class})
@ConditionalOnBean({MeterRegistry.class, JdbcInventoryStore.class})
@ConditionalOnProperty(
    name = "inventory.metrics.enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(InventoryProperties.class)
public class InventoryMetricsAutoConfiguration {

  /** For Spring. */
  public InventoryMetricsAutoConfiguration() {}

  /**
   * The metrics, a listener of the store (every {@code InventoryListener} bean is one).
   *
   * @param registry the application's registry
   * @param properties {@code inventory.*}
   * @return the metrics
   */
  @Bean
  @ConditionalOnMissingBean
  public InventoryMetrics inventoryMetrics(MeterRegistry registry, InventoryProperties properties) {
    InventoryMetrics.Builder builder = InventoryMetrics.builder(registry);
    if (properties.getMetrics().isLocationTag()) {
      builder.keyTag("location", StockKey::location);
    }
    return builder.build();
  }

  /**
   * Registers the store's gauges once every singleton exists.
   *
   * @param metrics the metrics
   * @param store the store
   * @return the registration
   */
  @Bean
  public SmartInitializingSingleton inventoryStoreGauges(
      InventoryMetrics metrics, ObjectProvider<JdbcInventoryStore> store) {
    return () -> store.ifAvailable(metrics::monitor);
  }

  /**
   * Watches each sweeper the {@link InventorySweeper} starts.
   *
   * @param metrics the metrics
   * @return the watcher
   */
  @Bean
  public InventoryAutoConfiguration.SweeperWatcher inventorySweeperMeters(
      InventoryMetrics metrics) {
    return metrics::monitor;
  }
}
