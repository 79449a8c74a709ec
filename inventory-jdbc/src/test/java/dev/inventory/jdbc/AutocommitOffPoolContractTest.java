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

/** The whole contract on a pool that hands out connections with autocommit off. */
@DisplayName("PostgreSQL, pool with autocommit off")
class AutocommitOffPoolContractTest extends InventoryContract {
  private static PostgresContractFixture fixture;

  @BeforeAll
  static void migrate() {
    fixture =
        PostgresContractFixture.create(
            AutocommitOffPoolContractTest.class,
            16,
            pool -> pool.setAutoCommit(false),
            setup -> {});
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
