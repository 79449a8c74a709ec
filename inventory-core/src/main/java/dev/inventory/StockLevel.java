package dev.inventory;

import java.util.Objects;

/**
 * The stock of one key at one instant.
 *
 * @param key the key
 * @param onHand units physically held, sold units already taken off
 * @param reserved units held by reservations that are neither confirmed, released nor expired
 */
public record StockLevel(StockKey key, long onHand, long reserved) {
  public StockLevel {
    Objects.requireNonNull(key, "key must not be null");
    if (reserved < 0 || onHand < reserved) {
      throw new IllegalArgumentException(
          "stock level must satisfy 0 <= reserved <= onHand, but was onHand="
              + onHand
              + " reserved="
              + reserved
              + " for "
              + key);
    }
  }

  /** The level of a key that has never been stocked. */
  public static StockLevel empty(StockKey key) {
    return new StockLevel(key, 0, 0);
  }

  /** Units that can still be reserved: {@code onHand - reserved}. */
  public long available() {
    return onHand - reserved;
  }
}
