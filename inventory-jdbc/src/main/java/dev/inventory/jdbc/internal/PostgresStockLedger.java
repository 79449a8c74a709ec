package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PostgresInventory.instant;
import static dev.inventory.jdbc.internal.PostgresInventory.timestamp;

import dev.inventory.AuditReport;
import dev.inventory.AuditReport.Discrepancy;
import dev.inventory.AuditReport.OverdueHold;
import dev.inventory.AuditReport.Problem;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.BulkResult.Refusal;
import dev.inventory.HistoryPage;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.internal.Checks;
import dev.inventory.jdbc.internal.HandleOps.Free;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The PostgreSQL {@link StockLedger}. Bulk calls run as one transaction, one statement per batch of
 * keys ({@link StockOpsSql}); reads run in one snapshot. Thread-safe: it holds no mutable state.
 */
public final class PostgresStockLedger implements StockLedger {
  /**
   * Keys per statement of a bulk call: large enough to amortize the round trip, small enough to
   * keep each statement's arrays and plan cheap.
   */
  static final int BATCH_SIZE = 1000;

  /** The earliest and latest instants a history range may name (PostgreSQL's years 1 to 9999). */
  private static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

  private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final String CURSOR_PREFIX = "log:";

  /**
   * An audit of given keys reads their entries through the log's key index, one descent per key and
   * era, while that costs less than one pass over the whole log: up to one descent per this many
   * log entries, about 16,000 keys on a large log; past that, it reads the log once. Measured at 10
   * M entries (39 eras), cached: 10,000 keys took 3.1 s through the index, 5.8 s in one pass, so a
   * descent costs about what reading 14 rows in order does; 16 leans to the index, whose reads stay
   * off the rest of the log. The log's size is taken as its last id (gaps in the sequence, from
   * rolled-back writes, only overstate it).
   */
  private static final long ROWS_PER_DESCENT = 16;

  private final Db db;
  private final Db auditDb;
  private final Clock clock;
  private final HandleOps ops;
  private final String receiveBatch;
  private final String setBatch;
  private final String history;
  private final String heldOnKey;

  /** For the one statement rendered per call: the audit of keys through the index. */
  private final StockOpsSql sql;

  private final String auditKeysInOnePass;
  private final String lastLogId;
  private final String auditAll;
  private final String overdueHoldsOnKeys;
  private final String overdueHolds;

  public PostgresStockLedger(
      Jdbi jdbi, String schema, Clock clock, PostgresInventory.Tuning tuning) {
    this.db = new Db(jdbi, tuning.attempts(), tuning.lockTimeout(), tuning.statementTimeout());
    // The audit sets its own isolation first thing, and reads the whole log when asked to:
    // no timeouts of the builder here (see audit).
    this.auditDb = new Db(jdbi, tuning.attempts(), Duration.ZERO, Duration.ZERO);
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    this.ops = new HandleOps(schema);
    this.sql = new StockOpsSql(schema);
    this.receiveBatch = sql.receiveBatch();
    this.setBatch = sql.setBatch();
    this.history = sql.history();
    this.heldOnKey = sql.heldOnKey();
    this.auditKeysInOnePass = sql.auditKeysInOnePass();
    this.lastLogId = sql.lastLogId();
    this.auditAll = sql.auditAll();
    this.overdueHoldsOnKeys = sql.overdueHoldsOnKeys();
    this.overdueHolds = sql.overdueHolds();
  }

  // ---------------------------------------------------------------- bulk stock

  @Override
  public BulkResult receiveAll(List<BulkEntry> entries, String reason) {
    List<BulkEntry> sorted = validated(entries, true);
    Checks.reason(reason);
    if (sorted.isEmpty()) {
      return new BulkResult(BulkMode.ATOMIC, 0, 0, List.of());
    }
    Instant now = now();
    // Not idempotent (a repeat would receive twice): only failures that undid everything are
    // retried, never a lost connection around the commit.
    db.transaction(
        false,
        h -> {
          for (List<BulkEntry> batch : batches(sorted)) {
            int logged =
                h.createUpdate(receiveBatch)
                    .bindArray("skus", String.class, skus(batch))
                    .bindArray("locations", String.class, locations(batch))
                    .bindArray("quantities", Long.class, quantities(batch))
                    .bind("now", timestamp(now))
                    .bind("reason", reason)
                    .execute();
            if (logged != batch.size()) {
              throw new IllegalStateException(
                  "bulk receive logged " + logged + " of " + batch.size() + " keys");
            }
          }
          return null;
        });
    return new BulkResult(BulkMode.ATOMIC, sorted.size(), sorted.size(), List.of());
  }

