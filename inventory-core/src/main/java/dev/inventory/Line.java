package dev.inventory;

import dev.inventory.internal.Checks;
import java.util.Objects;

/**
 * A quantity of one stock key, as held by a reservation.
 *
 * @param key what is reserved
 * @param quantity how many units, 1 to 1,000,000,000
 * @since 0.1.0
 */
public record Line(StockKey key, long quantity) {
  /**
   * Checks the key and the quantity.
   *
   * @param key what is reserved
   * @param quantity how many units, 1 to 1,000,000,000
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code quantity} is not 1 to 1,000,000,000
   */
  public Line {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
  }

  /**
   * A line of a SKU at the {@linkplain StockKey#DEFAULT_LOCATION default location}.
   *
   * @param sku the SKU, as {@link StockKey#of(String)} takes it
   * @param quantity how many units, 1 to 1,000,000,000
   * @return the line
   * @throws NullPointerException if {@code sku} is null
   * @throws IllegalArgumentException if the SKU or the quantity is out of bounds
   */
  public static Line of(String sku, long quantity) {
    return new Line(StockKey.of(sku), quantity);
  }

  /**
   * A line of a key; the same as the constructor.
   *
   * @param key what is reserved
   * @param quantity how many units, 1 to 1,000,000,000
   * @return the line
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code quantity} is out of bounds
   */
  public static Line of(StockKey key, long quantity) {
    return new Line(key, quantity);
  }
}
