package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import dev.inventory.examples.readme.Snippets.Block;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportStatus;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's grants for the application's database role are enough: the ```sql block with the
 * GRANTs is run as written (for a role of this test's own), and everything the store offers then
 * runs as that role, which has no other rights, on a schema migrated by the owner.
 */
@DisplayName("README: the database role's grants")
class RoleGrantsTest {
  /** The role name the README's grants are written for. */
  static final String README_ROLE = "shop_app";

  private static final String ROLE = "readme_app_" + ProcessHandle.current().pid();
  private static ReadmeDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(RoleGrantsTest.class);
    db.admin(
        "DROP ROLE IF EXISTS " + ROLE,
        "CREATE ROLE " + ROLE + " LOGIN PASSWORD 'app-password' NOSUPERUSER");
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
    db.admin("DROP ROLE IF EXISTS " + ROLE);
  }

  @Test
  @DisplayName(
      "the README's grants are enough for the inventory, the ledger, the reports and the catalog")
  void theGrantsAreEnough() throws Exception {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (HikariDataSource owner = db.pool(2)) {
      JdbcInventory.builder(owner).schema("inventory").build(); // the migration, as the owner
    }
    db.execute(grantsOf(readmeGrants(), ROLE).toArray(String[]::new));

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(ROLE);
    config.setPassword("app-password");
    config.setMaximumPoolSize(6);
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("options", "-c lock_timeout=2s -c statement_timeout=5s");
    try (HikariDataSource app = new HikariDataSource(config)) {
      JdbcInventoryStore store =
          JdbcInventory.builder(app).schema("inventory").clock(clock).migrate(false).buildStore();
      Inventory inventory = store.inventory();
      StockKey a = StockKey.of("SKU-A");
      StockKey b = StockKey.of("SKU-B");

      store.ledger().receiveAll(List.of(BulkEntry.of(a, 10), BulkEntry.of(b, 10)), "delivery");
      inventory.receive(a, 5, null);
      inventory.adjust(a, -1, "broken");
      inventory.setOnHand(b, 12, "count");
      inventory.reserve(ReservationRequest.builder("cart-1").line(a, 2).line(b, 2).build());
      inventory.amend("cart-1", List.of(new Line(a, 1))); // drops a line
      inventory.extend("cart-1", Duration.ofMinutes(30));
      inventory.confirm("cart-1");
      inventory.purchase(ReservationRequest.builder("order-2").line(b, 1).build());
      inventory.reserve(ReservationRequest.builder("cart-3").line(a, 1).build());
      inventory.release("cart-3");
      inventory.reserve(ReservationRequest.builder("cart-4").line(a, 1).build());
      clock.advance(JdbcInventory.DEFAULT_TTL);
      assertThat(inventory.expireDue(10)).isEqualTo(1);
      store.ledger().setOnHandAll(List.of(BulkEntry.of(a, 20)), "count", BulkMode.ATOMIC);
      try (Connection c = app.getConnection()) {
        c.setAutoCommit(false);
        store.inTransaction(c).reserve(ReservationRequest.builder("cart-5").line(b, 1).build());
        store.inTransaction(c).confirm("cart-5");
        c.commit();
      }

      assertThat(inventory.level(a)).isEqualTo(new StockLevel(a, 20, 0));
      assertThat(inventory.level(b)).isEqualTo(new StockLevel(b, 10, 0));
      assertThat(inventory.findReservation("cart-4").orElseThrow().status())
          .isEqualTo(Status.EXPIRED);
      assertThat(store.ledger().history(a, Instant.EPOCH, clock.instant().plusSeconds(1), 5, null))
          .satisfies(page -> assertThat(page.entries()).hasSize(5));
      assertThat(store.ledger().heldReservations(a, 10)).isEmpty();
      AuditReport audit = store.ledger().auditAll();
      assertThat(audit.isClean()).as(audit.describe()).isTrue();
      assertThat(store.ledger().audit(List.of(a, b)).isClean()).isTrue();

      LocalDate day = LocalDate.of(2026, 3, 1);
      ReportStatus report = store.reports().start(day, day).completion().get(1, TimeUnit.MINUTES);
      assertThat(report.state())
          .as(String.valueOf(report.failure()))
          .isEqualTo(ReportStatus.State.SUCCEEDED);
      ReportStatus again = store.reports().start(day, day).completion().get(1, TimeUnit.MINUTES);
      assertThat(again.state())
          .as(String.valueOf(again.failure()))
          .isEqualTo(ReportStatus.State.SUCCEEDED);
      assertThat(store.reports().exportCsv(day, day, new StringWriter())).isPositive();

      assertThat(executable(app, "inventory.inventory_place_batch"))
          .as("flash-sale mode's function over several keys")
          .isTrue();
      assertThat(executable(app, "inventory.inventory_place_cart_checked"))
          .as("the cart's function")
          .isTrue();

      Catalog catalog = store.catalog();
      catalog.createLocation(Location.of("default", "Warehouse"));
      catalog.createItem(Item.of("SKU-A", "shop", "seller", "A"));
      catalog.updateItem(Item.of("SKU-A", "shop", "seller", "A, renamed"));
      catalog.upsertItems(List.of(Item.of("SKU-B", "shop", "seller", "B")));
      catalog.deactivateItem("SKU-B");
      catalog.deactivateLocation("default");
      assertThat(catalog.items(ItemQuery.all().withTenant("shop"), null).entries()).hasSize(2);
    }
  }

  /** The README's one ```sql block with GRANTs. */
  static String readmeGrants() {
    List<Block> grants =
        Snippets.blocks("README.md", Snippets.read(Snippets.projectRoot().resolve("README.md")))
            .stream()
            .filter(b -> b.language().equals("sql") && b.text().contains("GRANT"))
            .toList();
    assertThat(grants).as("```sql blocks with GRANT in README.md").hasSize(1);
    return grants.get(0).text();
  }

  /** The statements of the grants, for {@code role} instead of the README's role. */
  static List<String> grantsOf(String sql, String role) {
    assertThat(sql).contains(" TO " + README_ROLE + ";");
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.lines().toList()) {
      String code = line.replaceFirst("--.*$", "").strip();
      if (code.isEmpty()) {
        continue;
      }
      current.append(code).append(' ');
      if (code.endsWith(";")) {
        statements.add(
            current.toString().strip().replace(" TO " + README_ROLE + ";", " TO " + role));
        current.setLength(0);
      }
    }
    assertThat(current.toString()).as("text after the last ;").isBlank();
    return statements;
  }

  private static boolean executable(DataSource dataSource, String function) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT bool_and(has_function_privilege(p.oid, 'EXECUTE'))"
                    + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname || '.' || p.proname = ?")) {
      s.setString(1, function);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The kinds of a key's log entries, in log order (read directly from the table). */
  static List<LogEntry.Kind> logKinds(DataSource dataSource, String schema, StockKey key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT kind FROM "
                    + schema
                    + ".inventory_log WHERE sku = ? AND location = ? ORDER BY id")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      List<LogEntry.Kind> kinds = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          kinds.add(LogEntry.Kind.valueOf(rs.getString(1)));
        }
      }
      return kinds;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