  @Override
  public BulkResult setOnHandAll(List<BulkEntry> entries, String reason, BulkMode mode) {
    List<BulkEntry> sorted = validated(entries, false);
    Checks.reason(reason);
    Objects.requireNonNull(mode, "mode must not be null");
    if (sorted.isEmpty()) {
      return new BulkResult(mode, 0, 0, List.of());
    }
    Instant now = now();
    try {
      List<Refusal> refused =
          db.transaction(
              false,
              h -> {
                List<Refusal> refusals = setAll(h, sorted, reason, now);
                if (mode == BulkMode.ATOMIC && !refusals.isEmpty()) {
                  throw new Refused(refusals); // rolls the whole call back
                }
                return refusals;
              });
      return new BulkResult(mode, sorted.size(), sorted.size() - refused.size(), refused);
    } catch (Refused r) {
      return new BulkResult(mode, sorted.size(), 0, r.refusals);
    }
  }

  /**
   * Sets every entry in one transaction: each batch in one statement; then the keys it did not
   * write once more (they are locked by now, so what refuses them is final); then, for keys that
   * only due holds stand in the way of, those holds are expired and the keys tried a last time.
   * Returns the keys still refused, with their numbers read under their locks.
   */
  private List<Refusal> setAll(Handle h, List<BulkEntry> sorted, String reason, Instant now) {
    List<BulkEntry> unwritten = new ArrayList<>();
    for (List<BulkEntry> batch : batches(sorted)) {
      unwritten.addAll(setBatch(h, batch, reason, now));
    }
    if (unwritten.isEmpty()) {
      return List.of();
    }
    List<BulkEntry> refused = new ArrayList<>();
    for (List<BulkEntry> batch : batches(unwritten)) {
      refused.addAll(setBatch(h, batch, reason, now));
    }
    if (refused.isEmpty()) {
      return List.of();
    }
    Map<StockKey, Free> free = probe(h, refused, now);
    List<BulkEntry> blocked = new ArrayList<>();
    for (BulkEntry entry : refused) {
      Free f = free.get(entry.key());
      if (f.countBlockedOnlyByDueHolds(entry.quantity())) {
        blocked.add(entry);
      }
    }
    if (!blocked.isEmpty()) {
      // Expired holds never block a stock-take, as with setOnHand: free them, then try again.
      ops.expireDueOn(h, blocked.stream().map(BulkEntry::key).toList(), now);
      List<BulkEntry> stillRefused = new ArrayList<>();
      for (List<BulkEntry> batch : batches(blocked)) {
        stillRefused.addAll(setBatch(h, batch, reason, now));
      }
      Set<StockKey> unblocked = new TreeSet<>(blocked.stream().map(BulkEntry::key).toList());
      stillRefused.forEach(e -> unblocked.remove(e.key()));
      refused.removeIf(e -> unblocked.contains(e.key()));
      if (refused.isEmpty()) {
        return List.of();
      }
      free = probe(h, refused, now);
    }
    List<Refusal> refusals = new ArrayList<>(refused.size());
    for (BulkEntry entry : refused) {
      Free f = free.get(entry.key());
      if (f.reserved() <= entry.quantity()) {
        // Every refused key is locked by this transaction: nothing can have changed it since.
        throw new IllegalStateException(
            "bulk set did not write " + entry.key() + " although its figure fits: " + f);
      }
      refusals.add(
          new Refusal(
              entry.key(),
              Refusal.Reason.BELOW_RESERVED,
              entry.quantity(),
              f.onHand(),
              f.effectivelyReserved()));
    }
    return refusals;
  }

  /** One statement: sets a sorted batch; returns the entries it did not write. */
  private List<BulkEntry> setBatch(Handle h, List<BulkEntry> batch, String reason, Instant now) {
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
  }

  private Map<StockKey, Free> probe(Handle h, List<BulkEntry> entries, Instant now) {
    Map<StockKey, Free> free = new LinkedHashMap<>();
    for (List<BulkEntry> batch : batches(entries)) {
      free.putAll(ops.probe(h, null, batch.stream().map(BulkEntry::key).toList(), now).byKey());
    }
    return free;
  }

