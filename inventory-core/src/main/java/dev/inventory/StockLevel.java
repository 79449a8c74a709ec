package dev.inventory;

import java.util.Objects;

/**
 * The stock of one key at one instant.
 *
 * @param key the key
 * @param onHand units physically held, sold units already taken off
 * @param reserved units held by reservations that are neither confirmed, released nor expired
 * @since 0.1.0
 */
public record StockLevel(StockKey key, long onHand, long reserved) {
  /**
   * Checks the key and that {@code 0 <= reserved <= onHand}.
   *
   * @param key the key
   * @param onHand units physically held, sold units already taken off
   * @param reserved units held by reservations that are neither confirmed, released nor expired
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code reserved} is negative or above {@code onHand}
   */
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

  /**
   * The level of a key that has never been stocked: 0 on-hand, 0 reserved.
   *
   * @param key the key
   * @return the empty level
   * @throws NullPointerException if {@code key} is null
   */
  public static StockLevel empty(StockKey key) {
    return new StockLevel(key, 0, 0);
  }

  /**
   * Units that can still be reserved.
   *
   * @return {@code onHand - reserved}, never negative
   */
  public long available() {
    return onHand - reserved;
  }
}
