package dev.inventory.jdbc;

/**
 * Flash-sale mode at one instant: the one-line requests that wait for a combined statement and the
 * combined statements in flight, per kind. From {@link JdbcInventoryStore#flashSaleStatus()}, for
 * gauges.
 *
 * @param combining whether flash-sale mode is on ({@code JdbcInventory.Builder#combining})
 * @param maxInFlight the most combined statements of one kind in flight ({@code maxInFlight}); 0
 *     when off
 * @param reservesWaiting reserves waiting for their turn
 * @param reservesInFlight combined reserve statements in flight, 0 to {@code maxInFlight}
 * @param purchasesWaiting purchases waiting for their turn
 * @param purchasesInFlight combined purchase statements in flight, 0 to {@code maxInFlight}
 * @param movesWaiting confirms and releases waiting for their turn
 * @param movesInFlight combined confirm and release statements in flight, 0 to {@code maxInFlight}
 * @since 0.1.0
 */
public record FlashSaleStatus(
    boolean combining,
    int maxInFlight,
    int reservesWaiting,
    int reservesInFlight,
    int purchasesWaiting,
    int purchasesInFlight,
    int movesWaiting,
    int movesInFlight) {

  /**
   * Checks the counts.
   *
   * @param combining whether flash-sale mode is on
   * @param maxInFlight the most combined statements of one kind in flight
   * @param reservesWaiting reserves waiting
   * @param reservesInFlight combined reserve statements in flight
   * @param purchasesWaiting purchases waiting
   * @param purchasesInFlight combined purchase statements in flight
   * @param movesWaiting confirms and releases waiting
   * @param movesInFlight combined confirm and release statements in flight
   * @throws IllegalArgumentException if a count is negative, or more are in flight than allowed
   */
  public FlashSaleStatus {
    if (reservesWaiting < 0 || purchasesWaiting < 0 || movesWaiting < 0) {
      throw new IllegalArgumentException(
          "waiting requests must not be negative, but were reserves="
              + reservesWaiting
              + " purchases="
              + purchasesWaiting
              + " moves="
              + movesWaiting);
    }
    if (reservesInFlight < 0
        || purchasesInFlight < 0
        || movesInFlight < 0
        || reservesInFlight > maxInFlight
        || purchasesInFlight > maxInFlight
        || movesInFlight > maxInFlight) {
      throw new IllegalArgumentException(
          "statements in flight must be between 0 and maxInFlight ("
              + maxInFlight
              + "), but were reserves="
              + reservesInFlight
              + " purchases="
              + purchasesInFlight
              + " moves="
              + movesInFlight);
    }
  }
}
