package dev.inventory.memory;

import dev.inventory.Inventory;
import dev.inventory.InventoryContract;
import dev.inventory.LogEntry;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryListener;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;

/** The contract, against a fresh {@link InMemoryInventory} for every test. */
@DisplayName("InMemoryInventory (fresh per test) keeps the Inventory contract")
class InMemoryInventoryContractTest extends InventoryContract {
  @Override
  protected Inventory createInventory(Clock clock) {
    return InMemoryInventory.builder().clock(clock).build();
  }

  @Override
  protected Inventory createInventory(Clock clock, InventoryListener listener) {
    return InMemoryInventory.builder().clock(clock).listener(listener).build();
  }

  @Override
  protected Cataloged createCataloged(Clock clock, boolean knownKeysOnly) {
    InMemoryInventory cataloged =
        InMemoryInventory.builder().clock(clock).knownKeysOnly(knownKeysOnly).build();
    return new Cataloged(cataloged, cataloged.catalog(), keys -> logOf(cataloged, keys));
  }

  @Override
  protected List<LogEntry> logEntries(Collection<StockKey> keys) {
    return logOf((InMemoryInventory) inventory, keys);
  }

  private static List<LogEntry> logOf(InMemoryInventory inventory, Collection<StockKey> keys) {
    Set<StockKey> wanted = Set.copyOf(keys);
    return inventory.log().stream().filter(entry -> wanted.contains(entry.key())).toList();
  }
}
