package dev.inventory.examples.bench;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.micrometer.InventoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * {@code library} (as it ships: flash-sale mode on) and {@code library-uncombined} (flash-sale mode
 * off: every request its own statement): {@link Inventory#reserve}, then {@link Inventory#confirm}
 * or release.
 */
final class LibraryApproach implements Approach {
  /** Long enough that no hold falls due during a run (the expiry section moves its clock). */
  static final Duration TTL = Duration.ofHours(1);

  /** {@code library-capped}'s limit on every item: far above what a buyer takes in a run. */
  static final long NEVER_REACHED = 1_000_000_000L;

  /** How many buyers {@code library-capped}'s requests are spread over. */
  private static final int BUYERS = 10_000;

  private final Inventory inventory;
  private final boolean buyers;

  LibraryApproach(Inventory inventory) {
    this(inventory, false);
  }

  private LibraryApproach(Inventory inventory, boolean buyers) {
    this.inventory = inventory;
    this.buyers = buyers;
  }

  /**
   * The library as it ships, each request naming a buyer, on a schema whose items have per-buyer
   * limits ({@code library-capped}).
   */
  static LibraryApproach openCapped(DataSource pool, String schema) {
    return new LibraryApproach(
        JdbcInventory.builder(pool).schema(schema).migrate(false).build(), true);
  }

  /** The library on this pool and schema (migrated already), flash-sale mode on or off. */
  static LibraryApproach open(DataSource pool, String schema, boolean combining) {
    return new LibraryApproach(
        JdbcInventory.builder(pool).schema(schema).migrate(false).combining(combining).build());
  }

  /** The library as it ships, in known-keys mode (the schema's guard on, every key cataloged). */
  static LibraryApproach openKnownKeys(DataSource pool, String schema) {
    return new LibraryApproach(
        JdbcInventory.builder(pool).schema(schema).migrate(false).knownKeysOnly(true).build());
  }

  /** The library as it ships, its events recorded by the Micrometer listener on a registry. */
  static LibraryApproach openMeasured(DataSource pool, String schema) {
    InventoryMetrics metrics = InventoryMetrics.builder(new SimpleMeterRegistry()).build();
    return new LibraryApproach(
        JdbcInventory.builder(pool).schema(schema).migrate(false).listener(metrics).build());
  }

  @Override
  public boolean reserve(Request request) {
    ReservationRequest.Builder builder = ReservationRequest.builder(request.id()).ttl(TTL);
    if (buyers) {
      builder.buyer("buyer-" + Math.floorMod(request.id().hashCode(), BUYERS));
    }
    for (String sku : request.skus()) {
      builder.line(StockKey.of(sku, Request.LOCATION), Request.QUANTITY);
    }
    try {
      inventory.reserve(builder.build());
      return true;
    } catch (InsufficientStockException e) {
      return false;
    }
  }

  @Override
  public void settle(Request request, boolean confirm) {
    if (confirm) {
      inventory.confirm(request.id());
    } else {
      inventory.release(request.id());
    }
  }
}
