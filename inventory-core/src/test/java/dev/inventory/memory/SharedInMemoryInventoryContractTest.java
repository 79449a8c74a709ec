package dev.inventory.memory;

import dev.inventory.Inventory;
import dev.inventory.InventoryContract;
import dev.inventory.LogEntry;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryListener;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;

/**
 * The contract against one {@link InMemoryInventory} shared by every test of the class, as the
 * PostgreSQL tests share one schema: proves the suite itself keeps its fixture rules (own keys and
 * ids, no global counts), and that the clock going back between tests does no harm.
 */
@DisplayName("InMemoryInventory (one shared by all tests) keeps the Inventory contract")
class SharedInMemoryInventoryContractTest extends InventoryContract {
  /** Reads the clock of the test that is running. */
  private static final SwitchingClock CLOCK = new SwitchingClock();

  /** Tells the listener of the test that is running. */
  private static final SwitchingListener LISTENER = new SwitchingListener();

  private static final InMemoryInventory SHARED =
      InMemoryInventory.builder().clock(CLOCK).listener(LISTENER).build();

  /** The known-keys tests' own store, shared by them as the PostgreSQL tests share a schema. */
  private static final InMemoryInventory SHARED_KNOWN_KEYS =
      InMemoryInventory.builder().clock(CLOCK).knownKeysOnly(true).build();

  @Override
  protected Inventory createInventory(Clock clock) {
    CLOCK.current = clock;
    return SHARED;
  }

  @Override
  protected Inventory createInventory(Clock clock, InventoryListener listener) {
    LISTENER.current = listener;
    return createInventory(clock);
  }

  @Override
  protected Cataloged createCataloged(Clock clock, boolean knownKeysOnly) {
    createInventory(clock);
    InMemoryInventory shared = knownKeysOnly ? SHARED_KNOWN_KEYS : SHARED;
    return new Cataloged(shared, shared.catalog(), keys -> logOf(shared, keys));
  }

  @Override
  protected List<LogEntry> logEntries(Collection<StockKey> keys) {
    return logOf(SHARED, keys);
  }

  private static List<LogEntry> logOf(InMemoryInventory inventory, Collection<StockKey> keys) {
    Set<StockKey> wanted = Set.copyOf(keys);
    return inventory.log().stream().filter(entry -> wanted.contains(entry.key())).toList();
  }

  private static final class SwitchingListener implements InventoryListener {
    volatile InventoryListener current = new InventoryListener() {};

    @Override
    public void onEvent(InventoryEvent event) {
      current.onEvent(event);
    }
  }

  private static final class SwitchingClock extends Clock {
    volatile Clock current = Clock.systemUTC();

    @Override
    public Instant instant() {
      return current.instant();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
