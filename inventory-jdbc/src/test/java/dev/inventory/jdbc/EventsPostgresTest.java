package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.RecordingListener;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.BulkApplied;
import dev.inventory.event.InventoryEvent.Confirmed;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.event.InventoryEvent.OutcomeUnknown;
import dev.inventory.event.InventoryEvent.Reserved;
import dev.inventory.event.InventoryEvent.Retried;
import dev.inventory.event.InventoryEvent.StockReceived;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the PostgreSQL implementation tells (the contract suite's {@code Listening} group
 * covers what both tell): retries, unknown outcomes, flash-sale batches, the caller's transaction,
 * the ledger's bulk calls; and the store's read-only status for gauges and health checks.
 */
@DisplayName("PostgreSQL events and status")
class EventsPostgresTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(6);

  private static final AtomicInteger KEYS = new AtomicInteger();

  private final RecordingListener recorder = new RecordingListener();

  private static StockKey newKey() {
    return StockKey.of("events-" + KEYS.incrementAndGet());
  }

  private JdbcInventory.Builder builder(DataSource dataSource) {
    return JdbcInventory.builder(dataSource)
        .schema(DB.name())
        .migrate(false)
        .allowNoTimeouts(true)
        .listener(recorder);
  }

  @Test
  @DisplayName("a connection that could not be had is told as Retried, then the call's event")
  void retriesAreTold() {
    FlakyDataSource flaky = new FlakyDataSource(DB.pool());
    Inventory inventory = builder(flaky).build();
    StockKey key = newKey();
    flaky.failConnections.set(2);

    inventory.receive(key, 5, null);

    List<InventoryEvent> told = recorder.awaitUntil(e -> true, e -> e instanceof StockReceived);
    assertThat(told)
        .containsExactly(
            new Retried(Retried.Reason.NO_CONNECTION, 1, "08001"),
            new Retried(Retried.Reason.NO_CONNECTION, 2, "08001"),
            told.get(2));
  }

  @Test
  @DisplayName("a commit that broke is told as OutcomeUnknown with the keys it named")
  void unknownOutcomesAreTold() {
    try (HikariDataSource autocommitOff = TestDatabase.pool(2, p -> p.setAutoCommit(false))) {
      FlakyDataSource flaky = new FlakyDataSource(autocommitOff);
      Inventory inventory = builder(flaky).build();
      StockKey key = newKey();
      flaky.failCommits.set(1);

      assertThatThrownBy(() -> inventory.receive(key, 5, null))
          .isInstanceOfSatisfying(
              InventoryUnavailableException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue());

      List<InventoryEvent> told = recorder.awaitUntil(e -> true, e -> e instanceof OutcomeUnknown);
      OutcomeUnknown unknown = (OutcomeUnknown) told.get(told.size() - 1);
      assertThat(unknown.operation()).isEqualTo(Operation.RECEIVE);
      assertThat(unknown.keys()).containsExactly(key);
      assertThat(unknown.committed()).isFalse();
    }
  }

  @Test
  @DisplayName("flash-sale mode tells each batch it sends, with its size and keys")
  void batchesAreTold() {
    Inventory inventory = builder(DB.pool()).build();
    StockKey key = newKey();
    inventory.receive(key, 5, null);

    inventory.reserve(ReservationRequest.builder("events-batch-" + key.sku()).line(key, 1).build());

    List<InventoryEvent> told = recorder.awaitUntil(e -> true, e -> e instanceof Reserved);
    BatchSent batch =
        told.stream()
            .filter(BatchSent.class::isInstance)
            .map(BatchSent.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(batch.operation()).isEqualTo(Operation.RESERVE);
    assertThat(batch.size()).isEqualTo(1);
    assertThat(batch.keys()).isEqualTo(1);
    assertThat(told.indexOf(batch)).isLessThan(told.size() - 1);
  }

  @Test
  @DisplayName("calls in the caller's transaction are told as not committed")
  void callersTransactionIsNotCommitted() throws SQLException {
    JdbcInventoryStore store = builder(DB.pool()).buildStore();
    StockKey key = newKey();
    store.inventory().receive(key, 5, null);
    String id = "events-tx-" + key.sku();
    try (Connection c = DB.pool().getConnection()) {
      c.setAutoCommit(false);
      store.inTransaction(c).reserve(ReservationRequest.builder(id).line(key, 1).build());
      store.inTransaction(c).confirm(id);
      c.rollback();
    }

    List<InventoryEvent> told = recorder.awaitUntil(e -> true, e -> e instanceof Confirmed);
    assertThat(told.get(told.size() - 2)).isInstanceOf(Reserved.class);
    assertThat(((Reserved) told.get(told.size() - 2)).committed()).isFalse();
    assertThat(((Confirmed) told.get(told.size() - 1)).committed()).isFalse();
  }

  @Test
  @DisplayName("the ledger's bulk calls are told with their result")
  void bulkCallsAreTold() {
    JdbcInventoryStore store = builder(DB.pool()).buildStore();
    StockKey key = newKey();

    store.ledger().receiveAll(List.of(BulkEntry.of(key, 7)), "delivery");
    store.ledger().setOnHandAll(List.of(BulkEntry.of(key, 3)), "count", BulkMode.ATOMIC);

    List<InventoryEvent> told =
        recorder.awaitUntil(
            e -> true,
            e -> e instanceof BulkApplied b && b.operation() == Operation.SET_ON_HAND_ALL);
    assertThat(told)
        .filteredOn(BulkApplied.class::isInstance)
        .extracting(e -> ((BulkApplied) e).operation(), e -> ((BulkApplied) e).committed())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Operation.RECEIVE_ALL, true),
            org.assertj.core.groups.Tuple.tuple(Operation.SET_ON_HAND_ALL, true));
  }

  @Test
  @DisplayName("the store tells its schema version, flash-sale queues and oldest due hold")
  void statusIsReadable() {
    StockKey key = newKey();
    JdbcInventoryStore store =
        JdbcInventory.builder(DB.pool())
            .schema(DB.name())
            .migrate(false)
            .maxInFlight(2)
            .buildStore();
    Inventory inventory = store.inventory();
    inventory.receive(key, 5, null);

    assertThat(store.schemaVersion()).isEqualTo(store.requiredSchemaVersion()).isEqualTo(13);
    assertThat(store.flashSaleStatus()).isEqualTo(new FlashSaleStatus(true, 2, 0, 0, 0, 0, 0, 0));

    Instant now = Instant.now();
    Reservation held =
        inventory.reserve(
            ReservationRequest.builder("events-due-" + key.sku())
                .line(key, 1)
                .ttl(Duration.ofSeconds(1))
                .build());
    JdbcInventoryStore later =
        JdbcInventory.builder(DB.pool())
            .schema(DB.name())
            .migrate(false)
            .clock(java.time.Clock.fixed(now.plusSeconds(3600), java.time.ZoneOffset.UTC))
            .buildStore();
    assertThat(later.findOldestDueHold()).isPresent();
    assertThat(later.findOldestDueHold().get()).isBeforeOrEqualTo(held.expiresAt());
    later.inventory().expireDue(10_000);
    assertThat(later.findOldestDueHold()).isEmpty();
    assertThat(
            JdbcInventory.builder(DB.pool())
                .schema(DB.name())
                .migrate(false)
                .combining(false)
                .buildStore()
                .flashSaleStatus())
        .isEqualTo(new FlashSaleStatus(false, 0, 0, 0, 0, 0, 0, 0));
  }

  /**
   * A DataSource that fails the next n connections (nothing sent) or the next n commits (the
   * connection "broke" while committing: nothing is committed, and the caller cannot know).
   */
  static final class FlakyDataSource implements DataSource {
    final DataSource target;
    final AtomicInteger failConnections = new AtomicInteger();
    final AtomicInteger failCommits = new AtomicInteger();

    FlakyDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (failConnections.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new SQLTransientConnectionException("no connection (test)", "08001");
      }
      Connection real = target.getConnection();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("commit")
                    && failCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                  real.rollback();
                  throw new SQLException("connection lost during commit (test)", "08006");
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
