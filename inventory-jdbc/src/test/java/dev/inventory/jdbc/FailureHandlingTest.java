package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.internal.StartupChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Under database trouble the library")
class FailureHandlingTest {
  private static final AtomicInteger KEYS = new AtomicInteger();
  private static HikariDataSource admin;
  private static HikariDataSource app;
  private static String schema;
  private static Jdbi adminJdbi;

  @BeforeAll
  static void open() {
    admin = TestDatabase.pool(4);
    schema = TestDatabase.newSchema(FailureHandlingTest.class);
    JdbcInventory.builder(admin).schema(schema).build();
    app = TestDatabase.pool(4, c -> c.addDataSourceProperty("ApplicationName", schema));
    adminJdbi = Jdbi.create(admin);
  }

  @AfterAll
  static void close() {
    app.close();
    TestDatabase.dropSchema(admin, schema);
    admin.close();
  }

  private static Inventory inventory(Duration lockTimeout, Duration statementTimeout) {
    return JdbcInventory.builder(app)
        .schema(schema)
        .migrate(false)
        .lockTimeout(lockTimeout)
        .statementTimeout(statementTimeout)
        .build();
  }

  private static StockKey newKey() {
    return StockKey.of("K" + KEYS.incrementAndGet());
  }

  /** Holds the stock row of {@code key} locked from another session until closed. */
  private static Connection lockRow(StockKey key) throws SQLException {
    Connection c = admin.getConnection();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE "
              + schema
              + ".stock_level SET updated_at = now() WHERE sku = '"
              + key.sku()
              + "'");
    }
    return c;
  }

  /** Waits until one of the app's backends waits for a lock, then terminates it. */
  private static void terminateTheWaitingBackend() {
    awaitTheWaitingBackend("pg_terminate_backend(pid)");
  }

  /** Waits until one of the app's backends waits for a lock. */
  private static void awaitTheWaitingBackend() {
    awaitTheWaitingBackend("*");
  }

  /** Waits until {@code count(what)} over the app's backends waiting for a lock is above 0. */
  private static void awaitTheWaitingBackend(String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Integer found =
          adminJdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT count("
                              + what
                              + ")::int FROM pg_stat_activity"
                              + " WHERE application_name = :app AND wait_event_type = 'Lock'")
                      .bind("app", schema)
                      .mapTo(Integer.class)
                      .one());
      if (found > 0) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no backend of the app ever waited for the lock");
  }

  @Test
  @DisplayName(
      "fails a call blocked past lockTimeout with InventoryTimeoutException, changing nothing")
  void lockTimeout() throws Exception {
    Inventory inventory = inventory(Duration.ofMillis(200), Duration.ZERO);
    StockKey key = newKey();
    inventory.receive(key, 5, null);
    try (Connection holder = lockRow(key)) {
      assertThatThrownBy(
              () -> inventory.reserve(ReservationRequest.builder("lt-" + key).line(key, 1).build()))
          .isInstanceOf(InventoryTimeoutException.class)
          .hasMessageContaining("lock_timeout");
      holder.rollback();
    }
    assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 5, 0));
    assertThat(inventory.findReservation("lt-" + key)).isEmpty();
  }

  @Test
  @DisplayName("fails a call running past statementTimeout with InventoryTimeoutException")
  void statementTimeout() throws Exception {
    Inventory inventory = inventory(Duration.ZERO, Duration.ofMillis(200));
    StockKey key = newKey();
    inventory.receive(key, 5, null);
    try (Connection holder = lockRow(key)) {
      assertThatThrownBy(() -> inventory.adjust(key, -1, "count"))
          .isInstanceOf(InventoryTimeoutException.class)
          .hasMessageContaining("statement_timeout");
      holder.rollback();
    }
    assertThat(inventory.level(key).onHand()).isEqualTo(5);
  }

  @Test
  @DisplayName("a combined batch over several keys times out only the requests on the locked key")
  void lockTimeoutInABatchOfKeysFailsOnlyThatKey() throws Exception {
    Inventory inventory =
        JdbcInventory.builder(app)
            .schema(schema)
            .migrate(false)
            .lockTimeout(Duration.ofSeconds(1))
            .maxInFlight(1)
            .build();
    StockKey locked = newKey();
    StockKey free = newKey();
    inventory.receive(locked, 5, null);
    inventory.receive(free, 5, null);
    CompletableFuture<Reservation> first;
    CompletableFuture<Reservation> onFree;
    CompletableFuture<Reservation> onLocked;
    try (Connection holder = lockRow(locked)) {
      first = reserveAsync(inventory, "b1-" + locked, locked);
      awaitTheWaitingBackend(); // the one statement in flight waits for the row
      // These two wait for its slot, then go as one batch over both keys, which times out on one.
      onFree = reserveAsync(inventory, "b2-" + free, free);
      onLocked = reserveAsync(inventory, "b3-" + locked, locked);

      assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InventoryTimeoutException.class);
      assertThat(onFree.get(10, TimeUnit.SECONDS).status()).isEqualTo(Reservation.Status.HELD);
      assertThatThrownBy(() -> onLocked.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InventoryTimeoutException.class);
      holder.rollback();
    }
    assertThat(inventory.level(free)).isEqualTo(new StockLevel(free, 5, 1));
    assertThat(inventory.level(locked)).isEqualTo(new StockLevel(locked, 5, 0));
  }

  private static CompletableFuture<Reservation> reserveAsync(
      Inventory inventory, String id, StockKey key) {
    return CompletableFuture.supplyAsync(
        () -> inventory.reserve(ReservationRequest.builder(id).line(key, 1).build()));
  }

  @Test
  @DisplayName("re-sends a reserve whose connection was killed: it takes effect exactly once")
  void killedReserveIsResent() throws Exception {
    Inventory inventory = inventory(Duration.ZERO, Duration.ZERO);
    StockKey key = newKey();
    StockKey other = newKey();
    inventory.receive(key, 5, null);
    inventory.receive(other, 5, null);
    CompletableFuture<Reservation> single;
    CompletableFuture<Reservation> cart;
    try (Connection holder = lockRow(key)) {
      single =
          CompletableFuture.supplyAsync(
              () ->
                  inventory.reserve(ReservationRequest.builder("k1-" + key).line(key, 2).build()));
      terminateTheWaitingBackend();
      cart =
          CompletableFuture.supplyAsync(
              () ->
                  inventory.reserve(
                      ReservationRequest.builder("k2-" + key).line(other, 1).line(key, 1).build()));
      terminateTheWaitingBackend();
      holder.rollback();
    }
    assertThat(single.get(10, TimeUnit.SECONDS).status()).isEqualTo(Reservation.Status.HELD);
    assertThat(cart.get(10, TimeUnit.SECONDS).status()).isEqualTo(Reservation.Status.HELD);
    assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 5, 3));
    assertThat(inventory.level(other)).isEqualTo(new StockLevel(other, 5, 1));
  }

  @Test
  @DisplayName("does not re-send a stock adjustment whose outcome is unknown, and says so")
  void killedAdjustmentIsNotResent() throws Exception {
    Inventory inventory = inventory(Duration.ZERO, Duration.ZERO);
    StockKey key = newKey();
    inventory.receive(key, 5, null);
    CompletableFuture<StockLevel> adjust;
    try (Connection holder = lockRow(key)) {
      adjust = CompletableFuture.supplyAsync(() -> inventory.adjust(key, -2, "breakage"));
      terminateTheWaitingBackend();
      holder.rollback();
    }
    assertThatThrownBy(() -> adjust.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InventoryUnavailableException.class)
        .hasMessageContaining("outcome is unknown")
        .hasMessageContaining("read the level or the log before repeating");
    assertThat(inventory.level(key).onHand()).isEqualTo(5);
  }

  @Test
  @DisplayName("warns at startup when socketTimeout is 0 and when synchronous_commit is off")
  void startupWarnings() {
    try (HikariDataSource risky =
        TestDatabase.pool(
            1,
            c -> {
              c.addDataSourceProperty("socketTimeout", "0");
              c.addDataSourceProperty("options", "-c synchronous_commit=off");
            })) {
      List<String> warnings = StartupChecks.run(risky, false);
      assertThat(warnings)
          .anySatisfy(w -> assertThat(w).contains("socketTimeout is 0"))
          .anySatisfy(w -> assertThat(w).contains("synchronous_commit is 'off'"))
          .anySatisfy(w -> assertThat(w).contains("lock_timeout"));
    }
  }

  @Test
  @DisplayName("gives no warning for a pool with a socket timeout and server-side timeouts")
  void noWarningsWhenConfigured() {
    try (HikariDataSource careful =
        TestDatabase.pool(
            1,
            c -> {
              c.addDataSourceProperty("socketTimeout", "30");
              c.addDataSourceProperty("options", "-c lock_timeout=2s -c statement_timeout=5s");
            })) {
      assertThat(StartupChecks.run(careful, false)).isEmpty();
    }
  }

  /** The warnings build() logs, on a new pool (warnings are logged once per pool). */
  private static List<String> warningsLoggedByBuild(
      String options, String socketTimeout, boolean allowNoTimeouts) {
    Logger jul = Logger.getLogger("dev.inventory.jdbc");
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
              logged.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(capture);
    try (HikariDataSource pool =
        TestDatabase.pool(
            1,
            c -> {
              c.addDataSourceProperty("socketTimeout", socketTimeout);
              c.addDataSourceProperty("options", options);
            })) {
      JdbcInventory.builder(pool)
          .schema(schema)
          .migrate(false)
          .allowNoTimeouts(allowNoTimeouts)
          .build();
    } finally {
      jul.removeHandler(capture);
    }
    return logged;
  }

  @Test
  @DisplayName("build() logs a warning when neither a lock nor a statement timeout is set")
  void warnsWithoutTimeouts() {
    List<String> logged =
        warningsLoggedByBuild("-c lock_timeout=0 -c statement_timeout=0", "30", false);

    assertThat(logged)
        .singleElement()
        .satisfies(w -> assertThat(w).startsWith("inventory: ").contains("lock_timeout"));
  }

  @Test
  @DisplayName("allowNoTimeouts(true) silences the missing-timeout warning, and only that one")
  void allowNoTimeoutsSilencesOnlyThatWarning() {
    List<String> logged =
        warningsLoggedByBuild("-c lock_timeout=0 -c statement_timeout=0", "0", true);

    assertThat(logged)
        .singleElement()
        .satisfies(w -> assertThat(w).contains("socketTimeout is 0"))
        .satisfies(w -> assertThat(w).doesNotContain("lock_timeout"));
  }

  @Test
  @DisplayName("refuses timeouts that are negative, over an hour, or below a millisecond")
  void refusesBadTimeouts() {
    JdbcInventory.Builder builder = JdbcInventory.builder(app);
    assertThatThrownBy(() -> builder.lockTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lockTimeout");
    assertThatThrownBy(() -> builder.statementTimeout(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statementTimeout");
    assertThatThrownBy(() -> builder.lockTimeout(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.attempts(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("refuses flash-sale settings out of range, naming the setting")
  void refusesBadCombiningSettings() {
    JdbcInventory.Builder builder = JdbcInventory.builder(app);
    assertThatThrownBy(() -> builder.maxInFlight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInFlight must be between 1 and 1024, but was 0");
    assertThatThrownBy(() -> builder.maxInFlight(1025))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> builder.maxBatch(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatch must be between 2 and 10000, but was 1");
    assertThatThrownBy(() -> builder.maxQueue(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxQueue");
    assertThatThrownBy(() -> builder.maxWait(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxWait");
  }
}
