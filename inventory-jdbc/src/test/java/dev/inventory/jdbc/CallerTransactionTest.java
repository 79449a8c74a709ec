package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("The inventory inside the caller's transaction")
class CallerTransactionTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(6);

  private static final AtomicInteger TESTS = new AtomicInteger();
  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private JdbcInventoryStore store;
  private Inventory inventory;
  private String prefix;
  private StockKey key;

  /** Runs after {@link #DB} has migrated the schema (and before any {@code @Nested} class). */
  @BeforeAll
  static void open() {
    pool = DB.pool();
    schema = DB.name();
    jdbi = DB.jdbi();
    // The host's own table, in the host's schema of choice; dropped with the schema.
    TestDatabase.execute(
        pool,
        "CREATE TABLE "
            + schema
            + ".orders (id text PRIMARY KEY, reservation_id text NOT NULL, total_cents bigint)");
  }

  @BeforeEach
  void build() {
    store = DB.store(clock);
    inventory = store.inventory();
    prefix = "x" + TESTS.incrementAndGet() + "-";
    key = StockKey.of(prefix + "SKU");
    inventory.receive(key, 10, "delivery");
  }

  private String id(String name) {
    return prefix + name;
  }

  private static void insertOrder(Connection c, String orderId, String reservationId)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO "
                + schema
                + ".orders (id, reservation_id, total_cents) VALUES (?, ?, 999)")) {
      s.setString(1, orderId);
      s.setString(2, reservationId);
      s.executeUpdate();
    }
  }

  private static boolean orderExists(String orderId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM " + schema + ".orders WHERE id = :id")
                    .bind("id", orderId)
                    .mapTo(Integer.class)
                    .one()
                == 1);
  }

  @Nested
  @DisplayName("on a plain JDBC connection")
  class PlainJdbc {
    private Connection connection;

    @BeforeEach
    void begin() throws SQLException {
      connection = pool.getConnection();
      connection.setAutoCommit(false);
    }

    @AfterEach
    void end() throws SQLException {
      if (!connection.isClosed()) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        connection.setAutoCommit(true);
        connection.close();
      }
    }

    @Test
    @DisplayName("commit: the order row and the sale are both there")
    void commitKeepsBoth() throws SQLException {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build());

      insertOrder(connection, id("order"), id("cart"));
      Reservation sold = store.inTransaction(connection).confirm(id("cart"));
      connection.commit();

      assertThat(sold.status()).isEqualTo(Status.CONFIRMED);
      assertThat(orderExists(id("order"))).isTrue();
      assertThat(inventory.findReservation(id("cart")).orElseThrow().status())
          .isEqualTo(Status.CONFIRMED);
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 7, 0));
    }

    @Test
    @DisplayName("rollback: neither the order row nor the sale is there")
    void rollbackKeepsNeither() throws SQLException {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build());

      insertOrder(connection, id("order"), id("cart"));
      store.inTransaction(connection).confirm(id("cart"));
      connection.rollback();

      assertThat(orderExists(id("order"))).isFalse();
      assertThat(inventory.findReservation(id("cart")).orElseThrow().status())
          .isEqualTo(Status.HELD);
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 10, 3));
    }

    @Test
    @DisplayName("nothing is visible to others before the caller commits")
    void invisibleUntilCommit() throws SQLException {
      store
          .inTransaction(connection)
          .purchase(ReservationRequest.builder(id("direct")).line(key, 2).build());

      assertThat(inventory.level(key).onHand()).isEqualTo(10);
      assertThat(inventory.findReservation(id("direct"))).isEmpty();
      connection.commit();
      assertThat(inventory.level(key).onHand()).isEqualTo(8);
    }

    @Test
    @DisplayName("receive returns the raised level; others see it, and its log entry, after commit")
    void receiveInsideTheTransaction() throws SQLException {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build());

      StockLevel received = store.inTransaction(connection).receive(key, 5, "return");

      assertThat(received).isEqualTo(new StockLevel(key, 15, 3));
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 10, 3));
      connection.commit();
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 15, 3));
      List<LogEntry> log =
          store
              .ledger()
              .history(
                  key,
                  java.time.Instant.parse("2000-01-01T00:00:00Z"),
                  java.time.Instant.parse("2100-01-01T00:00:00Z"),
                  10,
                  null)
              .entries();
      assertThat(log)
          .filteredOn(e -> "return".equals(e.reason()))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.kind()).isEqualTo(LogEntry.Kind.RECEIVE);
                assertThat(e.onHandDelta()).isEqualTo(5);
                assertThat(e.onHandAfter()).isEqualTo(15);
                assertThat(e.reservedAfter()).isEqualTo(3);
              });
    }

    @Test
    @DisplayName("the library never commits, closes or switches autocommit on the connection")
    void leavesTheConnectionAlone() throws SQLException {
      TransactionalInventory bound = store.inTransaction(connection);
      bound.reserve(ReservationRequest.builder(id("cart")).line(key, 1).build());
      bound.release(id("cart"));
      bound.receive(key, 5, "return");
      bound.findReservation(id("cart"));
      bound.levels(java.util.List.of(key));

      assertThat(connection.isClosed()).isFalse();
      assertThat(connection.getAutoCommit()).isFalse();
      connection.rollback();
      assertThat(inventory.findReservation(id("cart"))).isEmpty();
      assertThat(inventory.level(key).onHand()).isEqualTo(10);
    }

    @Test
    @DisplayName("with a TTL finer than a microsecond, reserve and extend return the stored expiry")
    void expiryAtTheDatabasesPrecision() {
      TransactionalInventory bound = store.inTransaction(connection);
      Duration ttl = Duration.ofMinutes(5).plusNanos(500);

      Reservation held =
          bound.reserve(ReservationRequest.builder(id("micro")).line(key, 1).ttl(ttl).build());
      assertThat(bound.findReservation(held.id())).contains(held);
      Reservation extended = bound.extend(held.id(), ttl);
      assertThat(bound.findReservation(held.id())).contains(extended);
    }

    @Test
    @DisplayName("reads see the transaction's own uncommitted changes")
    void readsSeeOwnChanges() {
      TransactionalInventory bound = store.inTransaction(connection);
      bound.reserve(ReservationRequest.builder(id("cart")).line(key, 4).build());

      assertThat(bound.level(key)).isEqualTo(new StockLevel(key, 10, 4));
      assertThat(bound.findReservation(id("cart"))).map(Reservation::status).contains(Status.HELD);
    }

    @Test
    @DisplayName("a refused call undoes only itself: the caller's transaction goes on and commits")
    void refusalLeavesTheTransactionUsable() throws SQLException {
      TransactionalInventory bound = store.inTransaction(connection);
      StockKey other = StockKey.of(prefix + "OTHER");
      inventory.receive(other, 1, null);
      insertOrder(connection, id("order"), id("cart"));

      assertThatThrownBy(
              () ->
                  bound.reserve(
                      ReservationRequest.builder(id("cart")).line(key, 2).line(other, 5).build()))
          .isInstanceOf(InsufficientStockException.class);
      bound.reserve(ReservationRequest.builder(id("cart")).line(key, 2).line(other, 1).build());
      connection.commit();

      assertThat(orderExists(id("order"))).isTrue();
      assertThat(inventory.levels(java.util.List.of(key, other)))
          .containsEntry(key, new StockLevel(key, 10, 2))
          .containsEntry(other, new StockLevel(other, 1, 1));
    }

    @Test
    @DisplayName("a one-line reserve that is short throws, names the shortage and holds nothing")
    void shortOneLineReserveIsRefused() throws SQLException {
      TransactionalInventory bound = store.inTransaction(connection);

      assertThatThrownBy(
              () -> bound.reserve(ReservationRequest.builder(id("cart")).line(key, 11).build()))
          .isInstanceOf(InsufficientStockException.class)
          .hasMessageContaining("requested 11, available 10");
      assertThat(bound.findReservation(id("cart"))).isEmpty();
      connection.commit();

      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 10, 0));
      assertThat(inventory.findReservation(id("cart"))).isEmpty();
    }

    @Test
    @DisplayName("a replayed reserve returns the reservation; other lines conflict; both usable")
    void idempotencyInsideTheTransaction() throws SQLException {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 2).build());
      TransactionalInventory bound = store.inTransaction(connection);

      Reservation replayed =
          bound.reserve(ReservationRequest.builder(id("cart")).line(key, 2).build());
      assertThatThrownBy(
              () -> bound.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build()))
          .isInstanceOf(IdempotencyConflictException.class);
      bound.confirm(id("cart"));
      connection.commit();

      assertThat(replayed.status()).isEqualTo(Status.HELD);
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 8, 0));
    }

    @Test
    @DisplayName("lifecycle refusals are the same as outside: unknown, final, expired")
    void lifecycleRefusals() {
      TransactionalInventory bound = store.inTransaction(connection);
      inventory.reserve(ReservationRequest.builder(id("released")).line(key, 1).build());
      inventory.release(id("released"));
      inventory.reserve(
          ReservationRequest.builder(id("due")).line(key, 1).ttl(Duration.ofMinutes(1)).build());
      clock.advance(Duration.ofMinutes(2));

      assertThatThrownBy(() -> bound.confirm(id("nope")))
          .isInstanceOf(ReservationNotFoundException.class);
      assertThatThrownBy(() -> bound.confirm(id("released")))
          .isInstanceOf(ReservationStateException.class);
      assertThatThrownBy(() -> bound.confirm(id("due")))
          .isInstanceOf(ReservationExpiredException.class);
      assertThat(bound.release(id("released")).status()).isEqualTo(Status.RELEASED);
      assertThatThrownBy(() -> bound.extend(id("released"), Duration.ofMinutes(5)))
          .isInstanceOf(ReservationStateException.class);
    }

    @Test
    @DisplayName("extend pushes a hold's expiry inside the transaction")
    void extendInsideTheTransaction() throws SQLException {
      inventory.reserve(
          ReservationRequest.builder(id("cart")).line(key, 1).ttl(Duration.ofMinutes(1)).build());

      Reservation extended =
          store.inTransaction(connection).extend(id("cart"), Duration.ofMinutes(30));
      connection.commit();

      assertThat(extended.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
      assertThat(inventory.findReservation(id("cart")).orElseThrow().expiresAt())
          .isEqualTo(extended.expiresAt());
    }

    @Test
    @DisplayName("a connection in autocommit mode is refused before any SQL")
    void autocommitIsRefused() throws SQLException {
      connection.setAutoCommit(true);
      TransactionalInventory bound = store.inTransaction(connection);

      assertThatThrownBy(
              () -> bound.purchase(ReservationRequest.builder(id("x")).line(key, 1).build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("autocommit");
      assertThat(inventory.level(key).onHand()).isEqualTo(10);
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Nested
  @DisplayName("on a Jdbi handle")
  class OnJdbi {
    @Test
    @DisplayName("commit: the order row and the sale are both there")
    void commitKeepsBoth() {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build());

      jdbi.useTransaction(
          handle -> {
            handle.execute(
                "INSERT INTO " + schema + ".orders (id, reservation_id) VALUES (?, ?)",
                id("order"),
                id("cart"));
            store.inTransaction(handle).confirm(id("cart"));
          });

      assertThat(orderExists(id("order"))).isTrue();
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 7, 0));
    }

    @Test
    @DisplayName("rollback: neither the order row nor the sale is there")
    void rollbackKeepsNeither() {
      inventory.reserve(ReservationRequest.builder(id("cart")).line(key, 3).build());

      assertThatThrownBy(
              () ->
                  jdbi.useTransaction(
                      handle -> {
                        handle.execute(
                            "INSERT INTO " + schema + ".orders (id, reservation_id) VALUES (?, ?)",
                            id("order"),
                            id("cart"));
                        store.inTransaction(handle).confirm(id("cart"));
                        throw new IllegalStateException("payment declined");
                      }))
          .hasMessage("payment declined");

      assertThat(orderExists(id("order"))).isFalse();
      assertThat(inventory.findReservation(id("cart")).orElseThrow().status())
          .isEqualTo(Status.HELD);
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 10, 3));
    }

    @Test
    @DisplayName("a purchase and the order commit together; the handle stays open and usable")
    void purchaseWithTheOrder() {
      jdbi.useTransaction(
          handle -> {
            store
                .inTransaction(handle)
                .purchase(ReservationRequest.builder(id("direct")).line(key, 4).build());
            handle.execute(
                "INSERT INTO " + schema + ".orders (id, reservation_id) VALUES (?, ?)",
                id("order"),
                id("direct"));
            assertThat(handle.isClosed()).isFalse();
            assertThat(handle.isInTransaction()).isTrue();
          });

      assertThat(orderExists(id("order"))).isTrue();
      assertThat(inventory.level(key).onHand()).isEqualTo(6);
    }

    @Test
    @DisplayName("a handle outside a transaction is refused")
    void handleWithoutTransactionIsRefused() {
      try (Handle handle = jdbi.open()) {
        assertThatThrownBy(() -> store.inTransaction(handle).release(id("any")))
            .isInstanceOf(IllegalStateException.class);
      }
    }
  }
}
