package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.BuyerLimitExceededException;
import dev.inventory.InventoryException;
import dev.inventory.Line;
import dev.inventory.Price;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.Location;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.Migrations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A schema a V4 release filled — stock on many keys, holds (some of them past their expiry), sales,
 * releases, the log of all of it and a daily report — upgraded in place to the newest migration:
 * every row of every table is still there with the same values (the columns V7 added read NULL: no
 * buyer, no price), the audit still balances, and the store works on the old rows (confirms and
 * releases old holds, expires the due ones, sells more), with the catalog, known-keys mode, buyers
 * and prices on top.
 */
@DisplayName("upgrading a populated V4 schema to the newest migration keeps every row")
class MigrationUpgradeTest {
  private static final Instant FILLED_AT = Instant.parse("2026-02-01T09:00:00Z");
  private static final int KEYS = 60;

  /** Each table of V4, with the columns V4 gave it and an order that lists every row once. */
  private static final Map<String, String> V4_TABLES = new LinkedHashMap<>();

  static {
    V4_TABLES.put(
        "stock_level",
        "SELECT sku, location, on_hand, reserved, updated_at FROM %s.stock_level"
            + " ORDER BY sku, location");
    V4_TABLES.put(
        "reservation",
        "SELECT id, status, created_at, expires_at, updated_at, request_hash"
            + " FROM %s.reservation ORDER BY id");
    V4_TABLES.put(
        "reservation_line",
        "SELECT reservation_id, sku, location, quantity FROM %s.reservation_line"
            + " ORDER BY reservation_id, sku");
    V4_TABLES.put("inventory_log", "SELECT * FROM %s.inventory_log ORDER BY id");
    V4_TABLES.put("daily_movement", "SELECT * FROM %s.daily_movement ORDER BY day, sku, kind");
  }

  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static String schema;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    jdbi = Jdbi.create(pool);
    schema = TestDatabase.newSchema(MigrationUpgradeTest.class);
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @Test
  @DisplayName("stock, holds, sales, log and reports survive, and the store runs on them")
  void upgradeKeepsEveryRow() throws Exception {
    migrateTo("4");
    List<StockKey> keys = fill();
    Map<String, List<String>> before = tables();
    assertThat(before.get("reservation")).hasSize(140);
    assertThat(before.get("inventory_log")).hasSize(KEYS + 100 + 40 + 1);

    Clock clock = Clock.fixed(FILLED_AT.plus(Duration.ofMinutes(20)), ZoneOffset.UTC);
    JdbcInventoryStore store = JdbcInventory.builder(pool).schema(schema).clock(clock).buildStore();

    assertThat(versions()).containsExactlyElementsOf(TestDatabase.libraryVersions());
    assertThat(tables()).as("every row of every V4 table, value for value").isEqualTo(before);
    LocalDate reportedDay = LocalDate.of(2026, 1, 31);
    assertThat(store.reports().sellerSummary(reportedDay, reportedDay, null))
        .as("V8 sums the days reported before it per seller: no catalog then, so no seller")
        .containsExactly(
            new SellerDay(reportedDay, MovementReports.NO_SELLER, 4, 0, 0, 0, 100, 0, 3));
    int flagsOff =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM "
                            + schema
                            + ".stock_level WHERE NOT (item_active AND location_active)")
                    .mapTo(Integer.class)
                    .one());
    assertThat(flagsOff).as("the known-keys flags start on").isZero();
    assertThat(count("reservation WHERE buyer IS NOT NULL")).as("old rows: no buyer").isZero();
    assertThat(count("reservation_line WHERE buyer_counted")).as("old lines: not counted").isZero();
    assertThat(count("buyer_usage")).as("no buyer's units yet").isZero();
    assertThat(count("reservation_line WHERE unit_price_minor IS NOT NULL OR currency IS NOT NULL"))
        .as("old lines: no price")
        .isZero();
    AuditReport audit = store.ledger().auditAll();
    assertThat(audit.discrepancies()).as(audit.describe()).isEmpty();
    assertThat(audit.keysChecked()).isEqualTo(KEYS);

    // The store runs on the old rows.
    assertThat(store.inventory().confirm("hold-1").status())
        .isEqualTo(Reservation.Status.CONFIRMED);
    assertThat(store.inventory().release("hold-2").status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(store.inventory().expireDue(1000)).as("the holds that ran out").isEqualTo(20);
    ReservationRequest replay =
        ReservationRequest.builder("hold-3").line(keys.get(3), 1).line(keys.get(4), 1).build();
    assertThat(store.inventory().reserve(replay).createdAt()).isEqualTo(FILLED_AT);
    store
        .inventory()
        .purchase(ReservationRequest.builder("after-upgrade").line(keys.get(0), 1).build());
    Reservation priced =
        store
            .inventory()
            .purchase(
                ReservationRequest.builder("bought-after-upgrade")
                    .line(keys.get(1), 1, Price.of(1250, "EUR"))
                    .buyer("buyer-1")
                    .build());
    assertThat(store.inventory().findReservation("bought-after-upgrade")).contains(priced);
    assertThat(store.inventory().findReservations("buyer-1", 10, null).reservations())
        .containsExactly(priced);
    audit = store.ledger().auditAll();
    assertThat(audit.discrepancies()).as(audit.describe()).isEmpty();
    assertThat(audit.overdueHolds()).isEmpty();

    // Known-keys mode on the upgraded schema: refused until the catalog has every stocked key.
    assertThatThrownBy(() -> JdbcInventory.builder(pool).schema(schema).knownKeysOnly(true).build())
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining(keys.get(0).toString());
    store.catalog().createLocation(Location.of("default", "Main warehouse"));
    store.catalog().createLocation(Location.of("hub-2", "Hub 2"));
    List<Item> items = new ArrayList<>();
    keys.stream()
        .map(StockKey::sku)
        .distinct()
        .forEach(sku -> items.add(Item.of(sku, "shop", "seller", "Item " + sku)));
    store.catalog().upsertItems(items);
    store.catalog().deactivateItem(keys.get(5).sku());

    // A per-buyer limit on an upgraded SKU, with its old holds of no buyer: they are not counted.
    StockKey limited = keys.get(7);
    store
        .catalog()
        .updateItem(store.catalog().findItem(limited.sku()).orElseThrow().withPerBuyerLimit(2L));
    store
        .inventory()
        .reserve(ReservationRequest.builder("limited-1").line(limited, 2).buyer("buyer-2").build());
    assertThatThrownBy(
            () ->
                store
                    .inventory()
                    .purchase(
                        ReservationRequest.builder("limited-2")
                            .line(limited, 1)
                            .buyer("buyer-2")
                            .build()))
        .isInstanceOf(BuyerLimitExceededException.class);
    store.inventory().release("limited-1");
    assertThat(count("buyer_usage WHERE units > 0")).as("given back").isZero();

    JdbcInventoryStore known =
        JdbcInventory.builder(pool).schema(schema).clock(clock).knownKeysOnly(true).buildStore();
    assertThat(known.knownKeysOnly()).isTrue();
    StockLevel before6 = known.inventory().level(keys.get(6));
    known.inventory().reserve(ReservationRequest.builder("known-1").line(keys.get(6), 1).build());
    assertThat(known.inventory().level(keys.get(6)).reserved()).isEqualTo(before6.reserved() + 1);
    assertThatThrownBy(
            () ->
                known
                    .inventory()
                    .reserve(ReservationRequest.builder("known-2").line(keys.get(5), 1).build()))
        .isInstanceOf(UnknownKeysException.class);
    assertThat(store.knownKeysOnly()).as("built before the guard: as it was").isFalse();
    assertThat(JdbcInventory.builder(pool).schema(schema).buildStore().knownKeysOnly())
        .as("built after, without the option: the schema's guard decides")
        .isTrue();

    // The report of the filled day, per seller now that the catalog names one.
    LocalDate filledDay = LocalDate.of(2026, 2, 1);
    ReportStatus report =
        known.reports().start(filledDay, filledDay).completion().get(1, TimeUnit.MINUTES);
    assertThat(report.state()).isEqualTo(ReportStatus.State.SUCCEEDED);
    assertThat(known.reports().sellerSummary(filledDay, filledDay, null))
        .extracting(SellerDay::seller, SellerDay::received)
        .containsExactly(tuple("seller", 100L * KEYS));
    assertThat(known.reports().sellerGross(filledDay, filledDay, null))
        .as("the old rows' sales carried no price: only the priced purchase since the upgrade")
        .containsExactly(new SellerGross(filledDay, "seller", "EUR", 1, 1250));
  }

  private static void migrateTo(String version) {
    Flyway.configure()
        .dataSource(pool)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .table(Migrations.HISTORY_TABLE)
        .locations(Migrations.LOCATION)
        .target(version)
        .load()
        .migrate();
  }

  /**
   * Fills the V4 schema as a V4 release wrote it: receipts (stock and log rows), holds and sales
   * through V3's {@code inventory_place_batch}, releases and confirms of some holds, and a day of
   * the report. Returns the keys.
   */
  private static List<StockKey> fill() {
    List<StockKey> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add(new StockKey(String.format("SKU-%02d", i), i % 3 == 0 ? "hub-2" : "default"));
    }
    jdbi.useHandle(
        h -> {
          for (StockKey key : keys) {
            h.createUpdate(
                    "WITH s AS (INSERT INTO "
                        + schema
                        + ".stock_level (sku, location, on_hand, reserved, updated_at)"
                        + " VALUES (:sku, :location, 100, 0, :at) RETURNING on_hand)"
                        + " INSERT INTO "
                        + schema
                        + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                        + " on_hand_after, reserved_after, reason)"
                        + " SELECT :at, :sku, :location, 'RECEIVE', 100, 0, on_hand, 0, 'v4' FROM s")
                .bind("sku", key.sku())
                .bind("location", key.location())
                .bind("at", FILLED_AT.atOffset(ZoneOffset.UTC))
                .execute();
          }
        });
    // Holds of 1 unit, placed as V4 placed a combined reserve; the last 20 run out first.
    for (int n = 0; n < 100; n++) {
      StockKey first = keys.get(n % KEYS);
      Duration ttl = n >= 80 ? Duration.ofMinutes(10) : Duration.ofHours(2);
      placeOneLine("hold-" + n, first, 1, true, FILLED_AT.plus(ttl));
    }
    // Sales: purchases of 2 units.
    for (int n = 0; n < 40; n++) {
      placeOneLine("sale-" + n, keys.get((n * 7) % KEYS), 2, false, FILLED_AT);
    }
    // Replace hold-3's single line by the two-line cart a V4 amend would have left.
    jdbi.useHandle(
        h -> {
          h.execute(
              "UPDATE " + schema + ".reservation SET request_hash = ? WHERE id = 'hold-3'",
              Lines.fingerprint(
                  Lines.merge(List.of(new Line(keys.get(3), 1), new Line(keys.get(4), 1)))));
          h.execute(
              "INSERT INTO " + schema + ".reservation_line VALUES ('hold-3', ?, ?, 1)",
              keys.get(4).sku(),
              keys.get(4).location());
          h.execute(
              "WITH s AS (UPDATE "
                  + schema
                  + ".stock_level SET reserved = reserved + 1 WHERE sku = ? AND location = ?"
                  + " RETURNING on_hand, reserved)"
                  + " INSERT INTO "
                  + schema
                  + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                  + " on_hand_after, reserved_after, reservation_id)"
                  + " SELECT ?, ?, ?, 'AMEND', 0, 1, on_hand, reserved, 'hold-3' FROM s",
              keys.get(4).sku(),
              keys.get(4).location(),
              FILLED_AT.atOffset(ZoneOffset.UTC),
              keys.get(4).sku(),
              keys.get(4).location());
          h.execute(
              "INSERT INTO "
                  + schema
                  + ".daily_movement VALUES ('2026-01-31', 'SKU-00', 'hub-2', 'sold', -4, 0, 2),"
                  + " ('2026-01-31', 'SKU-01', 'default', 'received', 100, 0, 1)");
        });
    return keys;
  }

  /** One request through V3's batch function, as a V4 release placed a combined request. */
  private static void placeOneLine(
      String id, StockKey key, long quantity, boolean hold, Instant expiresAt) {
    String hash = Lines.fingerprint(List.of(new Line(key, quantity)));
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM "
                        + schema
                        + ".inventory_place_batch(:status, :kind, :held, :sold, :now,"
                        + " ARRAY[:sku], ARRAY[:location], ARRAY[:quantity]::bigint[],"
                        + " ARRAY[:id], ARRAY[1], ARRAY[:quantity]::bigint[], ARRAY[:hash],"
                        + " ARRAY[:expires]::bigint[])")
                .bind("status", hold ? "HELD" : "CONFIRMED")
                .bind("kind", hold ? "RESERVE" : "CONFIRM")
                .bind("held", hold ? 1L : 0L)
                .bind("sold", hold ? 0L : 1L)
                .bind("now", FILLED_AT.atOffset(ZoneOffset.UTC))
                .bind("sku", key.sku())
                .bind("location", key.location())
                .bind("quantity", quantity)
                .bind("id", id)
                .bind("hash", hash)
                .bind(
                    "expires", expiresAt.getEpochSecond() * 1_000_000L + expiresAt.getNano() / 1000)
                .mapToMap()
                .list());
  }

  /** Every row of every V4 table, as text, in a fixed order. */
  private static Map<String, List<String>> tables() {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    V4_TABLES.forEach(
        (table, query) ->
            rows.put(
                table,
                jdbi.withHandle(
                    h ->
                        h.createQuery("SELECT t::text FROM (" + query.formatted(schema) + ") t")
                            .mapTo(String.class)
                            .list())));
    return rows;
  }

  private static int count(String tableAndCondition) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM " + schema + "." + tableAndCondition)
                .mapTo(Integer.class)
                .one());
  }

  private static List<String> versions() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT version FROM "
                        + schema
                        + "."
                        + Migrations.HISTORY_TABLE
                        + " WHERE version IS NOT NULL ORDER BY installed_rank")
                .mapTo(String.class)
                .list());
  }
}
