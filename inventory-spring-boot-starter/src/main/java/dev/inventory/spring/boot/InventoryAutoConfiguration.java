package dev.inventory.spring.boot;

import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import dev.inventory.StockLedger;
import dev.inventory.catalog.Catalog;
import dev.inventory.event.InventoryListener;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.MovementReports;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The inventory on the application's {@code DataSource}: the {@link JdbcInventoryStore} built from
 * the {@code inventory.*} properties (and every {@link JdbcInventoryBuilderCustomizer} and {@link
 * InventoryListener} bean), its {@link Inventory}, {@link StockLedger}, {@link Catalog} and {@link
 * MovementReports}, the {@link SpringTransactionalInventory} for {@code @Transactional} code, and
 * the {@link InventorySweeper}. Each bean backs off when the application declares its own of the
 * same type.
 *
 * <p>The store's migrations run before the application's own Flyway and before every bean that
 * needs an initialized database ({@link InventoryDatabaseInitializerDetector}); with {@code
 * inventory.migrate=false}, after them ({@link InventoryDependsOnDatabaseInitializationDetector}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({JdbcInventory.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(InventoryProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public class InventoryAutoConfiguration {

  /** For Spring. */
  public InventoryAutoConfiguration() {}

  /**
   * The store: the properties, then the customizers, then every listener bean (in order).
   *
   * @param dataSource the application's data source
   * @param properties {@code inventory.*}
   * @param customizers the application's customizers
   * @param listeners the listeners (the metrics among them)
   * @return the store, migrated (or checked)
   */
  @Bean
  @ConditionalOnMissingBean
  public JdbcInventoryStore inventoryStore(
      DataSource dataSource,
      InventoryProperties properties,
      ObjectProvider<JdbcInventoryBuilderCustomizer> customizers,
      ObjectProvider<InventoryListener> listeners) {
    JdbcInventory.Builder builder = JdbcInventory.builder(dataSource);
    properties.applyTo(builder);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    List<InventoryListener> all = listeners.orderedStream().toList();
    if (!all.isEmpty()) {
      builder.listener(InventoryListener.composite(all));
    }
    return builder.buildStore();
  }

  /**
   * The inventory of the store.
   *
   * @param store the store
   * @return {@code store.inventory()}
   */
  @Bean
  @ConditionalOnMissingBean
  public Inventory inventory(JdbcInventoryStore store) {
    return store.inventory();
  }

  /**
   * The ledger of the store.
   *
   * @param store the store
   * @return {@code store.ledger()}
   */
  @Bean
  @ConditionalOnMissingBean
  public StockLedger inventoryLedger(JdbcInventoryStore store) {
    return store.ledger();
  }

  /**
   * The catalog of the store (hubs and SKUs).
   *
   * @param store the store
   * @return {@code store.catalog()}
   */
  @Bean
  @ConditionalOnMissingBean
  public Catalog inventoryCatalog(JdbcInventoryStore store) {
    return store.catalog();
  }

  /**
   * The reports of the store.
   *
   * @param store the store
   * @return {@code store.reports()}
   */
  @Bean
  @ConditionalOnMissingBean
  public MovementReports inventoryReports(JdbcInventoryStore store) {
    return store.reports();
  }

  /**
   * The inventory inside the current Spring transaction.
   *
   * @param store the store
   * @param dataSource the data source the transactions run on
   * @return the transactional inventory
   */
  @Bean
  @ConditionalOnMissingBean
  public SpringTransactionalInventory transactionalInventory(
      JdbcInventoryStore store, DataSource dataSource) {
    return new SpringTransactionalInventory(store, dataSource);
  }

  /**
   * The sweeper, started and stopped with the context ({@code inventory.sweeper.enabled}).
   *
   * @param inventory the inventory
   * @param properties {@code inventory.*}
   * @param executor the application's {@value InventorySweeper#EXECUTOR_BEAN_NAME}, if any
   * @param watchers told of each sweeper that starts
   * @return the sweeper's lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(
      name = "inventory.sweeper.enabled",
      havingValue = "true",
      matchIfMissing = true)
  public InventorySweeper inventorySweeper(
      Inventory inventory,
      InventoryProperties properties,
      @Qualifier(InventorySweeper.EXECUTOR_BEAN_NAME)
          ObjectProvider<ScheduledExecutorService> executor,
      ObjectProvider<SweeperWatcher> watchers) {
    Consumer<ExpirySweeper> onStart =
        sweeper -> watchers.orderedStream().forEach(w -> w.watch(sweeper));
    return new InventorySweeper(
        inventory, properties.getSweeper(), executor.getIfAvailable(), onStart);
  }

  /**
   * Told of each sweeper the {@link InventorySweeper} starts: how the metrics find it.
   *
   * @since 0.1.0
   */
  @FunctionalInterface
  public interface SweeperWatcher {
    /**
     * A sweeper started.
     *
     * @param sweeper the sweeper
     */
    void watch(ExpirySweeper sweeper);
  }
}
