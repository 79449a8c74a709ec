package dev.inventory;

import dev.inventory.internal.Checks;
import java.util.Objects;

/**
 * A quantity of one stock key, as held by a reservation.
 *
 * @param key what is reserved
 * @param quantity how many units, 1 to 1,000,000,000
 */
public record Line(StockKey key, long quantity) {
  public Line {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
  }

  public static Line of(String sku, long quantity) {
    return new Line(StockKey.of(sku), quantity);
  }

  public static Line of(StockKey key, long quantity) {
    return new Line(key, quantity);
  }
}
