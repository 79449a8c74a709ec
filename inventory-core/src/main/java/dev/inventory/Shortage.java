package dev.inventory;

import java.util.Objects;

/**
 * One key that could not be served.
 *
 * @param key the short key
 * @param requested units asked for (for {@code amend}, the new total; for a downward adjust or
 *     {@code setOnHand}, the decrease)
 * @param available units that were free to take (for {@code amend}, including what the reservation
 *     already held on the key)
 * @since 0.1.0
 */
public record Shortage(StockKey key, long requested, long available) {
  /**
   * Checks the key.
   *
   * @param key the short key
   * @param requested units asked for (for {@code amend}, the new total; for a downward adjust or
   *     {@code setOnHand}, the decrease)
   * @param available units that were free to take (for {@code amend}, including what the
   *     reservation already held on the key)
   * @throws NullPointerException if {@code key} is null
   */
  public Shortage {
    Objects.requireNonNull(key, "key must not be null");
  }

  @Override
  public String toString() {
    return key + " requested " + requested + ", available " + available;
  }
}
