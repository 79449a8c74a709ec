package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.AuditReport.Problem;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.HistoryPage;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.Price;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.StockLevel;
import dev.inventory.catalog.Item;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.SellerDay;
import dev.inventory.jdbc.SellerGross;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's section on the store (bulk stock, history, audit, the caller's transaction, the
 * daily report), run as written on a PostgreSQL database of its own.
 */
@DisplayName("README: the store")
class StoreTest {
  private static ReadmeDatabase db;
  private static HikariDataSource dataSource;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(StoreTest.class);
    db.execute("CREATE TABLE orders (id text PRIMARY KEY, cart_id text NOT NULL)");
    dataSource = db.pool(8);
  }

  @AfterAll
  static void dropDatabase() {
    dataSource.close();
    db.close();
  }

  @Test
  @DisplayName("bulk stock: a delivery all or nothing, a stock-take that reports what it refused")
  void bulkStock() {
    // tag::store-build[]
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
    Inventory inventory = store.inventory(); // as build() returns it
    StockLedger ledger = store.ledger(); // bulk stock, history, audit
    // end::store-build[]
    inventory.receive(StockKey.of("SKU-9"), 10, null);
    inventory.reserve(ReservationRequest.builder("cart-9").line("SKU-9", 5).build());

    // tag::store-bulk[]
    List<BulkEntry> delivery =
        List.of(BulkEntry.of("SKU-1", 40), BulkEntry.of(StockKey.of("SKU-2", "hub-7"), 12));
    ledger.receiveAll(delivery, "delivery 4711"); // all or nothing

    List<BulkEntry> counted = List.of(BulkEntry.of("SKU-1", 38), BulkEntry.of("SKU-9", 2));
    BulkResult take = ledger.setOnHandAll(counted, "stock-take", BulkMode.PARTIAL);
    take.refused().forEach(r -> System.err.println("not set: " + r));
    // not set: SKU-9@default: on-hand 2 is below the 5 units reserved (on-hand now 10)
    // end::store-bulk[]

    assertThat(take.applied()).isEqualTo(1);
    assertThat(take.refused())
        .singleElement()
        .hasToString("SKU-9@default: on-hand 2 is below the 5 units reserved (on-hand now 10)");
    assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 38, 0));
    assertThat(inventory.level(StockKey.of("SKU-2", "hub-7")))
        .isEqualTo(new StockLevel(StockKey.of("SKU-2", "hub-7"), 12, 0));
    assertThat(inventory.level(StockKey.of("SKU-9"))).isEqualTo(level("SKU-9", 10, 5));

    BulkResult atomic = ledger.setOnHandAll(counted, "stock-take", BulkMode.ATOMIC);
    assertThat(atomic.applied()).as("ATOMIC: one refused key refuses the call").isZero();
    assertThat(atomic.refused()).hasSize(1);
    assertThatThrownBy(
            () ->
                ledger.receiveAll(
                    List.of(BulkEntry.of("SKU-1", 1), BulkEntry.of("SKU-1", 2)), "twice"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(inventory.level(StockKey.of("SKU-1"))).isEqualTo(level("SKU-1", 38, 0));
  }

  @Test
  @DisplayName("history: pages of a key's log, newest first, and the holds on the key now")
  void history() {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
    StockLedger ledger = store.ledger();
    Inventory inventory = store.inventory();
    StockKey key = StockKey.of("SKU-HISTORY");
    for (int i = 0; i < 120; i++) {
      inventory.receive(key, 1, "pallet " + i);
    }
    inventory.reserve(ReservationRequest.builder("cart-h1").line(key, 2).build());

    // tag::store-history[]
    Instant to = Instant.now();
    Instant from = to.minus(Duration.ofDays(7));
    List<LogEntry> entries = new ArrayList<>();
    String cursor = null; // null: the newest page
    do {
      HistoryPage page = ledger.history(StockKey.of("SKU-HISTORY"), from, to, 50, cursor);
      entries.addAll(page.entries()); // newest first
      cursor = page.nextCursor(); // null after the last page
    } while (cursor != null);

    List<Reservation> holds = ledger.heldReservations(StockKey.of("SKU-HISTORY"), 100);
    // end::store-history[]

    assertThat(entries).hasSize(121);
    assertThat(entries.get(0).kind()).isEqualTo(Kind.RESERVE);
    assertThat(entries.get(120).reason()).isEqualTo("pallet 0");
    assertThat(entries).extracting(LogEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(holds).extracting(Reservation::id).containsExactly("cart-h1");
  }

  @Test
  @DisplayName("audit: a stock row changed behind the library's back is a discrepancy")
  void audit() throws SQLException {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
    StockLedger ledger = store.ledger();
    StockKey key = StockKey.of("SKU-AUDIT");
    store.inventory().receive(key, 7, null);
    assertThat(ledger.audit(List.of(key)).isClean()).isTrue();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("UPDATE inventory.stock_level SET on_hand = 70 WHERE sku = 'SKU-AUDIT'");
    }

    // tag::store-audit[]
    AuditReport report = ledger.audit(List.of(StockKey.of("SKU-AUDIT"))); // or ledger.auditAll()
    if (!report.isClean()) {
      System.err.println(report.describe()); // per key: what is wrong, and the figures compared
    }
    // end::store-audit[]

    assertThat(report.isClean()).isFalse();
    assertThat(report.discrepancies())
        .singleElement()
        .satisfies(d -> assertThat(d.problems()).contains(Problem.ON_HAND_DIFFERS_FROM_LOG));
    assertThat(report.describe()).contains("SKU-AUDIT@default", "ON_HAND_DIFFERS_FROM_LOG");
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("UPDATE inventory.stock_level SET on_hand = 7 WHERE sku = 'SKU-AUDIT'");
    }
    assertThat(ledger.audit(List.of(key)).isClean()).isTrue();
  }

  @Test
  @DisplayName("your transaction on a Connection: the order and the sale commit together")
  void callersConnection() throws SQLException {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
    store.inventory().receive(StockKey.of("SKU-TX"), 5, null);
    store.inventory().reserve(ReservationRequest.builder("cart-tx1").line("SKU-TX", 2).build());

    // tag::store-transaction[]
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      insertOrder(c, "order-1", "cart-tx1"); // your SQL
      store.inTransaction(c).confirm("cart-tx1"); // in the same transaction, as its last step
      c.commit(); // both, or on rollback neither
    }
    // end::store-transaction[]

    assertThat(orderCart("order-1")).isEqualTo("cart-tx1");
    assertThat(store.inventory().findReservation("cart-tx1").orElseThrow().status())
        .isEqualTo(Status.CONFIRMED);
    assertThat(store.inventory().level(StockKey.of("SKU-TX"))).isEqualTo(level("SKU-TX", 3, 0));

    store.inventory().reserve(ReservationRequest.builder("cart-tx2").line("SKU-TX", 1).build());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      insertOrder(c, "order-2", "cart-tx2");
      store.inTransaction(c).confirm("cart-tx2");
      c.rollback();
    }
    assertThat(orderCart("order-2")).as("rolled back: no order").isNull();
    assertThat(store.inventory().findReservation("cart-tx2").orElseThrow().status())
        .as("rolled back: still held")
        .isEqualTo(Status.HELD);

    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      insertOrder(c, "order-3", "cart-tx3");
      assertThatThrownBy(
              () ->
                  store
                      .inTransaction(c)
                      .reserve(ReservationRequest.builder("cart-tx3").line("SKU-TX", 99).build()))
          .isInstanceOf(InsufficientStockException.class);
      c.commit(); // a refused call undid only itself: the order row is still there
    }
    assertThat(orderCart("order-3")).isEqualTo("cart-tx3");
  }

  @Test
  @DisplayName("your transaction on a Jdbi handle: the order and the sale commit together")
  void callersJdbiHandle() {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
    store.inventory().receive(StockKey.of("SKU-JDBI"), 5, null);
    store.inventory().reserve(ReservationRequest.builder("cart-j1").line("SKU-JDBI", 1).build());
    Jdbi jdbi = Jdbi.create(dataSource);

    // tag::store-transaction-jdbi[]
    jdbi.useTransaction(
        handle -> {
          handle.execute("INSERT INTO orders (id, cart_id) VALUES (?, ?)", "order-j1", "cart-j1");
          store.inTransaction(handle).confirm("cart-j1");
        });
    // end::store-transaction-jdbi[]

    assertThat(orderCart("order-j1")).isEqualTo("cart-j1");
    assertThat(store.inventory().level(StockKey.of("SKU-JDBI"))).isEqualTo(level("SKU-JDBI", 4, 0));
  }

  @Test
  @DisplayName("the daily report summarizes each UTC day in the background and exports CSV")
  void dailyReport(@TempDir Path dir) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));
    JdbcInventoryStore store =
        JdbcInventory.builder(dataSource).schema("inventory").clock(clock).buildStore();
    store.inventory().receive(StockKey.of("SKU-R"), 10, "delivery");
    clock.advance(Duration.ofDays(1));
    store.inventory().purchase(ReservationRequest.builder("order-r1").line("SKU-R", 3).build());
    Path csv = dir.resolve("march.csv");

    // tag::store-report[]
    LocalDate first = LocalDate.of(2026, 3, 1);
    LocalDate last = LocalDate.of(2026, 3, 31);
    ReportJob job = store.reports().start(first, last, 4); // 4 threads of the job's own
    ReportStatus now = job.status(); // state, daysDone of daysTotal, rowsRead so far
    ReportStatus done = job.completion().get(10, TimeUnit.MINUTES);
    try (Writer out = Files.newBufferedWriter(csv)) {
      store.reports().exportCsv(first, last, out);
    }
    // end::store-report[]

    assertThat(now.daysTotal()).isEqualTo(31);
    assertThat(done.state()).isEqualTo(ReportStatus.State.SUCCEEDED);
    assertThat(done.daysDone()).isEqualTo(31);
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines)
        .contains(
            "day,sku,location,kind,on_hand_delta,reserved_delta,entries",
            "2026-03-01,SKU-R,default,received,10,0,1",
            "2026-03-02,SKU-R,default,sold,-3,0,1");
    ReportStatus again =
        store.reports().start(first, last, 4).completion().get(10, TimeUnit.MINUTES);
    assertThat(again.state()).isEqualTo(ReportStatus.State.SUCCEEDED);
    java.io.StringWriter second = new java.io.StringWriter();
    store.reports().exportCsv(first, last, second);
    assertThat(second.toString().lines().toList())
        .as("a day run again: the same rows")
        .isEqualTo(lines);
  }

  @Test
  @DisplayName("the settlement per seller, and a report job found from another instance")
  void settlementPerSellerAndJobsAcrossInstances(@TempDir Path dir) throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-04-01T09:00:00Z"));
    JdbcInventoryStore store =
        JdbcInventory.builder(dataSource).schema("inventory").clock(clock).buildStore();
    JdbcInventoryStore otherStore = // as another instance of the application builds it
        JdbcInventory.builder(dataSource).schema("inventory").clock(clock).buildStore();
    store.catalog().createItem(Item.of("SKU-S1", "shop", "alice", "Mug"));
    store.inventory().receive(StockKey.of("SKU-S1"), 10, "delivery");
    store.inventory().receive(StockKey.of("SKU-S9"), 5, "delivery"); // no item in the catalog
    store
        .inventory()
        .purchase(
            ReservationRequest.builder("order-s1")
                .line("SKU-S1", 2, Price.of(1250, "EUR")) // 12.50 EUR a unit
                .build());
    LocalDate first = LocalDate.of(2026, 4, 1);
    LocalDate last = LocalDate.of(2026, 4, 30);
    assertThat(store.reports().start(first, last, 2).completion().get(1, TimeUnit.MINUTES).state())
        .isEqualTo(ReportStatus.State.SUCCEEDED);
    Path sellersCsv = dir.resolve("april-sellers.csv");
    Path grossCsv = dir.resolve("april-gross.csv");

    // tag::store-report-sellers[]
    List<SellerDay> alice = store.reports().sellerSummary(first, last, "alice"); // null: all
    try (Writer out = Files.newBufferedWriter(sellersCsv)) {
      store.reports().exportSellerCsv(first, last, null, out); // every seller
    }
    List<SellerGross> gross = store.reports().sellerGross(first, last, "alice"); // per currency
    try (Writer out = Files.newBufferedWriter(grossCsv)) {
      store.reports().exportGrossCsv(first, last, null, out);
    }
    // end::store-report-sellers[]

    assertThat(alice).containsExactly(new SellerDay(first, "alice", 2, 0, 0, 0, 10, 0, 2));
    assertThat(Files.readAllLines(sellersCsv))
        .containsExactly(
            "day,seller,sold,reserved,released,expired,received,adjusted,entries",
            "2026-04-01,\"\",0,0,0,0,5,0,1",
            "2026-04-01,alice,2,0,0,0,10,0,2");
    assertThat(gross).containsExactly(new SellerGross(first, "alice", "EUR", 2, 2500));
    assertThat(Files.readAllLines(grossCsv))
        .containsExactly("day,seller,currency,units,amount_minor", "2026-04-01,alice,EUR,2,2500");

    ReportJob job = store.reports().start(first, last, 2);
    // tag::store-report-jobs[]
    UUID id = job.id(); // keep it: any instance on the schema finds the job by it
    ReportJob found = otherStore.reports().findJob(id).orElseThrow();
    ReportStatus status = found.status(); // read from the database: the same on every instance
    if (status.state() == ReportStatus.State.ABANDONED) { // its instance died: the lease ran out
      found = otherStore.reports().resume(id); // the days not done, run here
    }
    found.cancel(); // or stop it, wherever it runs: the days done stay
    // end::store-report-jobs[]

    ReportStatus ended = found.completion().get(1, TimeUnit.MINUTES);
    assertThat(ended.state()).isIn(ReportStatus.State.CANCELLED, ReportStatus.State.SUCCEEDED);
    assertThat(job.completion().get(1, TimeUnit.MINUTES)).isEqualTo(ended);
    assertThat(status.jobId()).isEqualTo(id);
  }

  /** The application's own SQL, in the application's transaction. */
  private static void insertOrder(Connection c, String orderId, String cartId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO orders (id, cart_id) VALUES (?, ?)")) {
      s.setString(1, orderId);
      s.setString(2, cartId);
      s.executeUpdate();
    }
  }

  private static String orderCart(String orderId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT cart_id FROM orders WHERE id = ?")) {
      s.setString(1, orderId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StockLevel level(String sku, long onHand, long reserved) {
    return new StockLevel(StockKey.of(sku), onHand, reserved);
  }
}
