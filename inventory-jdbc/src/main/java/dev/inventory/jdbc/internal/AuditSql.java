package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.instant;
import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.AuditReport.Discrepancy;
import dev.inventory.AuditReport.OverdueHold;
import dev.inventory.AuditReport.Problem;
import dev.inventory.Line;
import dev.inventory.StockKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit's statements: the log replayed and compared with the stock rows and the held lines, and
 * the overdue holds. Each statement's text, binding and row mapping; which statement an audit of
 * given keys runs is {@link Audit}'s decision. Thread-safe: it holds only text.
 */
final class AuditSql {
  /** The books of the keys audited: totals, and the keys with a problem. */
  record Books(int keysChecked, long logEntries, List<Discrepancy> discrepancies) {}

  /** The most overdue holds (up to the limit asked for) and how many there are in all. */
  record Overdue(List<OverdueHold> holds, long count) {}

  private final SqlText text;
  private final String auditKeysInOnePass;
  private final String lastLogId;
  private final String auditAll;
  private final String overdueHoldsOnKeys;
  private final String overdueHolds;

  AuditSql(SqlText text) {
    this.text = text;
    this.auditKeysInOnePass = auditKeysInOnePassText();
    this.lastLogId = lastLogIdText();
    this.auditAll = auditAllText();
    this.overdueHoldsOnKeys = overdueHoldsOnKeysText();
    this.overdueHolds = overdueHoldsText();
  }

  private String render(String sql) {
    return text.render(sql);
  }

  /**
   * Makes this transaction one read-only snapshot for every statement: the books are compared as of
   * one instant, however busy the store is meanwhile, and the audit cannot change what it audits. A
   * back-office read of the whole log may take longer than a checkout's statement timeout, which is
   * lifted for this transaction.
   */
  Session.Work<Void> beginSnapshot() {
    return h -> {
      h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      Db.liftStatementTimeout(h);

      return null;
    };
  }

  /** The id of the log's newest entry; 0 if the log is empty. */
  Session.Work<Long> lastLogId() {
    return h -> h.createQuery(lastLogId).mapTo(Long.class).one();
  }

  /**
   * The books of sorted keys: their log read through the era-led key index up to {@code lastEra}
   * when {@code throughIndex}, else in one pass over the log.
   */
  Session.Work<Books> auditKeys(List<StockKey> sorted, boolean throughIndex, long lastEra) {
    return h -> {
      Query query =
          h.createQuery(throughIndex ? auditKeysThroughIndex(lastEra) : auditKeysInOnePass);
      return books(
          query
              .bindArray("skus", String.class, PgValues.skus(sorted))
              .bindArray("locations", String.class, PgValues.locations(sorted)));
    };
  }

  /** The books of every key the store knows. */
  Session.Work<Books> auditAll() {
    return h -> books(h.createQuery(auditAll));
  }

  /** Overdue holds with a line on one of these keys. */
  Session.Work<Overdue> overdueOnKeys(List<StockKey> sorted, Instant now, int limit) {
    return h ->
        overdue(
            h.createQuery(overdueHoldsOnKeys)
                .bindArray("skus", String.class, PgValues.skus(sorted))
                .bindArray("locations", String.class, PgValues.locations(sorted)),
            now,
            limit);
  }

  /** Every overdue hold. */
  Session.Work<Overdue> overdueAll(Instant now, int limit) {
    return h -> overdue(h.createQuery(overdueHolds), now, limit);
  }

  private static Books books(Query query) {
    long[] totals = new long[2];
    List<Discrepancy> discrepancies = new ArrayList<>();
    query
        .map(
            (rs, ctx) -> {
              totals[0] = rs.getLong("keys_checked");
              totals[1] = rs.getLong("log_entries");
              return rs.getString("sku") == null ? null : discrepancy(rs);
            })
        .forEach(
            d -> {
              if (d != null) {
                discrepancies.add(d);
              }
            });
    discrepancies.sort(Comparator.comparing(Discrepancy::key));
    return new Books((int) totals[0], totals[1], discrepancies);
  }

  private static Discrepancy discrepancy(ResultSet rs) throws SQLException {
    Set<Problem> problems = EnumSet.noneOf(Problem.class);
    if (rs.getBoolean("missing_stock_row")) {
      problems.add(Problem.MISSING_STOCK_ROW);
    }
    if (rs.getBoolean("on_hand_differs")) {
      problems.add(Problem.ON_HAND_DIFFERS_FROM_LOG);
    }
    if (rs.getBoolean("reserved_differs")) {
      problems.add(Problem.RESERVED_DIFFERS_FROM_LOG);
    }
    if (rs.getBoolean("last_differs")) {
      problems.add(Problem.LAST_ENTRY_DIFFERS);
    }
    if (rs.getBoolean("chain_broken")) {
      problems.add(Problem.LOG_CHAIN_BROKEN);
    }
    if (rs.getBoolean("holds_differ")) {
      problems.add(Problem.RESERVED_DIFFERS_FROM_HOLDS);
    }
    return new Discrepancy(
        PgValues.key(rs),
        problems,
        rs.getLong("on_hand"),
        rs.getLong("reserved"),
        rs.getLong("replayed_on_hand"),
        rs.getLong("replayed_reserved"),
        rs.getLong("last_on_hand"),
        rs.getLong("last_reserved"),
        rs.getLong("held"),
        rs.getLong("entries"));
  }

  private static Overdue overdue(Query query, Instant now, int limit) {
    List<OverdueRow> rows =
        query
            .bind("now", timestamp(now))
            .bind("limit", limit)
            .map(
                (rs, ctx) ->
                    new OverdueRow(
                        rs.getString("id"),
                        instant(rs, "expires_at"),
                        rs.getLong("total"),
                        new Line(PgValues.key(rs), rs.getLong("quantity"))))
            .list();
    Map<String, List<OverdueRow>> byId = new LinkedHashMap<>();
    rows.forEach(row -> byId.computeIfAbsent(row.id(), id -> new ArrayList<>()).add(row));
    List<OverdueHold> overdue = new ArrayList<>(byId.size());
    byId.forEach(
        (id, lines) ->
            overdue.add(
                new OverdueHold(
                    id,
                    lines.get(0).expiresAt(),
                    lines.stream()
                        .map(OverdueRow::line)
                        .sorted(Comparator.comparing(Line::key))
                        .toList())));
    return new Overdue(overdue, rows.isEmpty() ? 0 : rows.get(0).total());
  }

  private record OverdueRow(String id, Instant expiresAt, long total, Line line) {}

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
  private String auditKeysInOnePassText() {
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
  private String lastLogIdText() {
    return render(
        """
        SELECT coalesce(max(id), 0) FROM ${schema}.inventory_log
        """);
  }

  /**
   * Audit of every key the store knows: stock rows, log entries and held lines. Every log entry is
   * read, in one pass over the table.
   */
  private String auditAllText() {
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
  private String overdueHoldsOnKeysText() {
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
  private String overdueHoldsText() {
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
             WHERE ${dueHold(r)}
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
}
