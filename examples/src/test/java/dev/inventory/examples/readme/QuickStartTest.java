package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.ExpirySweeper;
import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.LogEntry;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's quick start and its production settings, run as written on a PostgreSQL. */
@DisplayName("README: quick start")
class QuickStartTest {
  private static ReadmeDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(QuickStartTest.class);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @Test
  @DisplayName("reserves a cart, sells it on payment, releases a cancelled one, names shortages")
  void quickStart() throws Exception {
    String jdbcUrl = db.jdbcUrl();
    String user = db.user();
    String password = db.password();
    // tag::quick-start-build[]
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl); // e.g. jdbc:postgresql://db.example.com:5432/shop
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(20);
    // So that no checkout thread can hang on the database (see the production checklist):
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("options", "-c lock_timeout=2s -c statement_timeout=5s");
    HikariDataSource dataSource = new HikariDataSource(config);

    // Creates the schema "inventory" and runs the library's migrations in it.
    Inventory inventory = JdbcInventory.builder(dataSource).schema("inventory").build();
    // end::quick-start-build[]
    try (dataSource) {
      assertThat(tablesOf(dataSource, "inventory"))
          .contains(
              "stock_level",
              "reservation",
              "reservation_line",
              "inventory_log",
              "daily_movement",
              "inventory_schema_history");

      // tag::quick-start-stock[]
      inventory.receive(StockKey.of("SKU-1"), 100, "delivery 4711");
      inventory.receive(StockKey.of("SKU-2", "hub-7"), 20, null); // a SKU at a location
      // end::quick-start-stock[]
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 100, 0));

      // tag::quick-start-reserve[]
      Reservation cart =
          inventory.reserve(
              ReservationRequest.builder("cart-42") // your id: a retry with it reserves once
                  .line("SKU-1", 2)
                  .line(StockKey.of("SKU-2", "hub-7"), 1)
                  .ttl(Duration.ofMinutes(15)) // unpaid after 15 minutes: the hold expires
                  .build());
      // end::quick-start-reserve[]
      assertThat(cart.status()).isEqualTo(Status.HELD);
      assertThat(cart.expiresAt()).isEqualTo(cart.createdAt().plus(Duration.ofMinutes(15)));
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 100, 2));
      assertThat(
              inventory.reserve(
                  ReservationRequest.builder("cart-42")
                      .line(StockKey.of("SKU-2", "hub-7"), 1)
                      .line("SKU-1", 2)
                      .build()))
          .as("the same id and lines again: the same reservation, nothing held twice")
          .isEqualTo(cart);
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 100, 2));
      assertThatThrownBy(
              () ->
                  inventory.reserve(ReservationRequest.builder("cart-42").line("SKU-1", 3).build()))
          .as("the same id with other lines")
          .isInstanceOf(IdempotencyConflictException.class);

      // tag::quick-start-confirm[]
      // Payment succeeded: the sale. Confirming it again returns it unchanged.
      Reservation sold = inventory.confirm("cart-42");
      // end::quick-start-confirm[]
      assertThat(sold.status()).isEqualTo(Status.CONFIRMED);
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 98, 0));
      assertThat(inventory.confirm("cart-42")).isEqualTo(sold);
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 98, 0));

      inventory.reserve(ReservationRequest.builder("cart-43").line("SKU-1", 5).build());
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 98, 5));
      // tag::quick-start-release[]
      // The customer cancelled: the units are free again. Releasing it again changes nothing.
      inventory.release("cart-43");
      // end::quick-start-release[]
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 98, 0));
      assertThat(inventory.release("cart-43").status()).isEqualTo(Status.RELEASED);

      // tag::quick-start-shortage[]
      List<String> messages = new ArrayList<>();
      try {
        inventory.reserve(
            ReservationRequest.builder("cart-44").line("SKU-1", 200).line("SKU-3", 1).build());
      } catch (InsufficientStockException e) {
        // Nothing was held, and "cart-44" is still free. One Shortage per short key, in key order:
        for (Shortage s : e.shortages()) {
          messages.add("only " + s.available() + " of " + s.key().sku() + " left");
        }
      }
      // messages: [only 98 of SKU-1 left, only 0 of SKU-3 left]
      // end::quick-start-shortage[]
      assertThat(messages).containsExactly("only 98 of SKU-1 left", "only 0 of SKU-3 left");
      assertThat(inventory.findReservation("cart-44")).as("a refused id stays free").isEmpty();
      assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 98, 0));
      assertThatThrownBy(
              () -> inventory.reserve(ReservationRequest.builder("x").line("SKU-1", 99).build()))
          .isInstanceOf(InsufficientStockException.class)
          .hasMessage("insufficient stock: SKU-1@default requested 99, available 98");
    }
  }

  @Test
  @DisplayName("the sweeper writes down a hold whose time is up, from its own thread")
  void sweeper() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (HikariDataSource dataSource = db.pool(4)) {
      Inventory inventory =
          JdbcInventory.builder(dataSource).schema("inventory").clock(clock).build();
      StockKey key = StockKey.of("SKU-SWEPT");
      inventory.receive(key, 1, null);
      inventory.reserve(ReservationRequest.builder("cart-abandoned").line(key, 1).build());
      clock.advance(JdbcInventory.DEFAULT_TTL);

      // tag::quick-start-sweeper[]
      // When the application starts: every 10 s, expire the due holds, 100 per transaction.
      ExpirySweeper sweeper = ExpirySweeper.start(inventory, Duration.ofSeconds(10), 100);
      // end::quick-start-sweeper[]
      try {
        sweeper.sweepNow(); // after the first run, which starts at once
        assertThat(sweeper.expiredCount()).isEqualTo(1);
        assertThat(inventory.findReservation("cart-abandoned").orElseThrow().status())
            .isEqualTo(Status.EXPIRED);
        assertThat(RoleGrantsTest.logKinds(dataSource, "inventory", key))
            .containsExactly(LogEntry.Kind.RECEIVE, LogEntry.Kind.RESERVE, LogEntry.Kind.EXPIRE);
      } finally {
        // tag::quick-start-sweeper-close[]
        sweeper.close(); // when the application stops: waits for a sweep in progress
        // end::quick-start-sweeper-close[]
      }
      assertThat(sweeper.isClosed()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "with the builder's timeouts, a call stuck behind a row lock fails and changes nothing")
  void builderTimeouts() throws Exception {
    HikariConfig plain = new HikariConfig();
    plain.setJdbcUrl(db.jdbcUrl());
    plain.setUsername(db.user());
    plain.setPassword(db.password());
    plain.addDataSourceProperty("socketTimeout", "30");
    try (HikariDataSource dataSource = new HikariDataSource(plain)) {
      // tag::production-timeouts[]
      Inventory inventory =
          JdbcInventory.builder(dataSource)
              .schema("inventory")
              .lockTimeout(Duration.ofSeconds(2)) // applied with SET LOCAL: a round trip more
              .statementTimeout(Duration.ofSeconds(5))
              .build();
      // end::production-timeouts[]
      StockKey key = StockKey.of("SKU-LOCKED");
      inventory.receive(key, 10, null);
      try (Connection other = dataSource.getConnection();
          Statement s = other.createStatement()) {
        other.setAutoCommit(false);
        s.execute("SELECT * FROM inventory.stock_level WHERE sku = 'SKU-LOCKED' FOR UPDATE");

        assertThatThrownBy(
                () -> inventory.reserve(ReservationRequest.builder("c-1").line(key, 1).build()))
            .isInstanceOf(InventoryTimeoutException.class)
            .hasMessageContaining("lock_timeout")
            .hasMessageContaining("nothing was changed");
        other.rollback();
      }
      assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 10, 0));
      assertThat(inventory.findReservation("c-1")).isEmpty();
    }
  }

  private static StockLevel level(String sku, long onHand, long reserved) {
    return new StockLevel(StockKey.of(sku), onHand, reserved);
  }

  static List<String> tablesOf(javax.sql.DataSource dataSource, String schema) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' ORDER BY table_name")) {
      List<String> tables = new java.util.ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
      return tables;
    }
  }
}
