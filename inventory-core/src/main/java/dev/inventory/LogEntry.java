package dev.inventory;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of the append-only inventory log: a change to one key, with the level it left behind.
 * Summing the deltas of a key's entries in order gives its current level.
 *
 * @param id position in the log; later entries have larger ids
 * @param at when the change happened, by the inventory's clock
 * @param key the key that changed
 * @param kind what kind of change it was
 * @param onHandDelta the change of on-hand
 * @param reservedDelta the change of reserved
 * @param onHandAfter on-hand after the change
 * @param reservedAfter reserved after the change
 * @param reservationId the reservation that caused it, or {@code null} for stock movements
 * @param reason the caller's free text, or {@code null}
 * @since 0.1.0
 */
public record LogEntry(
    long id,
    Instant at,
    StockKey key,
    Kind kind,
    long onHandDelta,
    long reservedDelta,
    long onHandAfter,
    long reservedAfter,
    @Nullable String reservationId,
    @Nullable String reason) {

  /**
   * Checks the fields that are never null; entries are made by the implementations.
   *
   * @param id position in the log; later entries have larger ids
   * @param at when the change happened, by the inventory's clock
   * @param key the key that changed
   * @param kind what kind of change it was
   * @param onHandDelta the change of on-hand
   * @param reservedDelta the change of reserved
   * @param onHandAfter on-hand after the change
   * @param reservedAfter reserved after the change
   * @param reservationId the reservation that caused it, or {@code null} for stock movements
   * @param reason the caller's free text, or {@code null}
   * @throws NullPointerException if {@code at}, {@code key} or {@code kind} is null
   */
  public LogEntry {
    Objects.requireNonNull(at, "at must not be null");
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(kind, "kind must not be null");
  }

  /**
   * What changed the stock.
   *
   * @since 0.1.0
   */
  public enum Kind {
    /** Units arrived: on-hand up. */
    RECEIVE,
    /** On-hand corrected by a delta. */
    ADJUST,
    /** On-hand set to a counted figure; the delta is the difference. */
    SET,
    /** Units held by a new reservation: reserved up. */
    RESERVE,
    /** A held reservation changed its quantity on the key: reserved up or down. */
    AMEND,
    /** Sold: on-hand and reserved down (a purchase without a hold: on-hand only). */
    CONFIRM,
    /** A hold was cancelled: reserved down. */
    RELEASE,
    /** A hold ran out: reserved down. */
    EXPIRE
  }
}
