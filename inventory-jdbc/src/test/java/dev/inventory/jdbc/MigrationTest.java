package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.InventoryException;
import dev.inventory.LogEntry;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.catalog.Item;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The library's migrations")
class MigrationTest {
  private static HikariDataSource pool;
  private static Jdbi jdbi;
  private static final List<String> schemas = new java.util.ArrayList<>();

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    jdbi = Jdbi.create(pool);
  }

  @AfterAll
  static void close() {
    schemas.forEach(s -> TestDatabase.dropSchema(pool, s));
    pool.close();
  }

  private static String schema() {
    String schema = TestDatabase.newSchema(MigrationTest.class);
    schemas.add(schema);
    return schema;
  }

  private static Flyway hostFlyway(String schema) {
    return Flyway.configure()
        .dataSource(pool)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:host/migration")
        .load();
  }

  /** The library's own migrations, stopped at V1: a schema as an early release left it. */
  private static void migrateLibraryToV1(String schema) {
    Flyway.configure()
        .dataSource(pool)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .table(dev.inventory.jdbc.internal.Migrations.HISTORY_TABLE)
        .locations(dev.inventory.jdbc.internal.Migrations.LOCATION)
        .target("1")
        .load()
        .migrate();
  }

  private static List<String> appliedVersions(String schema, String table) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT version FROM "
                        + schema
                        + "."
                        + table
                        + " WHERE version IS NOT NULL"
                        + " ORDER BY installed_rank")
                .mapTo(String.class)
                .list());
  }

  @Test
  @DisplayName("create their own schema and history table beside a host's Flyway history")
  void coexistWithHostFlyway() {
    String host = schema();
    String library = schema();
    hostFlyway(host).migrate();

    JdbcInventory.builder(pool).schema(library).build().receive(StockKey.of("A"), 1, null);

    assertThat(appliedVersions(library, "inventory_schema_history"))
        .containsExactlyElementsOf(TestDatabase.libraryVersions());
    assertThat(appliedVersions(host, "flyway_schema_history")).containsExactly("1", "2");
    assertThat(hostFlyway(host).migrate().migrationsExecuted).isZero();
    assertThat(hostFlyway(host).validateWithResult().validationSuccessful).isTrue();
  }

  @Test
  @DisplayName("can share the host's schema without either Flyway seeing the other's migrations")
  void shareTheHostSchema() {
    String shared = schema();
    hostFlyway(shared).migrate();

    Inventory inventory = JdbcInventory.builder(pool).schema(shared).build();
    inventory.receive(StockKey.of("A"), 3, null);

    assertThat(appliedVersions(shared, "inventory_schema_history")).contains("1");
    assertThat(hostFlyway(shared).validateWithResult().validationSuccessful).isTrue();
    assertThat(inventory.level(StockKey.of("A")).onHand()).isEqualTo(3);
  }

  /** The functions of a schema, and of those the ones a call may JIT-compile (no jit=off). */
  private static List<String> functions(String schema, boolean onlyWithJit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
                        + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                        + " WHERE n.nspname = :schema AND p.prokind = 'f'"
                        + (onlyWithJit
                            ? " AND NOT coalesce(p.proconfig @> ARRAY['jit=off'], false)"
                            : "")
                        + " ORDER BY 1")
                .bind("schema", schema)
                .mapTo(String.class)
                .list());
  }

  @Test
  @DisplayName(
      "leave no function of the library to JIT compilation, which a generic plan's estimate turns"
          + " on at every call while a table of millions of lines has no statistics")
  void everyFunctionRunsWithoutJit() {
    String library = schema();
    JdbcInventory.builder(pool).schema(library).build();

    assertThat(functions(library, false))
        .as("the library's functions")
        .contains(
            "inventory_move_reservations(p_ids text[], p_targets text[], p_kinds text[],"
                + " p_sold bigint[], p_now timestamp with time zone)")
        .hasSizeGreaterThanOrEqualTo(14);
    assertThat(functions(library, true)).as("functions without SET jit = off").isEmpty();
  }

  @Test
  @DisplayName("leave the host's own functions in a shared schema as they were")
  void leaveTheHostsFunctionsAlone() {
    String shared = schema();
    hostFlyway(shared).migrate();
    jdbi.useHandle(
        h ->
            h.execute(
                "CREATE FUNCTION "
                    + shared
                    + ".host_total(a integer, b integer) RETURNS integer"
                    + " LANGUAGE sql AS 'SELECT a + b'"));

    JdbcInventory.builder(pool).schema(shared).build();

    assertThat(functions(shared, true)).containsExactly("host_total(a integer, b integer)");
  }

  @Test
  @DisplayName(
      "let an earlier version's confirm and release (V5's inventory_move, through V12's giving"
          + " back) answer each line and log each one's levels, during a rolling upgrade")
  void anEarlierVersionsMoveAnswersAsBefore() {
    String library = schema();
    JdbcInventoryStore store = JdbcInventory.builder(pool).schema(library).buildStore();
    Inventory inventory = store.inventory();
    StockKey a = StockKey.of("A");
    StockKey b = StockKey.of("B");
    // B has a per-buyer limit: ann's lines on it count against it.
    store.catalog().createItem(new Item("B", "shop", "seller", "B", true, 10L));
    inventory.receive(a, 10, null);
    inventory.receive(b, 10, null);
    // Ids whose order in "C" (B2, a1, c3) is not their order in most locales (a1, B2, c3).
    inventory.reserve(ReservationRequest.builder("a1").line(a, 2).line(b, 1).buyer("ann").build());
    inventory.reserve(ReservationRequest.builder("B2").line(a, 3).build());
    inventory.reserve(ReservationRequest.builder("c3").line(b, 4).buyer("ann").build());
    assertThat(TestDatabase.buyerUnits(pool, library, "ann", "B")).isEqualTo(5);

    // As a library of V5's time called it: B2 and a1 confirmed, c3 released, in one call.
    List<String> answered =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT moved_id || ' ' || moved_sku || ' ' || moved_quantity FROM "
                            + library
                            + ".inventory_move(:ids, :targets, :kinds, :sold, now())")
                    .bindArray("ids", String.class, List.of("B2", "a1", "c3"))
                    .bindArray(
                        "targets", String.class, List.of("CONFIRMED", "CONFIRMED", "RELEASED"))
                    .bindArray("kinds", String.class, List.of("CONFIRM", "CONFIRM", "RELEASE"))
                    .bindArray("sold", Long.class, List.of(1L, 1L, 0L))
                    .mapTo(String.class)
                    .list());

    assertThat(answered).containsExactlyInAnyOrder("a1 A 2", "a1 B 1", "B2 A 3", "c3 B 4");
    assertThat(List.of(inventory.level(a).onHand(), inventory.level(a).reserved()))
        .containsExactly(5L, 0L);
    assertThat(List.of(inventory.level(b).onHand(), inventory.level(b).reserved()))
        .containsExactly(9L, 0L);
    // One log row per line, in reservation id order ("C") on each key, each with the row's levels
    // just after its own move (the history reads newest first).
    assertThat(moves(store, a)).containsExactly("CONFIRM a1 -2 -2 5 0", "CONFIRM B2 -3 -3 7 2");
    assertThat(moves(store, b)).containsExactly("RELEASE c3 0 -4 9 0", "CONFIRM a1 -1 -1 9 4");
    // The release gives ann's units back; the confirm keeps them.
    assertThat(TestDatabase.buyerUnits(pool, library, "ann", "B")).isEqualTo(1);
    assertThat(store.ledger().auditAll().isClean()).isTrue();
  }

  /** A key's log rows of confirms and releases: kind, reservation, deltas and levels after. */
  private static List<String> moves(JdbcInventoryStore store, StockKey key) {
    return store
        .ledger()
        .history(
            key,
            Instant.parse("2000-01-01T00:00:00Z"),
            Instant.parse("2100-01-01T00:00:00Z"),
            20,
            null)
        .entries()
        .stream()
        .filter(e -> e.kind() == LogEntry.Kind.CONFIRM || e.kind() == LogEntry.Kind.RELEASE)
        .map(
            e ->
                e.kind()
                    + " "
                    + e.reservationId()
                    + " "
                    + e.onHandDelta()
                    + " "
                    + e.reservedDelta()
                    + " "
                    + e.onHandAfter()
                    + " "
                    + e.reservedAfter())
        .toList();
  }

  @Test
  @DisplayName("run twice without applying anything twice")
  void rerunIsHarmless() {
    String library = schema();
    JdbcInventory.builder(pool).schema(library).build().receive(StockKey.of("A"), 2, null);
    Inventory again = JdbcInventory.builder(pool).schema(library).build();

    assertThat(appliedVersions(library, "inventory_schema_history"))
        .containsExactlyElementsOf(TestDatabase.libraryVersions());
    assertThat(again.level(StockKey.of("A")).onHand()).isEqualTo(2);
  }

  @Test
  @DisplayName("with migrate(false), building on an unmigrated schema fails with a clear message")
  void migrateFalseChecksTheSchema() {
    String missing = schema();
    assertThatThrownBy(() -> JdbcInventory.builder(pool).schema(missing).migrate(false).build())
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("migrate(true)");
  }

  @Test
  @DisplayName("with migrate(false), a schema the host left at V1 fails, naming both versions")
  void migrateFalseRefusesASchemaBehind() {
    String behind = schema();
    migrateLibraryToV1(behind);

    assertThatThrownBy(() -> JdbcInventory.builder(pool).schema(behind).migrate(false).build())
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("version 1")
        .hasMessageContaining("needs " + dev.inventory.jdbc.internal.Migrations.REQUIRED_VERSION);
  }

  @Test
  @DisplayName("the later migrations upgrade a V1 schema in place: its stock and log stay")
  void laterMigrationsUpgradeAV1Schema() {
    String old = schema();
    migrateLibraryToV1(old);
    jdbi.useHandle(
        h ->
            h.execute(
                "INSERT INTO "
                    + old
                    + ".stock_level (sku, location, on_hand, reserved, updated_at)"
                    + " VALUES ('A', 'default', 5, 0, now())"));
    jdbi.useHandle(
        h ->
            h.execute(
                "INSERT INTO "
                    + old
                    + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                    + " on_hand_after, reserved_after, reason)"
                    + " VALUES ('2026-03-01T10:00:00Z', 'A', 'default', 'RECEIVE', 5, 0, 5, 0,"
                    + " 'v1 delivery')"));

    JdbcInventoryStore store = JdbcInventory.builder(pool).schema(old).buildStore();
    Inventory inventory = store.inventory();

    assertThat(appliedVersions(old, "inventory_schema_history"))
        .containsExactlyElementsOf(TestDatabase.libraryVersions());
    assertThat(inventory.level(StockKey.of("A")).onHand()).isEqualTo(5);
    List<LogEntry> log =
        store
            .ledger()
            .history(
                StockKey.of("A"),
                Instant.parse("2000-01-01T00:00:00Z"),
                Instant.parse("2100-01-01T00:00:00Z"),
                10,
                null)
            .entries();
    assertThat(log)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(LogEntry.Kind.RECEIVE);
              assertThat(e.at()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
              assertThat(e.onHandDelta()).isEqualTo(5);
              assertThat(e.onHandAfter()).isEqualTo(5);
              assertThat(e.reason()).isEqualTo("v1 delivery");
            });
  }

  @Test
  @DisplayName("with migrate(false), a migrated schema is used as it is")
  void migrateFalseUsesAMigratedSchema() {
    String library = schema();
    JdbcInventory.builder(pool).schema(library).build();
    Inventory inventory = JdbcInventory.builder(pool).schema(library).migrate(false).build();
    assertThat(inventory.receive(StockKey.of("A"), 4, null).onHand()).isEqualTo(4);
  }

  @ParameterizedTest(name = "schema \"{0}\" is refused")
  @ValueSource(strings = {"", "Inventory", "1abc", "inv-entory", "inv;drop", "a b", "\"quoted\""})
  @DisplayName("refuse a schema name that is not a plain SQL identifier, before any SQL")
  void refuseUnsafeSchemaNames(String name) {
    assertThatThrownBy(() -> JdbcInventory.builder(pool).schema(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain SQL identifier");
  }

  @Test
  @DisplayName("refuse a schema name longer than PostgreSQL's 63 characters")
  void refuseOverlongSchemaName() {
    assertThatThrownBy(() -> JdbcInventory.builder(pool).schema("s".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
