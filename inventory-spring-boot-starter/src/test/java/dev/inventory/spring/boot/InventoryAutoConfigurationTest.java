package dev.inventory.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.Location;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.micrometer.InventoryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every condition of the auto-configuration, with Spring Boot's {@link ApplicationContextRunner},
 * on a real PostgreSQL (a schema of its own per context).
 */
@DisplayName("the auto-configuration")
class InventoryAutoConfigurationTest {
  private static HikariDataSource pool;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(8);
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  /** A schema of the test's own, dropped after the context closed. */
  private static String newSchema() {
    return TestDatabase.newSchema(InventoryAutoConfigurationTest.class);
  }

  private static void drop(String... schemas) {
    for (String schema : schemas) {
      TestDatabase.dropSchema(pool, schema);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class PoolConfiguration {
    /** The class's pool, which outlives each context (no destroy method). */
    @Bean(destroyMethod = "")
    DataSource dataSource() {
      return pool;
    }
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  InventoryAutoConfiguration.class,
                  InventoryMetricsAutoConfiguration.class,
                  InventoryHealthAutoConfiguration.class))
          .withUserConfiguration(PoolConfiguration.class)
          .withPropertyValues("inventory.allow-no-timeouts=true");

  @Test
  @DisplayName("a DataSource and nothing else: the store, its parts and the sweeper, ready to use")
  void defaults() {
    String schema = newSchema();
    runner
        .withPropertyValues("inventory.schema=" + schema)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context)
                  .hasSingleBean(JdbcInventoryStore.class)
                  .hasSingleBean(Inventory.class)
                  .hasSingleBean(StockLedger.class)
                  .hasSingleBean(MovementReports.class)
                  .hasSingleBean(Catalog.class)
                  .hasSingleBean(SpringTransactionalInventory.class)
                  .hasSingleBean(InventorySweeper.class)
                  .doesNotHaveBean(InventoryMetrics.class)
                  .doesNotHaveBean(InventoryHealthIndicator.class);
              Inventory inventory = context.getBean(Inventory.class);
              StockKey key = StockKey.of("SKU-1");
              inventory.receive(key, 2, null);
              Reservation held =
                  inventory.reserve(ReservationRequest.builder("cart-1").line(key, 1).build());
              assertThat(inventory.confirm(held.id()).status())
                  .isEqualTo(Reservation.Status.CONFIRMED);
              JdbcInventoryStore store = context.getBean(JdbcInventoryStore.class);
              assertThat(store.schemaVersion()).isEqualTo(store.requiredSchemaVersion());
              assertThat(context.getBean(InventorySweeper.class).isRunning()).isTrue();
            });
    drop(schema);
  }

  @Test
  @DisplayName("no DataSource: nothing is configured")
  void noDataSource() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InventoryAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(JdbcInventoryStore.class));
  }

  @Test
  @DisplayName("properties reach the builder: schema, flash-sale settings")
  void propertiesReachTheBuilder() {
    String schema = newSchema();
    runner
        .withPropertyValues(
            "inventory.schema=" + schema, "inventory.max-in-flight=3", "inventory.max-batch=8")
        .run(
            context -> {
              JdbcInventoryStore store = context.getBean(JdbcInventoryStore.class);
              assertThat(store.flashSaleStatus().combining()).isTrue();
              assertThat(store.flashSaleStatus().maxInFlight()).isEqualTo(3);
              assertThat(
                      new JdbcTemplate(pool)
                          .queryForObject(
                              "SELECT count(*) FROM pg_tables WHERE schemaname = ?",
                              Integer.class,
                              schema))
                  .as("the library's tables, in the schema of the property")
                  .isPositive();
            });
    runner
        .withPropertyValues("inventory.schema=" + schema, "inventory.combining=false")
        .run(
            context ->
                assertThat(context.getBean(JdbcInventoryStore.class).flashSaleStatus().combining())
                    .isFalse());
    drop(schema);
  }

  @Test
  @DisplayName("known-keys mode from its property: a SKU the catalog bean never saw is refused")
  void knownKeysOnlyFromItsProperty() {
    String schema = newSchema();
    runner
        .withPropertyValues("inventory.schema=" + schema, "inventory.known-keys-only=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(JdbcInventoryStore.class).knownKeysOnly()).isTrue();
              Catalog catalog = context.getBean(Catalog.class);
              catalog.createLocation(Location.of(StockKey.DEFAULT_LOCATION, "the shop"));
              catalog.createItem(Item.of("KNOWN-1", "tenant", "seller", "a known SKU"));
              Inventory inventory = context.getBean(Inventory.class);
              inventory.receive(StockKey.of("KNOWN-1"), 2, null);
              assertThatThrownBy(() -> inventory.receive(StockKey.of("STRAY-1"), 2, null))
                  .isInstanceOfSatisfying(
                      UnknownKeysException.class,
                      e -> assertThat(e.keys()).containsExactly(StockKey.of("STRAY-1")));
            });
    drop(schema);
  }

  @Test
  @DisplayName("every option of the builder has its property")
  void everyBuilderOptionHasAProperty() {
    Set<String> properties =
        Arrays.stream(InventoryProperties.class.getMethods())
            .map(m -> m.getName())
            .filter(n -> n.startsWith("set"))
            .map(n -> Character.toLowerCase(n.charAt(3)) + n.substring(4))
            .collect(Collectors.toSet());
    Set<String> options =
        Arrays.stream(JdbcInventory.Builder.class.getDeclaredMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .filter(m -> m.getReturnType() == JdbcInventory.Builder.class)
            .map(m -> m.getName())
            // Objects, not settings: a clock and listeners are beans (a customizer, listener
            // beans).
            .filter(n -> !n.equals("clock") && !n.equals("listener"))
            .collect(Collectors.toSet());
    assertThat(properties).containsAll(options);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "inventory.schema, Bad-Name, schema must be a plain SQL identifier",
    "inventory.default-ttl, 0s, ttl must be",
    "inventory.attempts, 0, attempts must be",
    "inventory.lock-timeout, 2h, lockTimeout must be between 0 and 1 hour",
    "inventory.statement-timeout, 2h, statementTimeout must be between 0 and 1 hour",
    "inventory.max-in-flight, 0, maxInFlight must be between 1 and 1024",
    "inventory.max-batch, 1, maxBatch must be between 2 and 10000",
    "inventory.max-queue, 0, maxQueue must be",
    "inventory.max-wait, 0s, maxWait must be at least 1 millisecond",
    "inventory.report-lease, 0s, reportLease must be between 1 second and 1 hour",
  })
  @DisplayName("each builder property reaches the builder, which checks it")
  void eachPropertyIsChecked(String property, String value, String message) {
    runner
        .withPropertyValues(property + "=" + value)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message));
  }

  @Test
  @DisplayName("the beans back off when the application defines its own")
  void backsOff() {
    String schema = newSchema();
    JdbcInventoryStore own =
        JdbcInventory.builder(pool).schema(schema).allowNoTimeouts(true).buildStore();
    runner
        .withBean("myStore", JdbcInventoryStore.class, () -> own)
        .withBean("myInventory", Inventory.class, own::inventory)
        .withBean(
            "mySweeper",
            InventorySweeper.class,
            () ->
                new InventorySweeper(
                    own.inventory(), new InventoryProperties.Sweeper(), null, s -> {}))
        .run(
            context -> {
              assertThat(context).hasSingleBean(JdbcInventoryStore.class);
              assertThat(context.getBean(JdbcInventoryStore.class)).isSameAs(own);
              assertThat(context).hasSingleBean(Inventory.class).hasBean("myInventory");
              assertThat(context).hasSingleBean(InventorySweeper.class).hasBean("mySweeper");
              assertThat(context.getBean(StockLedger.class)).isSameAs(own.ledger());
            });
    drop(schema);
  }

  @Test
  @DisplayName("a customizer sets what has no property (a clock)")
  void customizerRuns() {
    String schema = newSchema();
    MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    runner
        .withPropertyValues("inventory.schema=" + schema, "inventory.sweeper.enabled=false")
        .withBean(JdbcInventoryBuilderCustomizer.class, () -> builder -> builder.clock(clock))
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(InventorySweeper.class);
              Inventory inventory = context.getBean(Inventory.class);
              StockKey key = StockKey.of("SKU-C");
              inventory.receive(key, 1, null);
              Reservation held =
                  inventory.reserve(ReservationRequest.builder("c").line(key, 1).build());
              assertThat(held.createdAt()).isEqualTo(clock.instant());
            });
    drop(schema);
  }

  @Test
  @DisplayName("the sweeper expires a due hold, on the application's executor, and stops on close")
  void sweeperRunsAndStops() {
    String schema = newSchema();
    MutableClock clock = MutableClock.startingAt("2030-01-01T00:00:00Z");
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "app-scheduler"));
    AtomicReference<ExpirySweeper> sweeper = new AtomicReference<>();
    try {
      runner
          .withPropertyValues("inventory.schema=" + schema, "inventory.sweeper.period=20ms")
          .withBean(JdbcInventoryBuilderCustomizer.class, () -> builder -> builder.clock(clock))
          .withBean(
              InventorySweeper.EXECUTOR_BEAN_NAME, ScheduledExecutorService.class, () -> executor)
          .run(
              context -> {
                JdbcInventoryStore store = context.getBean(JdbcInventoryStore.class);
                StockKey key = StockKey.of("SKU-S");
                store.inventory().receive(key, 1, null);
                store
                    .inventory()
                    .reserve(
                        ReservationRequest.builder("abandoned")
                            .line(key, 1)
                            .ttl(Duration.ofMinutes(1))
                            .build());
                clock.advance(Duration.ofMinutes(2));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (store.findOldestDueHold().isPresent() && System.nanoTime() < deadline) {
                  Thread.sleep(20);
                }
                assertThat(store.findOldestDueHold())
                    .as("the due hold, written as expired")
                    .isEmpty();
                sweeper.set(context.getBean(InventorySweeper.class).sweeper().orElseThrow());
                assertThat(sweeper.get().expiredCount()).isEqualTo(1);
              });
      assertThat(sweeper.get().isClosed()).as("closed with the context").isTrue();
    } finally {
      executor.shutdownNow();
    }
    drop(schema);
  }

  @Nested
  @DisplayName("metrics")
  class Metrics {
    @Test
    @DisplayName("with a MeterRegistry the meters move as the operations run")
    void metersMove() {
      String schema = newSchema();
      runner
          .withPropertyValues("inventory.schema=" + schema)
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .run(
              context -> {
                assertThat(context).hasSingleBean(InventoryMetrics.class);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                Inventory inventory = context.getBean(Inventory.class);
                StockKey key = StockKey.of("SKU-M");
                inventory.receive(key, 1, null);
                inventory.reserve(ReservationRequest.builder("m1").line(key, 1).build());
                try {
                  inventory.reserve(ReservationRequest.builder("m2").line(key, 1).build());
                } catch (RuntimeException expected) {
                  // refused: counted
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (registry.find(InventoryMetrics.REFUSALS).counter() == null
                    && System.nanoTime() < deadline) {
                  Thread.sleep(10);
                }
                assertThat(registry.get(InventoryMetrics.REFUSALS).counter().count()).isEqualTo(1);
                assertThat(
                        registry
                            .get(InventoryMetrics.CALLS)
                            .tags("operation", "reserve", "outcome", "success")
                            .timer()
                            .count())
                    .isEqualTo(1);
                assertThat(registry.get(InventoryMetrics.WAITING).gauges()).hasSize(3);
                assertThat(registry.get(InventoryMetrics.LAG).timeGauge()).isNotNull();
                assertThat(registry.get(InventoryMetrics.SWEEPER_RUNS).functionCounters())
                    .hasSize(2);
              });
      drop(schema);
    }

    @Test
    @DisplayName("a MeterRegistry but no DataSource: no meters, and the context starts")
    void registryWithoutDataSource() {
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  InventoryAutoConfiguration.class,
                  InventoryMetricsAutoConfiguration.class,
                  InventoryHealthAutoConfiguration.class))
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withPropertyValues("inventory.health.enabled=true")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context)
                    .doesNotHaveBean(InventoryMetrics.class)
                    .doesNotHaveBean(InventoryHealthIndicator.class);
              });
    }

    @Test
    @DisplayName("without a MeterRegistry, or with inventory.metrics.enabled=false: no meters")
    void backsOffWithoutRegistry() {
      String schema = newSchema();
      runner
          .withPropertyValues("inventory.schema=" + schema)
          .run(context -> assertThat(context).doesNotHaveBean(InventoryMetrics.class));
      runner
          .withPropertyValues("inventory.schema=" + schema, "inventory.metrics.enabled=false")
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .run(context -> assertThat(context).doesNotHaveBean(InventoryMetrics.class));
      drop(schema);
    }
  }

  @Nested
  @DisplayName("health")
  class HealthIndicators {
    @Test
    @DisplayName("opt-in: reports the schema version and the sweeper's lag")
    void reportsVersionAndLag() {
      String schema = newSchema();
      runner
          .withPropertyValues("inventory.schema=" + schema, "inventory.health.enabled=true")
          .run(
              context -> {
                Health health = context.getBean(InventoryHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails())
                    .containsEntry(
                        "schemaVersion",
                        context.getBean(JdbcInventoryStore.class).requiredSchemaVersion())
                    .containsEntry("sweeperLag", "PT0S");
              });
      drop(schema);
    }

    @Test
    @DisplayName("DOWN when the lag passes inventory.health.max-sweeper-lag")
    void downWhenLagging() {
      String schema = newSchema();
      MutableClock clock = MutableClock.startingAt("2020-01-01T00:00:00Z");
      runner
          .withPropertyValues(
              "inventory.schema=" + schema,
              "inventory.health.enabled=true",
              "inventory.health.max-sweeper-lag=1m",
              "inventory.sweeper.enabled=false")
          .withBean(JdbcInventoryBuilderCustomizer.class, () -> builder -> builder.clock(clock))
          .run(
              context -> {
                Inventory inventory = context.getBean(Inventory.class);
                StockKey key = StockKey.of("SKU-H");
                inventory.receive(key, 1, null);
                inventory.reserve(
                    ReservationRequest.builder("h")
                        .line(key, 1)
                        .ttl(Duration.ofMinutes(1))
                        .build());
                clock.advance(Duration.ofMinutes(2));
                // The store's clock is years behind the indicator's: the hold is long due.
                Health health = context.getBean(InventoryHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails()).containsKey("oldestDueHold");
              });
      drop(schema);
    }
  }

  @Nested
  @DisplayName("migrations and the application's own Flyway")
  class Migrations {
    private final ApplicationContextRunner withBoot =
        runner.withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class,
                FlywayAutoConfiguration.class));

    @Test
    @DisplayName(
        "host Flyway present: the library migrates first, so host migrations may refer to it")
    void beforeTheHostsFlyway() {
      String schema = newSchema();
      String shop = newSchema();
      withBoot
          .withPropertyValues(
              "inventory.schema=" + schema,
              "spring.flyway.schemas=" + shop,
              "spring.flyway.locations=classpath:db/shop",
              "spring.flyway.placeholders.inventory=" + schema)
          .withUserConfiguration(ReadsAtStartup.class)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                assertThat(
                        jdbc.queryForObject(
                            "SELECT count(*) FROM "
                                + shop
                                + ".flyway_schema_history WHERE version = '1' AND success",
                            Integer.class))
                    .isEqualTo(1);
                assertThat(context.getBean(ReadsAtStartup.class).stockRows).isZero();
              });
      drop(shop, schema);
    }

    @Test
    @DisplayName("host Flyway absent: a bean that reads the tables at start-up finds them migrated")
    void withoutHostFlyway() {
      String schema = newSchema();
      runner
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
          .withPropertyValues("inventory.schema=" + schema)
          .withUserConfiguration(ReadsAtStartup.class)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(ReadsAtStartup.class).stockRows).isZero();
              });
      drop(schema);
    }

    @Test
    @DisplayName("inventory.migrate=false: the host's Flyway runs the library's scripts first")
    void hostMigratesTheLibrary() {
      String schema = newSchema();
      withBoot
          .withPropertyValues(
              "inventory.schema=" + schema,
              "inventory.migrate=false",
              "spring.flyway.schemas=" + schema,
              "spring.flyway.locations=classpath:dev/inventory/jdbc/migration",
              "spring.flyway.table=inventory_schema_history")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                JdbcInventoryStore store = context.getBean(JdbcInventoryStore.class);
                assertThat(store.schemaVersion()).isEqualTo(store.requiredSchemaVersion());
              });
      drop(schema);
    }
  }

  /** A bean of the application that reads the inventory's tables while the context starts. */
  @Configuration(proxyBeanMethods = false)
  static class ReadsAtStartup {
    final int stockRows;

    ReadsAtStartup(JdbcTemplate jdbc, org.springframework.core.env.Environment environment) {
      String schema = environment.getRequiredProperty("inventory.schema");
      Map<String, Object> row =
          jdbc.queryForMap("SELECT count(*) AS n FROM " + schema + ".stock_level");
      this.stockRows = ((Number) row.get("n")).intValue();
    }
  }
}
