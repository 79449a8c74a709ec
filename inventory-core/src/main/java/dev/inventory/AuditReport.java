package dev.inventory;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the books balance: the result of {@link StockLedger#audit} or {@link
 * StockLedger#auditAll}, read in one consistent snapshot.
 *
 * <p>For every key checked, the stock row must equal the replay of the key's log (the sum of its
 * deltas, and the after-values of its last entry), each log entry must continue where the one
 * before it left off, and {@code reserved} must equal the lines of the reservations that are held
 * as stored (including holds past their expiry that no one has expired yet). A key that breaks any
 * of these is a {@link Discrepancy}; a clean report has none.
 *
 * <p>Holds past their expiry are not a discrepancy: they are stock waiting for {@link
 * Inventory#expireDue} (readers already count it as available). They are listed in {@link
 * #overdueHolds()}, so that a sweeper that stopped running shows up.
 *
 * @param at the instant of the audit, by the inventory's clock: holds due at or before it are
 *     overdue
 * @param keysChecked how many keys were checked
 * @param logEntries how many log entries were replayed
 * @param discrepancies every key whose books do not balance, in key order
 * @param overdueHolds holds past their expiry, most overdue first; at most {@link
 *     #MAX_LISTED_OVERDUE_HOLDS} of them
 * @param overdueHoldCount how many holds are past their expiry, listed or not
 * @since 0.1.0
 */
public record AuditReport(
    Instant at,
    int keysChecked,
    long logEntries,
    List<Discrepancy> discrepancies,
    List<OverdueHold> overdueHolds,
    long overdueHoldCount) {

  /** The most overdue holds a report lists; {@link #overdueHoldCount()} counts them all. */
  public static final int MAX_LISTED_OVERDUE_HOLDS = 1000;

  /**
   * Checks and copies the figures; reports are made by {@link StockLedger} implementations.
   *
   * @param at the instant of the audit, by the inventory's clock: holds due at or before it are
   *     overdue
   * @param keysChecked how many keys were checked
   * @param logEntries how many log entries were replayed
   * @param discrepancies every key whose books do not balance, in key order
   * @param overdueHolds holds past their expiry, most overdue first; at most {@link
   *     #MAX_LISTED_OVERDUE_HOLDS} of them
   * @param overdueHoldCount how many holds are past their expiry, listed or not
   * @throws NullPointerException if {@code at}, a list or an element of one is null
   * @throws IllegalArgumentException if a count is negative or {@code overdueHoldCount} is below
   *     the number of listed holds
   */
  public AuditReport {
    Objects.requireNonNull(at, "at must not be null");
    discrepancies = List.copyOf(discrepancies);
    overdueHolds = List.copyOf(overdueHolds);
    if (keysChecked < 0 || logEntries < 0 || overdueHoldCount < overdueHolds.size()) {
      throw new IllegalArgumentException(
          "audit report counts must be consistent, but were keysChecked="
              + keysChecked
              + " logEntries="
              + logEntries
              + " overdueHoldCount="
              + overdueHoldCount
              + " with "
              + overdueHolds.size()
              + " listed");
    }
  }

  /**
   * Whether the books balance. Overdue holds do not count.
   *
   * @return {@code true} if no key has a discrepancy
   */
  public boolean isClean() {
    return discrepancies.isEmpty();
  }

  /**
   * A human-readable account of the report, for logs and consoles: a summary line, one line per
   * discrepancy and per listed overdue hold. The wording may change between versions; do not parse
   * it.
   *
   * @return several lines, each ending in a line break
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("Audit at ")
        .append(at)
        .append(": ")
        .append(keysChecked)
        .append(" keys, ")
        .append(logEntries)
        .append(" log entries replayed: ")
        .append(isClean() ? "the books balance" : discrepancies.size() + " discrepancies")
        .append('\n');
    for (Discrepancy d : discrepancies) {
      text.append("  ").append(d).append('\n');
    }
    text.append(overdueHoldCount).append(" holds past their expiry");
    text.append(overdueHoldCount == 0 ? "\n" : ":\n");
    for (OverdueHold hold : overdueHolds) {
      text.append("  ").append(hold).append('\n');
    }
    if (overdueHoldCount > overdueHolds.size()) {
      text.append("  ... and ").append(overdueHoldCount - overdueHolds.size()).append(" more\n");
    }
    return text.toString();
  }

  /**
   * What can be wrong with a key's books.
   *
   * @since 0.1.0
   */
  public enum Problem {
    /** The key has log entries but no stock row. */
    MISSING_STOCK_ROW,
    /** On-hand is not the sum of the log's on-hand deltas. */
    ON_HAND_DIFFERS_FROM_LOG,
    /** Reserved is not the sum of the log's reserved deltas. */
    RESERVED_DIFFERS_FROM_LOG,
    /** The stock row is not what the key's last log entry left behind. */
    LAST_ENTRY_DIFFERS,
    /** Some log entry does not start where the entry before it ended (after-values minus delta). */
    LOG_CHAIN_BROKEN,
    /** Reserved is not the sum of the lines of the key's held reservations. */
    RESERVED_DIFFERS_FROM_HOLDS
  }

  /**
   * A key whose books do not balance, with the figures compared.
   *
   * @param key the key
   * @param problems what is wrong, never empty
   * @param onHand on-hand in the stock row (0 if the row is missing)
   * @param reserved reserved in the stock row (0 if the row is missing)
   * @param replayedOnHand the sum of the log's on-hand deltas of the key
   * @param replayedReserved the sum of the log's reserved deltas of the key
   * @param lastOnHandAfter on-hand after the key's last log entry (0 without entries)
   * @param lastReservedAfter reserved after the key's last log entry (0 without entries)
   * @param heldQuantity the units on the key in reservations whose status is held
   * @param logEntries how many log entries the key has
   * @since 0.1.0
   */
  public record Discrepancy(
      StockKey key,
      Set<Problem> problems,
      long onHand,
      long reserved,
      long replayedOnHand,
      long replayedReserved,
      long lastOnHandAfter,
      long lastReservedAfter,
      long heldQuantity,
      long logEntries) {
    /**
     * Checks the key and the problems, and copies the problems.
     *
     * @param key the key
     * @param problems what is wrong, never empty
     * @param onHand on-hand in the stock row (0 if the row is missing)
     * @param reserved reserved in the stock row (0 if the row is missing)
     * @param replayedOnHand the sum of the log's on-hand deltas of the key
     * @param replayedReserved the sum of the log's reserved deltas of the key
     * @param lastOnHandAfter on-hand after the key's last log entry (0 without entries)
     * @param lastReservedAfter reserved after the key's last log entry (0 without entries)
     * @param heldQuantity the units on the key in reservations whose status is held
     * @param logEntries how many log entries the key has
     * @throws NullPointerException if {@code key} or {@code problems} is null
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public Discrepancy {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(problems, "problems must not be null");
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("a discrepancy of " + key + " needs a problem");
      }
      problems = Collections.unmodifiableSet(EnumSet.copyOf(problems));
    }

    @Override
    public String toString() {
      return key
          + " "
          + problems.stream().map(Problem::name).collect(Collectors.joining(", "))
          + ": stock on-hand "
          + onHand
          + " reserved "
          + reserved
          + "; log replays to on-hand "
          + replayedOnHand
          + " reserved "
          + replayedReserved
          + " over "
          + logEntries
          + " entries, last entry left on-hand "
          + lastOnHandAfter
          + " reserved "
          + lastReservedAfter
          + "; held lines "
          + heldQuantity;
    }
  }

  /**
   * A hold past its expiry that is still written as held: its units count as available to readers,
   * and the next {@link Inventory#expireDue} (or a sale that needs them) frees them.
   *
   * @param reservationId the reservation
   * @param expiresAt when its hold ran out
   * @param lines what it still holds as stored, in key order
   * @since 0.1.0
   */
  public record OverdueHold(String reservationId, Instant expiresAt, List<Line> lines) {
    /**
     * Checks the fields and copies the lines.
     *
     * @param reservationId the reservation
     * @param expiresAt when its hold ran out
     * @param lines what it still holds as stored, in key order
     * @throws NullPointerException if a field, or a line, is null
     */
    public OverdueHold {
      Objects.requireNonNull(reservationId, "reservationId must not be null");
      Objects.requireNonNull(expiresAt, "expiresAt must not be null");
      lines = List.copyOf(lines);
    }

    @Override
    public String toString() {
      return reservationId + " expired at " + expiresAt + ", holds " + lines;
    }
  }
}
