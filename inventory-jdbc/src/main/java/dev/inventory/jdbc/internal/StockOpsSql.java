package dev.inventory.jdbc.internal;

import java.time.LocalDate;

/**
 * The SQL of the stock operations beside the reservation lifecycle: bulk stock, history, audit and
 * the daily movement report. The lifecycle's own statements are in {@link Sql}, whose rules apply
 * here too (conditional writes, rows touched in key order, {@code ${schema}} replaced by a checked
 * identifier). {@code ${era}} is the log key index's era width, {@link #LOG_ERA}.
 */
final class StockOpsSql {
  /**
   * Log ids per era of the log's key index (V4 migration): the index is {@code (id / 262144, sku,
   * location, id)}, and a query uses it only if it divides by this very number.
   */
  static final int LOG_ERA = 262_144;

  private final String schema;

  StockOpsSql(String schema) {
    this.schema = schema;
  }

  private String render(String sql) {
    return sql.replace("${schema}", schema).replace("${era}", Integer.toString(LOG_ERA));
  }

  /**
   * Receives a batch of keys in one statement: upserts every stock row and logs each change. The
   * caller sends the keys sorted and without duplicates; the INSERT takes them in that order
   * ({@code ORDER BY ord}), so concurrent bulk calls lock rows in the same order and cannot
   * deadlock. The update count is the number of log rows, one per key.
   */
  String receiveBatch() {
    return render(
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
                   updated_at = EXCLUDED.updated_at
            RETURNING s.sku, s.location, s.on_hand, s.reserved
        )
        INSERT INTO ${schema}.inventory_log
               (at, sku, location, kind, on_hand_delta, reserved_delta,
                on_hand_after, reserved_after, reason)
        SELECT :now, c.sku, c.location, 'RECEIVE', i.quantity, 0, c.on_hand, c.reserved, :reason
          FROM changed c
          JOIN input i ON i.sku = c.sku AND i.location = c.location
         ORDER BY i.ord
        """);
  }

  /**
   * Sets on-hand of a batch of keys to counted figures in one statement, as {@link Sql#setOnHand()}
   * does for one key: a compare-and-set, because the log needs the difference and PostgreSQL 15
   * cannot return a row's old value from an upsert.
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
  String setBatch() {
    return render(
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
                   updated_at = EXCLUDED.updated_at
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
        """);
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
  String history() {
    return render(
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
        """);
  }

  /** The reservations holding units of one key now, soonest expiry first, with all their lines. */
  String heldOnKey() {
    return render(
        """
        WITH held AS (
            SELECT r.id, r.created_at, r.expires_at
              FROM ${schema}.reservation_line l
              JOIN ${schema}.reservation r ON r.id = l.reservation_id
             WHERE l.sku = :sku AND l.location = :location
               AND r.status = 'HELD' AND r.expires_at > :now
             ORDER BY r.expires_at, r.id
             LIMIT :limit
        )
        SELECT h.id, h.created_at, h.expires_at, l.sku, l.location, l.quantity
          FROM held h
          JOIN ${schema}.reservation_line l ON l.reservation_id = h.id
         ORDER BY h.expires_at, h.id
        """);
  }

  /**
   * Audit of the keys given as {@code :skus, :locations}, their log entries read through the
   * era-led key index: one descent per key and era up to {@code lastEra}. The (key, era) pairs are
   * made first, in a CTE of their own: left to itself, PostgreSQL joins the keys to the log before
   * it pairs them with the eras (it puts off a join without a join condition), and then reads the
   * whole log. {@code lastEra} is written into the statement, not bound: the planner must know the
   * pairs' count, which a cached generic plan (a bound parameter) would not.
   */
  String auditKeysThroughIndex(long lastEra) {
    return audit(
        KEYS_GIVEN,
        """
              FROM (WITH probes AS MATERIALIZED (
                        SELECT k.sku, k.location, e.era
                          FROM keys k
                         CROSS JOIN generate_series(0, ${lastEra}::bigint) AS e(era)
                    )
                    SELECT l.*
                      FROM probes p
                      JOIN ${schema}.inventory_log l
                        ON l.id / ${era} = p.era AND l.sku = p.sku AND l.location = p.location
                   ) l
        """
            .replace("${lastEra}", Long.toString(lastEra)));
  }

  /**
   * Audit of the keys given as {@code :skus, :locations}, their log entries read in one pass over
   * the log: for more keys than the index's descents would be worth.
   */
  String auditKeysInOnePass() {
    return audit(
        KEYS_GIVEN,
        """
              FROM ${schema}.inventory_log l
              JOIN keys k ON k.sku = l.sku AND k.location = l.location
        """);
  }

  private static final String KEYS_GIVEN =
      """
      SELECT DISTINCT sku, location FROM unnest(:skus, :locations) AS k(sku, location)
      """;

  /** The id of the log's newest entry; 0 if the log is empty. */
  String lastLogId() {
    return render(
        """
        SELECT coalesce(max(id), 0) FROM ${schema}.inventory_log
        """);
  }

  /**
   * Audit of every key the store knows: stock rows, log entries and held lines. Every log entry is
   * read, in one pass over the table.
   */
  String auditAll() {
    return audit(
        """
        SELECT sku, location FROM ${schema}.stock_level
        UNION
        SELECT sku, location FROM ${schema}.inventory_log
        UNION
        SELECT l.sku, l.location
          FROM ${schema}.reservation_line l
          JOIN ${schema}.reservation r ON r.id = l.reservation_id
         WHERE r.status = 'HELD'
        """,
        """
              FROM ${schema}.inventory_log l
        """);
  }

  /**
   * Replays the log of the keys and compares it with the stock rows and the held lines. One row
   * with the totals, and one more per key with a problem (each carrying the totals too).
   *
   * <p>The chain check: each entry's after-values minus its deltas must equal the previous entry's
   * after-values (0 before the first). It holds because every change logs what it left behind while
   * it holds the row lock, and draws its log id after taking that lock, so a key's entries in id
   * order are its changes in order.
   *
   * <p>{@code keys} selects the keys audited; {@code entriesOfKeys} is the FROM clause that yields
   * their log entries as {@code l}.
   */
  private String audit(String keys, String entriesOfKeys) {
    return render(
        """
        WITH keys AS MATERIALIZED (
        """
            + keys
            + """
        ), entries AS (
            SELECT l.sku, l.location, l.on_hand_delta, l.reserved_delta,
                   l.on_hand_after, l.reserved_after,
                   (l.on_hand_after - l.on_hand_delta
                        IS DISTINCT FROM lag(l.on_hand_after, 1, 0::bigint) OVER w)
                   OR (l.reserved_after - l.reserved_delta
                        IS DISTINCT FROM lag(l.reserved_after, 1, 0::bigint) OVER w) AS broken,
                   lead(l.id) OVER w IS NULL AS is_last
        """
            + entriesOfKeys
            + """
            WINDOW w AS (PARTITION BY l.sku, l.location ORDER BY l.id)
        ), replay AS (
            SELECT sku, location,
                   count(*) AS entries,
                   sum(on_hand_delta)::bigint AS on_hand,
                   sum(reserved_delta)::bigint AS reserved,
                   max(on_hand_after) FILTER (WHERE is_last) AS last_on_hand,
                   max(reserved_after) FILTER (WHERE is_last) AS last_reserved,
                   count(*) FILTER (WHERE broken) AS breaks
              FROM entries
             GROUP BY sku, location
        ), held AS (
            SELECT l.sku, l.location, sum(l.quantity)::bigint AS quantity
              FROM ${schema}.reservation r
              JOIN ${schema}.reservation_line l ON l.reservation_id = r.id
              JOIN keys k ON k.sku = l.sku AND k.location = l.location
             WHERE r.status = 'HELD'
             GROUP BY l.sku, l.location
        ), audited AS (
            SELECT k.sku, k.location,
                   s.sku IS NULL AS no_row,
                   coalesce(s.on_hand, 0) AS on_hand,
                   coalesce(s.reserved, 0) AS reserved,
                   coalesce(r.entries, 0) AS entries,
                   coalesce(r.on_hand, 0) AS replayed_on_hand,
                   coalesce(r.reserved, 0) AS replayed_reserved,
                   coalesce(r.last_on_hand, 0) AS last_on_hand,
                   coalesce(r.last_reserved, 0) AS last_reserved,
                   coalesce(r.breaks, 0) AS breaks,
                   coalesce(h.quantity, 0) AS held
              FROM keys k
              LEFT JOIN ${schema}.stock_level s ON s.sku = k.sku AND s.location = k.location
              LEFT JOIN replay r ON r.sku = k.sku AND r.location = k.location
              LEFT JOIN held h ON h.sku = k.sku AND h.location = k.location
        ), flagged AS (
            SELECT a.*,
                   no_row AND entries > 0 AS missing_stock_row,
                   on_hand <> replayed_on_hand AS on_hand_differs,
                   reserved <> replayed_reserved AS reserved_differs,
                   entries > 0 AND (on_hand <> last_on_hand OR reserved <> last_reserved)
                       AS last_differs,
                   breaks > 0 AS chain_broken,
                   reserved <> held AS holds_differ
              FROM audited a
        )
        SELECT t.keys_checked, t.log_entries, f.*
          FROM (SELECT count(*) AS keys_checked, coalesce(sum(entries), 0)::bigint AS log_entries
                  FROM flagged) t
          LEFT JOIN flagged f
            ON f.missing_stock_row OR f.on_hand_differs OR f.reserved_differs
               OR f.last_differs OR f.chain_broken OR f.holds_differ
        """);
  }

  /** Holds past their expiry with a line on one of the keys {@code :skus, :locations}. */
  String overdueHoldsOnKeys() {
    return overdueHolds(
        """
           AND EXISTS (
               SELECT 1
                 FROM ${schema}.reservation_line l
                 JOIN unnest(:skus, :locations) AS k(sku, location)
                   ON k.sku = l.sku AND k.location = l.location
                WHERE l.reservation_id = r.id)
        """);
  }

  /** Every hold past its expiry. */
  String overdueHolds() {
    return overdueHolds("");
  }

  /**
   * The most overdue holds, up to {@code :limit}, with their lines; every row carries the count of
   * all overdue holds. No rows: none is overdue. Uses the partial index on held expiries.
   */
  private String overdueHolds(String filter) {
    return render(
        """
        WITH due AS (
            SELECT r.id, r.expires_at, count(*) OVER () AS total
              FROM ${schema}.reservation r
             WHERE r.status = 'HELD' AND r.expires_at <= :now
        """
            + filter
            + """
             ORDER BY r.expires_at, r.id
             LIMIT :limit
        )
        SELECT d.id, d.expires_at, d.total, l.sku, l.location, l.quantity
          FROM due d
          JOIN ${schema}.reservation_line l ON l.reservation_id = d.id
         ORDER BY d.expires_at, d.id
        """);
  }

  /**
   * Rebuilds one UTC day of {@code daily_movement} from the log, in one statement (so in one
   * transaction): upserts the day's sums and deletes the day's rows that the log no longer yields.
   * Running it twice gives the same rows; an unchanged row is not even rewritten. Rows are upserted
   * in key order, so two runs of one day cannot deadlock on them. Returns one row, {@code
   * rows_read}: the log entries summarized. The upsert and the delete need not be referenced by the
   * final SELECT: PostgreSQL runs every data-modifying CTE to completion.
   *
   * <p>Kinds of movement: RECEIVE is received; CONFIRM is sold; RESERVE is reserved; RELEASE is
   * released; EXPIRE is expired; ADJUST and SET are adjusted; AMEND is reserved when it grows a
   * hold and released when it shrinks one.
   */
  String summarizeDay() {
    return render(
        """
        WITH fresh AS (
            SELECT sku, location,
                   CASE kind
                       WHEN 'RECEIVE' THEN 'received'
                       WHEN 'CONFIRM' THEN 'sold'
                       WHEN 'RESERVE' THEN 'reserved'
                       WHEN 'RELEASE' THEN 'released'
                       WHEN 'EXPIRE' THEN 'expired'
                       WHEN 'AMEND' THEN
                           CASE WHEN reserved_delta > 0 THEN 'reserved' ELSE 'released' END
                       ELSE 'adjusted'
                   END AS movement,
                   sum(on_hand_delta)::bigint AS on_hand_delta,
                   sum(reserved_delta)::bigint AS reserved_delta,
                   count(*) AS entries
              FROM ${schema}.inventory_log
             WHERE at >= :dayStart AND at < :dayEnd
             GROUP BY 1, 2, 3
        ), upserted AS (
            INSERT INTO ${schema}.daily_movement AS d
                   (day, sku, location, kind, on_hand_delta, reserved_delta, entries)
            SELECT :day, sku, location, movement, on_hand_delta, reserved_delta, entries
              FROM fresh
             ORDER BY sku, location, movement
            ON CONFLICT (day, sku, location, kind) DO UPDATE
               SET on_hand_delta = EXCLUDED.on_hand_delta,
                   reserved_delta = EXCLUDED.reserved_delta,
                   entries = EXCLUDED.entries
             WHERE (d.on_hand_delta, d.reserved_delta, d.entries)
                   IS DISTINCT FROM (EXCLUDED.on_hand_delta, EXCLUDED.reserved_delta,
                                     EXCLUDED.entries)
        ), removed AS (
            DELETE FROM ${schema}.daily_movement d
             WHERE d.day = :day
               AND NOT EXISTS (
                   SELECT 1 FROM fresh f
                    WHERE f.sku = d.sku AND f.location = d.location AND f.movement = d.kind)
        )
        SELECT coalesce((SELECT sum(entries) FROM fresh), 0)::bigint AS rows_read
        """);
  }

  /**
   * The movement rows of a range of days as CSV with a header, for {@code COPY ... TO STDOUT}. COPY
   * takes no parameters, so the dates are inlined: they are {@link LocalDate}s checked to lie in
   * years 1 to 9999, printed as {@code yyyy-MM-dd}, never text from a caller.
   */
  String exportCsv(LocalDate firstDay, LocalDate lastDay) {
    return render(
        "COPY (SELECT day, sku, location, kind, on_hand_delta, reserved_delta, entries"
            + " FROM ${schema}.daily_movement"
            + " WHERE day BETWEEN DATE '"
            + firstDay
            + "' AND DATE '"
            + lastDay
            + "' ORDER BY day, sku, location, kind)"
            + " TO STDOUT WITH (FORMAT csv, HEADER)");
  }
}
