package dev.inventory.jdbc.internal;

import dev.inventory.AuditReport;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.BulkResult.Refusal;
import dev.inventory.HistoryPage;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The PostgreSQL {@link StockLedger}: checks the arguments, takes now, and hands each call to its
 * procedure ({@link BulkStock}, {@link LogHistory}, {@link Audit}). Thread-safe: it holds no
 * mutable state.
 */
public final class PostgresStockLedger implements StockLedger {
  private final Db db;
  private final Db auditDb;
  private final Clock clock;
  private final BulkStock bulk;
  private final LogHistory history;
  private final Audit audit;
  private final LedgerSql ledger;
  private final Events events;

  public PostgresStockLedger(DataSource dataSource, Settings settings, Events events) {
    this.events = events;
    this.db =
        new Db(
            dataSource,
            settings.attempts(),
            settings.lockTimeout(),
            settings.statementTimeout(),
            events);
    // The audit sets its own isolation first thing, and reads the whole log when asked to:
    // no timeouts of the builder here.
    this.auditDb = new Db(dataSource, settings.attempts(), Duration.ZERO, Duration.ZERO, events);
    this.clock = settings.clock();
    SqlText text = new SqlText(settings.schema());
    StockSql stock = new StockSql(text);
    this.ledger = new LedgerSql(text);
    this.bulk = new BulkStock(ledger, stock, new Expiry(new ExpirySql(text)));
    this.history = new LogHistory(ledger);
    this.audit = new Audit(new AuditSql(text));
  }

  // ---------------------------------------------------------------- bulk stock

  @Override
  public BulkResult receiveAll(List<BulkEntry> entries, String reason) {
    List<BulkEntry> sorted = validated(entries, true);
    Checks.reason(reason);
    if (sorted.isEmpty()) {
      return new BulkResult(BulkMode.ATOMIC, 0, 0, List.of());
    }
    long started = events.start();
    try {
      // Not idempotent (a repeat would receive twice): only failures that undid everything are
      // retried, never a lost connection around the commit.
      db.transaction(Repeat.UNSAFE, bulk.receiveAll(sorted, reason, PgValues.now(clock)));
      BulkResult result = new BulkResult(BulkMode.ATOMIC, sorted.size(), sorted.size(), List.of());
      events.bulk(Operation.RECEIVE_ALL, result, started, true);
      return result;
    } catch (RuntimeException e) {
      RuntimeException thrown = bulk.guardRefused(db, sorted, PgValues.now(clock), e);
      events.failed(Operation.RECEIVE_ALL, thrown, started);
      throw thrown;
    }
  }

  @Override
  public BulkResult setOnHandAll(List<BulkEntry> entries, String reason, BulkMode mode) {
    List<BulkEntry> sorted = validated(entries, false);
    Checks.reason(reason);
    Objects.requireNonNull(mode, "mode must not be null");
    if (sorted.isEmpty()) {
      return new BulkResult(mode, 0, 0, List.of());
    }
    long started = events.start();
    try {
      List<Refusal> refused =
          db.transaction(
              Repeat.UNSAFE,
              bulk.setAll(sorted, reason, PgValues.now(clock)),
              BulkStock.keeps(mode));
      BulkResult result = BulkStock.result(mode, sorted.size(), refused);
      events.bulk(Operation.SET_ON_HAND_ALL, result, started, result.applied() > 0);
      return result;
    } catch (RuntimeException e) {
      RuntimeException thrown = bulk.guardRefused(db, sorted, PgValues.now(clock), e);
      events.failed(Operation.SET_ON_HAND_ALL, thrown, started);
      throw thrown;
    }
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
    if (from.isBefore(PgValues.MIN_INSTANT) || to.isAfter(PgValues.MAX_INSTANT)) {
      throw new IllegalArgumentException(
          "from and to must lie in the years 1 to 9999, but were from=" + from + " to=" + to);
    }
    Checks.between("pageSize", pageSize, 1, MAX_PAGE_SIZE);
    return history.page(db, key, from, to, pageSize, cursor);
  }

  // ---------------------------------------------------------------- held reservations

  @Override
  public List<Reservation> heldReservations(StockKey key, int limit) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.between("limit", limit, 1, MAX_PAGE_SIZE);
    Instant now = PgValues.now(clock);
    return db.read(ledger.heldOnKey(key, limit, now));
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
    return auditDb.transaction(
        Repeat.SAFE, audit.ofKeys(new ArrayList<>(unique), PgValues.now(clock)));
  }

  @Override
  public AuditReport auditAll() {
    return auditDb.transaction(Repeat.SAFE, audit.ofAll(PgValues.now(clock)));
  }
}
