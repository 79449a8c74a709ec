package dev.inventory.jdbc;

import dev.inventory.Inventory;
import dev.inventory.InventoryContract;
import dev.inventory.LogEntry;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryListener;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole contract as an application role that is not a superuser and has only the privileges the
 * library needs (no DELETE, no TRUNCATE, no DDL), in a session time zone far from UTC.
 */
@DisplayName("PostgreSQL, least-privilege role, session time zone Pacific/Chatham")
class RestrictedRoleContractTest extends InventoryContract {
  private static PostgresContractFixture fixture;
  private static String role;

  @BeforeAll
  static void migrate() {
    role = "inventory_test_app";
    fixture =
        PostgresContractFixture.create(
            RestrictedRoleContractTest.class,
            16,
            pool -> {
              pool.setUsername(role);
              pool.setPassword("app-password");
              pool.setConnectionInitSql("SET TIME ZONE 'Pacific/Chatham'");
            },
            setup -> {
              String schema = setup.schema();
              TestDatabase.execute(
                  setup.admin(),
                  "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
                      + role
                      + "') THEN CREATE ROLE "
                      + role
                      + " LOGIN PASSWORD 'app-password' NOSUPERUSER; END IF; END $$",
                  "GRANT USAGE ON SCHEMA " + schema + " TO " + role,
                  "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
                  "GRANT UPDATE ON "
                      + schema
                      + ".stock_level, "
                      + schema
                      + ".reservation, "
                      + schema
                      + ".reservation_line, "
                      + schema
                      + ".item, "
                      + schema
                      + ".location, "
                      + schema
                      + ".buyer_usage TO "
                      + role,
                  "GRANT DELETE ON " + schema + ".reservation_line TO " + role,
                  "GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role);
            });
  }

  @AfterAll
  static void drop() {
    fixture.close();
  }

  /** The inventory's builder, as this variant configures it. */
  private static JdbcInventory.Builder builder(Clock clock) {
    return JdbcInventory.builder(fixture.appPool())
        .schema(fixture.schema())
        .clock(clock)
        .migrate(false);
  }

  @Override
  protected Inventory createInventory(Clock clock) {
    return builder(clock).build();
  }

  @Override
  protected Inventory createInventory(Clock clock, InventoryListener listener) {
    return builder(clock).listener(listener).build();
  }

  @Override
  protected Cataloged createCataloged(Clock clock, boolean knownKeysOnly) {
    String schema = knownKeysOnly ? fixture.knownKeysSchema() : fixture.schema();
    JdbcInventoryStore store =
        builder(clock).schema(schema).knownKeysOnly(knownKeysOnly).buildStore();
    return new Cataloged(
        store.inventory(), store.catalog(), keys -> fixture.logEntries(schema, keys));
  }

  @Override
  protected List<LogEntry> logEntries(Collection<StockKey> keys) {
    return fixture.logEntries(keys);
  }
}
