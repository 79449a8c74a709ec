package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.instant;
import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.BulkEntry;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's statements: bulk receipts and counts, a page of a key's log, and the holds on a key.
 * The reservation statements' rules apply here too (conditional writes, rows touched in key order).
 * Each statement's text, binding and row mapping; no decision. Thread-safe: it holds only text.
 */
final class LedgerSql {
  private final String receiveBatch;
  private final String setBatch;
  private final String history;
  private final String heldOnKey;

  LedgerSql(SqlText sql) {
    this.receiveBatch = sql.render(RECEIVE_BATCH);
    this.setBatch = sql.render(SET_BATCH);
    this.history = sql.render(HISTORY);
    this.heldOnKey = sql.render(HELD_ON_KEY);
  }

  /**
   * Receives a batch of keys in one statement: upserts every stock row and logs each change. The
   * caller sends the keys sorted and without duplicates; the INSERT takes them in that order
   * ({@code ORDER BY ord}), so concurrent bulk calls lock rows in the same order and cannot
   * deadlock. The update count is the number of log rows, one per key.
   */
  private static final String RECEIVE_BATCH =
      """
      WITH input AS (
          SELECT *
            FROM unnest(:skus, :locations, :quantities)
                 WITH ORDINALITY AS i(sku, location, quantity, ord)
      ), changed AS (
          INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
          SELECT sku, location, quantity, 0, :now
            FROM input
           ORDER BY ord
          ON CONFLICT (sku, location) DO UPDATE
             SET on_hand = s.on_hand + EXCLUDED.on_hand,
                 updated_at = EXCLUDED.updated_at,
                 -- Known-keys mode: turned back on only for a key the catalog knows; the guard's
                 -- foreign keys refuse a deactivated one (and the insert of an unknown one).
                 item_active = true,
                 location_active = true
          RETURNING s.sku, s.location, s.on_hand, s.reserved
      )
      INSERT INTO ${schema}.inventory_log
             (at, sku, location, kind, on_hand_delta, reserved_delta,
              on_hand_after, reserved_after, reason)
      SELECT :now, c.sku, c.location, 'RECEIVE', i.quantity, 0, c.on_hand, c.reserved, :reason
        FROM changed c
        JOIN input i ON i.sku = c.sku AND i.location = c.location
       ORDER BY i.ord
      """;

  /** Receives a sorted batch of distinct keys; returns the number of log rows written. */
  Session.Work<Integer> receiveBatch(List<BulkEntry> batch, String reason, Instant now) {
    return h ->
        h.createUpdate(receiveBatch)
            .bindArray("skus", String.class, skus(batch))
            .bindArray("locations", String.class, locations(batch))
            .bindArray("quantities", Long.class, quantities(batch))
            .bind("now", timestamp(now))
            .bind("reason", reason)
            .execute();
  }

