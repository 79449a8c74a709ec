package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.InventoryException;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tenants with a schema each, and a role each that is granted its schema only: a tenant's
 * inventory, catalog, log and reports are out of reach of the other tenant's credentials, through
 * the library and through hand-written SQL alike. Two tenants, two roles, as {@link JdbcTenants}
 * creates and grants them.
 */
@DisplayName("tenants: one schema and one role each, isolated by PostgreSQL")
class TenantIsolationTest {
  private static final String RUN = Long.toString(ProcessHandle.current().pid());
  private static final String REGISTRY = "t_tenants_registry_" + RUN;
  private static final String PREFIX = "t_tenant_" + RUN + "_";
  private static final String ROLE_A = "inv_tenant_a_" + RUN;
  private static final String ROLE_B = "inv_tenant_b_" + RUN;

  private static HikariDataSource owner;
  private static HikariDataSource asA;
  private static HikariDataSource asB;
  private static JdbcTenants tenants;
  private static JdbcInventoryStore storeA;
  private static JdbcInventoryStore storeB;
  private static Tenant tenantA;
  private static Tenant tenantB;

  @BeforeAll
  static void twoTenants() {
    owner = TestDatabase.pool(2);
    for (String role : List.of(ROLE_A, ROLE_B)) {
      TestDatabase.execute(
          owner,
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + role
              + "') THEN CREATE ROLE "
              + role
              + " LOGIN PASSWORD 'tenant-password' NOSUPERUSER NOCREATEDB NOCREATEROLE;"
              + " END IF; END $$");
    }
    tenants = JdbcTenants.builder(owner).registrySchema(REGISTRY).schemaPrefix(PREFIX).build();
    tenantA = tenants.create("a", ROLE_A);
    tenantB = tenants.create("b", ROLE_B);
    asA = TestDatabase.pool(4, c -> login(c, ROLE_A));
    asB = TestDatabase.pool(4, c -> login(c, ROLE_B));
    storeA = tenants.inventoryBuilder("a", asA).buildStore();
    storeB = tenants.inventoryBuilder("b", asB).buildStore();
  }

  private static void login(com.zaxxer.hikari.HikariConfig config, String role) {
    // The URL may name a user (the embedded server's does), which PgJDBC prefers to the pool's.
    config.setJdbcUrl(withoutUser(config.getJdbcUrl()));
    config.setUsername(role);
    config.setPassword("tenant-password");
  }

  @AfterAll
  static void dropTenants() {
    if (asA != null) {
      asA.close();
    }
    if (asB != null) {
      asB.close();
    }
    for (String schema : List.of(PREFIX + "a", PREFIX + "b", REGISTRY)) {
      TestDatabase.dropSchema(owner, schema);
    }
    for (String role : List.of(ROLE_A, ROLE_B)) {
      TestDatabase.execute(owner, "DROP ROLE IF EXISTS " + role);
    }
    owner.close();
  }

