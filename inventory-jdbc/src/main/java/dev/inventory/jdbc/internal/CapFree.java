package dev.inventory.jdbc.internal;

/**
 * A buyer's room under a SKU's per-buyer limit when a change was refused: the limit, the units the
 * buyer holds and has bought of the SKU as stored, and how many of those are held by the buyer's
 * holds past their expiry — which no longer count, and are expired when they stand in the way (see
 * {@link LazyExpiry}).
 */
record CapFree(long limit, long used, long due) {
  /** The units that count against the limit: due holds not counted. */
  long effectivelyUsed() {
    return used - due;
  }
}