  /**
   * Sets on-hand of a batch of keys to counted figures in one statement, as {@link
   * StockSql#setOnHand} does for one key: a compare-and-set, because the log needs the difference
   * and PostgreSQL 15 cannot return a row's old value from an upsert.
   *
   * <p>{@code seen} is the statement's snapshot. A key is written only if its locked, newest row
   * still has the on-hand of the snapshot (the subquery reads the snapshot too) and no more
   * reserved than the figure: the CHECK constraint would refuse the rest anyway. Every existing key
   * is locked in key order either way (ON CONFLICT DO UPDATE locks the row before its WHERE), so a
   * second run of this statement for the keys it did not write, in the same transaction, sees their
   * final values: the ones still refused are below what is reserved.
   *
   * <p>Returns the keys not written, by their 1-based position in the batch ({@code ord}). Their
   * numbers are read afterwards under their locks: the snapshot's may be stale by then.
   */
  private static final String SET_BATCH =
      """
      WITH input AS (
          SELECT *
            FROM unnest(:skus, :locations, :figures)
                 WITH ORDINALITY AS i(sku, location, figure, ord)
      ), seen AS (
          SELECT i.ord, s.on_hand
            FROM input i
            LEFT JOIN ${schema}.stock_level s ON s.sku = i.sku AND s.location = i.location
      ), changed AS (
          INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
          SELECT sku, location, figure, 0, :now
            FROM input
           ORDER BY ord
          ON CONFLICT (sku, location) DO UPDATE
             SET on_hand = EXCLUDED.on_hand,
                 updated_at = EXCLUDED.updated_at,
                 -- As in a bulk receipt: the guard refuses a key the catalog does not know.
                 item_active = true,
                 location_active = true
           WHERE s.reserved <= EXCLUDED.on_hand
             AND s.on_hand IS NOT DISTINCT FROM (
                 SELECT o.on_hand
                   FROM ${schema}.stock_level o
                  WHERE o.sku = EXCLUDED.sku AND o.location = EXCLUDED.location)
          RETURNING s.sku, s.location, s.on_hand, s.reserved
      ), logged AS (
          INSERT INTO ${schema}.inventory_log
                 (at, sku, location, kind, on_hand_delta, reserved_delta,
                  on_hand_after, reserved_after, reason)
          SELECT :now, c.sku, c.location, 'SET', c.on_hand - coalesce(seen.on_hand, 0), 0,
                 c.on_hand, c.reserved, :reason
            FROM changed c
            JOIN input i ON i.sku = c.sku AND i.location = c.location
            JOIN seen ON seen.ord = i.ord
           ORDER BY i.ord
      )
      SELECT i.ord
        FROM input i
       WHERE NOT EXISTS (
             SELECT 1 FROM changed c WHERE c.sku = i.sku AND c.location = i.location)
       ORDER BY i.ord
      """;

  /** Sets a sorted batch of distinct keys; returns the entries it did not write. */
  Session.Work<List<BulkEntry>> setBatch(List<BulkEntry> batch, String reason, Instant now) {
    return h -> {
      List<Integer> positions =
          h.createQuery(setBatch)
              .bindArray("skus", String.class, skus(batch))
              .bindArray("locations", String.class, locations(batch))
              .bindArray("figures", Long.class, quantities(batch))
              .bind("now", timestamp(now))
              .bind("reason", reason)
              .map((rs, ctx) -> rs.getInt("ord"))
              .list();
      List<BulkEntry> unwritten = new ArrayList<>(positions.size());
      for (int position : positions) {
        unwritten.add(batch.get(position - 1));
      }
      return unwritten;
    };
  }

  private static List<String> skus(List<BulkEntry> batch) {
    return batch.stream().map(e -> e.key().sku()).toList();
  }

  private static List<String> locations(List<BulkEntry> batch) {
    return batch.stream().map(e -> e.key().location()).toList();
  }

  private static List<Long> quantities(List<BulkEntry> batch) {
    return batch.stream().map(BulkEntry::quantity).toList();
  }

  /**
   * A page of one key's log, newest first. Keyset paging on the log's id, read through the index
   * {@code (id / LOG_ERA, sku, location, id)} one era at a time, from the era of the log's newest
   * entry before the cursor down to era 0: each era's part is read backwards from the cursor, and
   * the outer LIMIT stops the loop once the page is full. The eras come out of {@code
   * generate_series} in descending order and the nested loop keeps that order (the lateral subquery
   * must run inside it), so the rows are already newest first; an outer ORDER BY would make
   * PostgreSQL read every era before sorting. The series starts from an entry, not from the cursor
   * itself, because it is written out whole before the loop reads it: a first page's cursor is
   * {@code Long.MAX_VALUE}, 35 trillion eras away from 0. No entry before the cursor: no eras.
   */
  private static final String HISTORY =
      """
      SELECT l.*
        FROM generate_series(
                 (SELECT max(id) FROM ${schema}.inventory_log WHERE id < :before) / ${era},
                 0, -1) AS e(era)
       CROSS JOIN LATERAL (
             SELECT id, at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id, reason
               FROM ${schema}.inventory_log
              WHERE id / ${era} = e.era
                AND sku = :sku AND location = :location
                AND at >= :from AND at < :to
                AND id < :before
              ORDER BY id DESC
              LIMIT :limit) l
       LIMIT :limit
      """;