  @Test
  @DisplayName("the owner lists the tenants it created, each with its schema and role")
  void listTenants() {
    assertThat(tenants.list())
        .extracting(Tenant::name, Tenant::schema, Tenant::role)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", PREFIX + "a", ROLE_A),
            org.assertj.core.groups.Tuple.tuple("b", PREFIX + "b", ROLE_B));
    assertThat(tenants.find("a")).contains(tenantA);
    assertThat(tenants.find("nobody")).isEmpty();
  }

  @Test
  @DisplayName("creating a tenant again is harmless; with another role it is refused")
  void createIsIdempotent() {
    assertThat(tenants.create("a", ROLE_A)).isEqualTo(tenantA);
    assertThatThrownBy(() -> tenants.create("a", ROLE_B))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining(ROLE_A);
    assertThatThrownBy(() -> tenants.create("c", "no_such_role_" + RUN))
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("does not exist");
    assertThat(tenants.find("c")).isEmpty();
  }

  @ParameterizedTest(name = "tenant name \"{0}\" is refused")
  @ValueSource(strings = {"", "A", "1a", "a-b", "a;drop", "a b"})
  @DisplayName("a tenant name that is not a plain identifier is refused before any SQL")
  void refuseBadNames(String name) {
    assertThatThrownBy(() -> tenants.create(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant name");
  }

  @Test
  @DisplayName("each tenant's role runs its own inventory, catalog and reports through the library")
  void eachTenantRunsItsOwnStore() throws Exception {
    StockKey mugA = StockKey.of("MUG", "hub");
    storeA.catalog().createLocation(Location.of("hub", "A's hub"));
    storeA.catalog().createItem(Item.of("MUG", "a", "seller-a", "A's mug"));
    storeA.inventory().receive(mugA, 10, "delivery");
    storeA.inventory().reserve(ReservationRequest.builder("cart-1").line(mugA, 2).build());
    storeA.inventory().confirm("cart-1");
    storeB.inventory().receive(mugA, 3, "b's own mugs");

    assertThat(storeA.inventory().level(mugA)).isEqualTo(new StockLevel(mugA, 8, 0));
    assertThat(storeB.inventory().level(mugA)).isEqualTo(new StockLevel(mugA, 3, 0));
    assertThat(storeB.catalog().findItem("MUG")).isEmpty();
    assertThat(storeB.inventory().findReservation("cart-1")).isEmpty();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    ReportStatus report =
        storeA.reports().start(today, today, 1).completion().get(1, TimeUnit.MINUTES);
    assertThat(report.state()).isEqualTo(ReportStatus.State.SUCCEEDED);
  }

  @Test
  @DisplayName("another tenant's credentials cannot read or write a tenant's tables by hand")
  void handWrittenSqlIsRefused() throws SQLException {
    String b = tenantB.schema();
    List<String> refused = new ArrayList<>();
    List<String> statements =
        List.of(
            "SELECT * FROM " + b + ".stock_level",
            "SELECT * FROM " + b + ".reservation",
            "SELECT * FROM " + b + ".reservation_line",
            "SELECT * FROM " + b + ".inventory_log",
            "SELECT * FROM " + b + ".daily_movement",
            "SELECT * FROM " + b + ".item",
            "SELECT * FROM " + b + ".location",
            "INSERT INTO "
                + b
                + ".stock_level (sku, location, on_hand, reserved, updated_at)"
                + " VALUES ('X', 'default', 1, 0, now())",
            "UPDATE " + b + ".stock_level SET on_hand = 0",
            "DELETE FROM " + b + ".reservation",
            "INSERT INTO " + b + ".item VALUES ('X', 'a', 's', 'x', true, null)",
            "SELECT * FROM "
                + b
                + ".inventory_place_cart_checked('x', 'HELD', 'RESERVE', 1, 0, now(), now(), 'h',"
                + " ARRAY['X'], ARRAY['default'], ARRAY[1]::bigint[])",
            "SELECT * FROM " + REGISTRY + ".tenant");
    try (Connection c = asA.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String sql : statements) {
        try {
          s.execute(sql);
        } catch (SQLException e) {
          assertThat(e.getSQLState()).as("%s: %s", sql, e.getMessage()).isEqualTo("42501");
          refused.add(sql);
        }
      }
      // Not even the names of the other tenant's tables show in the information schema.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + b + "'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
    assertThat(refused).containsExactlyElementsOf(statements);
  }

  @Test
  @DisplayName("the library refuses to open another tenant's schema with a tenant's credentials")
  void libraryCannotCrossTenants() {
    assertThatThrownBy(
            () -> JdbcInventory.builder(asA).schema(tenantB.schema()).migrate(false).build())
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining(tenantB.schema());
    assertThatThrownBy(() -> JdbcInventory.builder(asA).schema(tenantB.schema()).build())
        .isInstanceOf(InventoryException.class);
  }

  @Test
  @DisplayName("a tenant's own role can read its catalog by hand, but not delete stock or log")
  void ownSchemaHasLeastPrivileges() throws SQLException {
    storeB.catalog().upsertItems(List.of(Item.of("CUP", "b", "seller-b", "B's cup")));
    assertThat(storeB.catalog().items(ItemQuery.all().withTenant("b"), null).entries())
        .extracting(Item::sku)
        .contains("CUP");
    String b = tenantB.schema();
    try (Connection c = asB.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + b + ".item")) {
        rs.next();
        assertThat(rs.getInt(1)).isPositive();
      }
      for (String sql :
          List.of(
              "DELETE FROM " + b + ".stock_level",
              "DELETE FROM " + b + ".item",
              "TRUNCATE " + b + ".inventory_log",
              "DROP TABLE " + b + ".item",
              "SELECT " + b + ".inventory_known_keys_off()")) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
      }
    }
  }

  /** The URL without its user and password parameters, if it has any. */
  private static String withoutUser(String url) {
    int query = url.indexOf('?');
    if (query < 0) {
      return url;
    }
    String kept =
        java.util.Arrays.stream(url.substring(query + 1).split("&"))
            .filter(p -> !p.startsWith("user=") && !p.startsWith("password=") && !p.isEmpty())
            .collect(java.util.stream.Collectors.joining("&"));
    return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
  }
}
