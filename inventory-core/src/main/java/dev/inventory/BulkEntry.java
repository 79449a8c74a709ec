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
 * @since 0.1.0
 */
public record BulkEntry(StockKey key, long quantity) {
  /**
   * Checks the key and the figure.
   *
   * @param key the stock key
   * @param quantity units received, or the counted on-hand
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code quantity} is below 0 or above {@value
   *     Checks#MAX_ON_HAND}
   */
  public BulkEntry {
    Objects.requireNonNull(key, "key must not be null");
    if (quantity < 0 || quantity > Checks.MAX_ON_HAND) {
      throw new IllegalArgumentException(
          "quantity must be between 0 and " + Checks.MAX_ON_HAND + ", but was " + quantity);
    }
  }

  /**
   * An entry for a SKU at the {@linkplain StockKey#DEFAULT_LOCATION default location}.
   *
   * @param sku the SKU, as {@link StockKey#of(String)} takes it
   * @param quantity units received, or the counted on-hand
   * @return the entry
   * @throws IllegalArgumentException if the SKU or the figure is out of bounds
   */
  public static BulkEntry of(String sku, long quantity) {
    return new BulkEntry(StockKey.of(sku), quantity);
  }

  /**
   * An entry for a key; the same as the constructor.
   *
   * @param key the stock key
   * @param quantity units received, or the counted on-hand
   * @return the entry
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if the figure is out of bounds
   */
  public static BulkEntry of(StockKey key, long quantity) {
    return new BulkEntry(key, quantity);
  }
}
