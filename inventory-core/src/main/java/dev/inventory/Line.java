package dev.inventory;

import dev.inventory.internal.Checks;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A quantity of one stock key, as held by a reservation, with an optional unit price that is stored
 * with it (for settlement; the inventory itself never reads it).
 *
 * @param key what is reserved
 * @param quantity how many units, 1 to 1,000,000,000
 * @param unitPrice the price of one unit, or {@code null} if the caller gave none
 * @since 0.1.0
 */
public record Line(StockKey key, long quantity, @Nullable Price unitPrice) {
  /**
   * Checks the key and the quantity.
   *
   * @param key what is reserved
   * @param quantity how many units, 1 to 1,000,000,000
   * @param unitPrice the price of one unit, or {@code null}
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code quantity} is not 1 to 1,000,000,000
   */
  public Line {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
  }

  /**
   * A line without a price.
   *
   * @param key what is reserved
   * @param quantity how many units, 1 to 1,000,000,000
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code quantity} is not 1 to 1,000,000,000
   */
  public Line(StockKey key, long quantity) {
    this(key, quantity, null);
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

  /**
   * A line of a key with a unit price.
   *
   * @param key what is reserved
   * @param quantity how many units, 1 to 1,000,000,000
   * @param unitPrice the price of one unit
   * @return the line
   * @throws NullPointerException if {@code key} or {@code unitPrice} is null
   * @throws IllegalArgumentException if {@code quantity} is out of bounds
   */
  public static Line of(StockKey key, long quantity, Price unitPrice) {
    return new Line(key, quantity, Objects.requireNonNull(unitPrice, "unitPrice must not be null"));
  }

  /**
   * This line with another quantity, its key and price kept.
   *
   * @param quantity how many units, 1 to 1,000,000,000
   * @return a copy with {@code quantity}
   * @throws IllegalArgumentException if {@code quantity} is out of bounds
   */
  public Line withQuantity(long quantity) {
    return new Line(key, quantity, unitPrice);
  }

  /**
   * As a record would print it; a line without a price prints as it did before prices existed.
   *
   * @return {@code Line[key=…, quantity=…]}, with {@code , unitPrice=…} when there is one
   */
  @Override
  public String toString() {
    return "Line[key="
        + key
        + ", quantity="
        + quantity
        + (unitPrice == null ? "" : ", unitPrice=" + unitPrice)
        + "]";
  }
}