  /** The statement {@link #history} runs (for plan tests). */
  String historyText() {
    return history;
  }

  /** Up to {@code limit} entries of the key with {@code from <= at < to} and id before a cursor. */
  Session.Work<List<LogEntry>> history(
      StockKey key, Instant from, Instant to, long before, int limit) {
    return h ->
        h.createQuery(history)
            .bind("sku", key.sku())
            .bind("location", key.location())
            .bind("from", timestamp(from))
            .bind("to", timestamp(to))
            .bind("before", before)
            .bind("limit", limit)
            .map(
                (rs, ctx) ->
                    new LogEntry(
                        rs.getLong("id"),
                        instant(rs, "at"),
                        PgValues.key(rs),
                        LogEntry.Kind.valueOf(rs.getString("kind")),
                        rs.getLong("on_hand_delta"),
                        rs.getLong("reserved_delta"),
                        rs.getLong("on_hand_after"),
                        rs.getLong("reserved_after"),
                        rs.getString("reservation_id"),
                        rs.getString("reason")))
            .list();
  }

  /** The reservations holding units of one key now, soonest expiry first, with all their lines. */
  private static final String HELD_ON_KEY =
      """
      WITH held AS (
          SELECT r.id, r.created_at, r.expires_at, r.buyer
            FROM ${schema}.reservation_line l
            JOIN ${schema}.reservation r ON r.id = l.reservation_id
           WHERE l.sku = :sku AND l.location = :location
             AND ${heldNotDue(r)}
           ORDER BY r.expires_at, r.id
           LIMIT :limit
      )
      SELECT h.id, h.created_at, h.expires_at, h.buyer, l.sku, l.location, l.quantity,
             l.unit_price_minor, l.currency
        FROM held h
        JOIN ${schema}.reservation_line l ON l.reservation_id = h.id
       ORDER BY h.expires_at, h.id
      """;

  /** Up to {@code limit} reservations holding units of the key now, each with all its lines. */
  Session.Work<List<Reservation>> heldOnKey(StockKey key, int limit, Instant now) {
    return h -> {
      Map<String, HeldRows> byId = new LinkedHashMap<>();
      h.createQuery(heldOnKey)
          .bind("sku", key.sku())
          .bind("location", key.location())
          .bind("now", timestamp(now))
          .bind("limit", limit)
          .map(
              (rs, ctx) ->
                  new HeldRow(
                      rs.getString("id"),
                      instant(rs, "created_at"),
                      instant(rs, "expires_at"),
                      rs.getString("buyer"),
                      PgValues.line(rs)))
          .list()
          .forEach(
              row ->
                  byId.computeIfAbsent(
                          row.id(),
                          id -> new HeldRows(row.createdAt(), row.expiresAt(), row.buyer()))
                      .lines()
                      .add(row.line()));
      List<Reservation> held = new ArrayList<>(byId.size());
      byId.forEach(
          (id, rows) ->
              held.add(
                  new Reservation(
                      id,
                      Reservation.Status.HELD,
                      rows.lines().stream().sorted(Comparator.comparing(Line::key)).toList(),
                      rows.createdAt(),
                      rows.expiresAt(),
                      rows.buyer())));
      return List.copyOf(held);
    };
  }

  private record HeldRow(
      String id, Instant createdAt, Instant expiresAt, @Nullable String buyer, Line line) {}

  private record HeldRows(
      Instant createdAt, Instant expiresAt, @Nullable String buyer, List<Line> lines) {
    HeldRows(Instant createdAt, Instant expiresAt, @Nullable String buyer) {
      this(createdAt, expiresAt, buyer, new ArrayList<>());
    }
  }
}
