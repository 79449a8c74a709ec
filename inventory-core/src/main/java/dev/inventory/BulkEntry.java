package dev.inventory;

import dev.inventory.internal.Checks;
import java.util.Objects;

/**
 * One key's figure in a bulk call of {@link StockLedger}: the units received ({@link
 * StockLedger#receiveAll}) or the counted on-hand ({@link StockLedger#setOnHandAll}).
 *
 * <p>The record only checks that the figure is 0 to {@value Checks#MAX_ON_HAND}; each bulk call
 * applies the same bounds as its single-key counterpart ({@link Inventory#receive}: 1 to
 * 1,000,000,000; {@link Inventory#setOnHand}: 0 or more).
 *
 * @param key the stock key
 * @param quantity units received, or the counted on-hand
 */
public record BulkEntry(StockKey key, long quantity) {
  public BulkEntry {
    Objects.requireNonNull(key, "key must not be null");
    if (quantity < 0 || quantity > Checks.MAX_ON_HAND) {
      throw new IllegalArgumentException(
          "quantity must be between 0 and " + Checks.MAX_ON_HAND + ", but was " + quantity);
    }
  }

  /** The SKU at the default location. */
  public static BulkEntry of(String sku, long quantity) {
    return new BulkEntry(StockKey.of(sku), quantity);
  }

  public static BulkEntry of(StockKey key, long quantity) {
    return new BulkEntry(key, quantity);
  }
}
