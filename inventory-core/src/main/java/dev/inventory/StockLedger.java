package dev.inventory;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The books behind an {@link Inventory}: stock loaded in bulk, a key's history, and an audit that
 * proves the books balance. A store that keeps a log offers it beside its {@code Inventory} (the
 * PostgreSQL one: {@code JdbcInventoryStore.ledger()}).
 *
 * <p>Bulk calls write exactly what the single calls would ({@link Inventory#receive}, {@link
 * Inventory#setOnHand}): one log entry per key, kind {@code RECEIVE} or {@code SET}, with the
 * call's reason. They validate every entry before anything is read or written, with the bounds of
 * the single calls; a key may appear only once per call (two figures for one key are a mistake in
 * the file, not something to resolve silently). The whole call is one transaction: if it throws,
 * nothing was written.
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface StockLedger {
  /** The most entries one bulk call takes. */
  int MAX_BULK_ENTRIES = 1_000_000;

  /** The largest page of {@link #history} and {@link #heldReservations}. */
  int MAX_PAGE_SIZE = 1000;

  /**
   * Receives many keys at once (a delivery file): on-hand of each key goes up by its quantity,
   * creating keys never stocked. All entries or none; receiving never refuses a key.
   *
   * @param entries 0 to {@value #MAX_BULK_ENTRIES} entries, each quantity 1 to 1,000,000,000, no
   *     key twice
   * @param reason free text for every log entry, at most 1,000 characters without control
   *     characters, or {@code null}
   * @return the result, {@link BulkMode#ATOMIC}, every entry applied
   * @throws IllegalArgumentException if an entry is out of bounds or a key appears twice, naming
   *     the entry; nothing is written
   */
  BulkResult receiveAll(List<BulkEntry> entries, @Nullable String reason);

  /**
   * Sets on-hand of many keys at once to counted figures (a stock-take file); the log records each
   * difference. A figure below what is reserved on its key is refused, as {@link
   * Inventory#setOnHand} refuses it; holds past their expiry do not count as reserved (they are
   * expired first when they stand in the way).
   *
   * @param entries 0 to {@value #MAX_BULK_ENTRIES} entries, each quantity (the counted on-hand) 0
   *     or more, no key twice
   * @param reason free text for every log entry, at most 1,000 characters without control
   *     characters, or {@code null}
   * @param mode {@link BulkMode#ATOMIC}: one refused key refuses the call; {@link
   *     BulkMode#PARTIAL}: the other keys are applied
   * @return what was applied, and every refused key with its numbers
   * @throws IllegalArgumentException if an entry is out of bounds or a key appears twice, naming
   *     the entry; nothing is written
   */
  BulkResult setOnHandAll(List<BulkEntry> entries, @Nullable String reason, BulkMode mode);

  /**
   * The log entries of one key with {@code from <= at < to}, newest first, one page at a time.
   * Pages are cut by position in the log (keyset paging), so entries written while a caller pages
   * never shift a page or repeat an entry. Reads only.
   *
   * @param key the key whose log to read
   * @param from the start of the range, inclusive
   * @param to the end of the range, exclusive; after {@code from}
   * @param pageSize 1 to {@value #MAX_PAGE_SIZE} entries
   * @param cursor {@code null} for the first (newest) page, else the {@link
   *     HistoryPage#nextCursor()} of the page before, with the same key and range
   * @return up to {@code pageSize} entries, newest first; the last page has no next cursor
   * @throws IllegalArgumentException if the range is empty, the page size out of bounds, or the
   *     cursor is not one this ledger made
   */
  HistoryPage history(
      StockKey key, Instant from, Instant to, int pageSize, @Nullable String cursor);

  /**
   * The reservations that hold units of this key now (status held, expiry after now), soonest
   * expiry first, each with all of its lines. Reads only.
   *
   * @param key the key whose holds to list
   * @param limit 1 to {@value #MAX_PAGE_SIZE}
   * @return up to {@code limit} reservations, all {@link Reservation.Status#HELD}
   * @throws IllegalArgumentException if {@code limit} is out of bounds
   */
  List<Reservation> heldReservations(StockKey key, int limit);

  /**
   * Audits these keys (see {@link AuditReport}); overdue holds are those with a line on one of
   * them.
   *
   * @param keys 1 to {@value #MAX_BULK_ENTRIES} keys; keys never stocked are checked too
   * @return the report, read in one snapshot; writes nothing
   * @throws IllegalArgumentException if there are no keys or too many
   */
  AuditReport audit(Collection<StockKey> keys);

  /**
   * Audits every key that has a stock row, a log entry or a held line, and lists every overdue
   * hold. Reads the whole log: run it off-peak on a large store.
   *
   * @return the report, read in one snapshot; writes nothing
   */
  AuditReport auditAll();
}