  /**
   * Checks every entry as the single call would, and that no key appears twice; returns the entries
   * in key order, the order in which rows are touched. Only a receive needs a quantity check: a
   * {@link BulkEntry} already holds 0 to {@link Checks#MAX_ON_HAND}, which is what a set accepts.
   */
  private static List<BulkEntry> validated(List<BulkEntry> entries, boolean receive) {
    Objects.requireNonNull(entries, "entries must not be null");
    if (entries.size() > MAX_BULK_ENTRIES) {
      throw new IllegalArgumentException(
          "entries must hold at most " + MAX_BULK_ENTRIES + " entries, but held " + entries.size());
    }
    List<BulkEntry> sorted = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      BulkEntry entry = entries.get(i);
      if (entry == null) {
        throw new NullPointerException("entries[" + i + "] must not be null");
      }
      if (receive) {
        Checks.quantity("entries[" + i + "] (" + entry.key() + "): quantity", entry.quantity());
      }
      sorted.add(entry);
    }
    sorted.sort(Comparator.comparing(BulkEntry::key));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).key().equals(sorted.get(i - 1).key())) {
        StockKey key = sorted.get(i).key();
        List<Integer> at = new ArrayList<>();
        for (int j = 0; j < entries.size() && at.size() < 2; j++) {
          if (entries.get(j).key().equals(key)) {
            at.add(j);
          }
        }
        throw new IllegalArgumentException(
            "entries must name each key once, but "
                + key
                + " is at entries["
                + at.get(0)
                + "] and entries["
                + at.get(1)
                + "]");
      }
    }
    return sorted;
  }

  private static List<List<BulkEntry>> batches(List<BulkEntry> entries) {
    List<List<BulkEntry>> batches = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += BATCH_SIZE) {
      batches.add(entries.subList(from, Math.min(entries.size(), from + BATCH_SIZE)));
    }
    return batches;
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

  /** Ends an atomic bulk call that refused keys: the transaction rolls back. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Refusal> refusals;

    Refused(List<Refusal> refusals) {
      super(null, null, false, false);
      this.refusals = refusals;
    }
  }

  // ---------------------------------------------------------------- history

  @Override
  public HistoryPage history(StockKey key, Instant from, Instant to, int pageSize, String cursor) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(from, "from must not be null");
    Objects.requireNonNull(to, "to must not be null");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "from must be before to, but was from=" + from + " to=" + to);
    }
    if (from.isBefore(MIN_INSTANT) || to.isAfter(MAX_INSTANT)) {
      throw new IllegalArgumentException(
          "from and to must lie in the years 1 to 9999, but were from=" + from + " to=" + to);
    }
    Checks.between("pageSize", pageSize, 1, MAX_PAGE_SIZE);
    long before = cursor == null ? Long.MAX_VALUE : decodeCursor(cursor);
    List<LogEntry> rows =
        db.read(
            h ->
                h.createQuery(history)
                    .bind("sku", key.sku())
                    .bind("location", key.location())
                    .bind("from", timestamp(from))
                    .bind("to", timestamp(to))
                    .bind("before", before)
                    // One more than the page: tells whether a next page exists without a query.
                    .bind("limit", pageSize + 1)
                    .map((rs, ctx) -> logEntry(rs))
                    .list());
    if (rows.size() <= pageSize) {
      return new HistoryPage(rows, null);
    }
    List<LogEntry> page = rows.subList(0, pageSize);
    return new HistoryPage(page, encodeCursor(page.get(pageSize - 1).id()));
  }

  private static String encodeCursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + id).getBytes(StandardCharsets.UTF_8));
  }

  private static long decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(CURSOR_PREFIX)) {
        long id = Long.parseLong(text.substring(CURSOR_PREFIX.length()));
        if (id > 0) {
          return id;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "cursor must be the nextCursor of a history page, but was '" + cursor + "'");
  }

  private static LogEntry logEntry(ResultSet rs) throws SQLException {
    return new LogEntry(
        rs.getLong("id"),
        instant(rs, "at"),
        new StockKey(rs.getString("sku"), rs.getString("location")),
        LogEntry.Kind.valueOf(rs.getString("kind")),
        rs.getLong("on_hand_delta"),
        rs.getLong("reserved_delta"),
        rs.getLong("on_hand_after"),
        rs.getLong("reserved_after"),
        rs.getString("reservation_id"),
        rs.getString("reason"));
  }

  // ---------------------------------------------------------------- held reservations

  @Override
  public List<Reservation> heldReservations(StockKey key, int limit) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.between("limit", limit, 1, MAX_PAGE_SIZE);
    Instant now = now();
    Map<String, HeldRows> byId = new LinkedHashMap<>();
    db.read(
            h ->
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
                                new Line(
                                    new StockKey(rs.getString("sku"), rs.getString("location")),
                                    rs.getLong("quantity"))))
                    .list())
        .forEach(
            row ->
                byId.computeIfAbsent(row.id(), id -> new HeldRows(row.createdAt(), row.expiresAt()))
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
                    rows.expiresAt())));
    return List.copyOf(held);
  }

  private record HeldRow(String id, Instant createdAt, Instant expiresAt, Line line) {}

  private record HeldRows(Instant createdAt, Instant expiresAt, List<Line> lines) {
    HeldRows(Instant createdAt, Instant expiresAt) {
      this(createdAt, expiresAt, new ArrayList<>());
    }
  }

  // ---------------------------------------------------------------- audit

  @Override
  public AuditReport audit(Collection<StockKey> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    if (keys.isEmpty() || keys.size() > MAX_BULK_ENTRIES) {
      throw new IllegalArgumentException(
          "keys must hold 1 to " + MAX_BULK_ENTRIES + " keys, but held " + keys.size());
    }
    TreeSet<StockKey> unique = new TreeSet<>();
    for (StockKey key : keys) {
      unique.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    List<StockKey> sorted = new ArrayList<>(unique);
    List<String> skus = sorted.stream().map(StockKey::sku).toList();
    List<String> locations = sorted.stream().map(StockKey::location).toList();
    return audit(
        h -> {
          long lastId = h.createQuery(lastLogId).mapTo(Long.class).one();
          Query query =
              h.createQuery(
                  auditThroughIndex(sorted.size(), lastId)
                      ? sql.auditKeysThroughIndex(lastId / StockOpsSql.LOG_ERA)
                      : auditKeysInOnePass);
          return query
              .bindArray("skus", String.class, skus)
              .bindArray("locations", String.class, locations);
        },
        h ->
            h.createQuery(overdueHoldsOnKeys)
                .bindArray("skus", String.class, skus)
                .bindArray("locations", String.class, locations));
  }

  /** Whether an audit of {@code keys} keys reads the log through its key index (see there). */
  static boolean auditThroughIndex(int keys, long lastLogId) {
    long descents = keys * (lastLogId / StockOpsSql.LOG_ERA + 1);
    return descents <= lastLogId / ROWS_PER_DESCENT;
  }

  @Override
  public AuditReport auditAll() {
    return audit(h -> h.createQuery(auditAll), h -> h.createQuery(overdueHolds));
  }

  private AuditReport audit(Function<Handle, Query> books, Function<Handle, Query> holds) {
    Instant now = now();
    return auditDb.transaction(
        true,
        h -> {
          // One snapshot for every statement: the books are compared as of one instant, however
          // busy the store is meanwhile. Read only: the audit cannot change what it audits.
          h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          // A back-office read of the whole log may take longer than a checkout's statement
          // timeout (set on the pool or the builder).
          Db.liftStatementTimeout(h);
          long[] totals = new long[2];
          List<Discrepancy> discrepancies = new ArrayList<>();
          books
              .apply(h)
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

          List<OverdueRow> rows =
              holds
                  .apply(h)
                  .bind("now", timestamp(now))
                  .bind("limit", AuditReport.MAX_LISTED_OVERDUE_HOLDS)
                  .map(
                      (rs, ctx) ->
                          new OverdueRow(
                              rs.getString("id"),
                              instant(rs, "expires_at"),
                              rs.getLong("total"),
                              new Line(
                                  new StockKey(rs.getString("sku"), rs.getString("location")),
                                  rs.getLong("quantity"))))
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
          long overdueCount = rows.isEmpty() ? 0 : rows.get(0).total();
          return new AuditReport(
              now, (int) totals[0], totals[1], discrepancies, overdue, overdueCount);
        });
  }

  private record OverdueRow(String id, Instant expiresAt, long total, Line line) {}

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
        new StockKey(rs.getString("sku"), rs.getString("location")),
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

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
