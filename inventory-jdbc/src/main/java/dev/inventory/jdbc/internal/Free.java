package dev.inventory.jdbc.internal;

/**
 * What a key had free when a change was refused: its on-hand, its unreserved units, and how many of
 * the reserved ones are held by due holds — those count as available, and are expired when they
 * stand in the way (see {@link LazyExpiry}).
 *
 * @param onHand on-hand; -1 when the statement that was refused did not read it (a one-line
 *     placement)
 * @param available on-hand minus reserved, as stored
 * @param due units of that reserved held by holds past their expiry
 * @param skuKnown whether the catalog has the key's SKU, active (known-keys mode refuses it if not)
 * @param locationKnown whether the catalog has the key's location, active
 */
record Free(long onHand, long available, long due, boolean skuKnown, boolean locationKnown) {
  /** Whether the catalog knows both parts of the key. */
  boolean known() {
    return skuKnown && locationKnown;
  }

  /** Unreserved units once due holds are expired. */
  long effectivelyAvailable() {
    return available + due;
  }

  /** Reserved, not counting due holds: what {@code levels} reports. */
  long effectivelyReserved() {
    return onHand - available - due;
  }

  /** Reserved as stored, due holds included: what a count is checked against until they expire. */
  long reserved() {
    return onHand - available;
  }
}
