package dev.inventory.jdbc.internal;

import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.BulkResult.Refusal;
import dev.inventory.StockKey;
import dev.inventory.jdbc.internal.LazyExpiry.Need;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Stock loaded in bulk: receipts and counts of many keys, one transaction per call, one statement
 * per batch of {@link #BATCH_SIZE} keys. Entries come validated and sorted by key (the order in
 * which rows are locked). A call the guard of known-keys mode refused names every key of it the
 * catalog does not know ({@link #guardRefused}). Thread-safe: it holds only statements.
 */
final class BulkStock {
  /**
   * Keys per statement of a bulk call: large enough to amortize the round trip, small enough to
   * keep each statement's arrays and plan cheap.
   */
  static final int BATCH_SIZE = 1000;

  private final LedgerSql ledger;
  private final StockSql stock;
  private final Expiry expiry;

  BulkStock(LedgerSql ledger, StockSql stock, Expiry expiry) {
    this.ledger = ledger;
    this.stock = stock;
    this.expiry = expiry;
  }

  /** Receives every entry: a transaction's work, all entries or none. */
  Session.Work<Void> receiveAll(List<BulkEntry> sorted, String reason, Instant now) {
    return h -> {
      for (List<BulkEntry> batch : batches(sorted)) {
        int logged = ledger.receiveBatch(batch, reason, now).run(h);
        if (logged != batch.size()) {
          throw new IllegalStateException(
              "bulk receive logged " + logged + " of " + batch.size() + " keys");
        }
      }
      return null;
    };
  }

  /**
   * When the work of {@link #setAll} commits: in {@link BulkMode#ATOMIC} mode only if no key was
   * refused (one refused key refuses the call), in {@link BulkMode#PARTIAL} mode always.
   */
  static Predicate<List<Refusal>> keeps(BulkMode mode) {
    return refusals -> mode == BulkMode.PARTIAL || refusals.isEmpty();
  }

  /** The result of a bulk set of {@code entries} keys that refused these. */
  static BulkResult result(BulkMode mode, int entries, List<Refusal> refused) {
    int applied = keeps(mode).test(refused) ? entries - refused.size() : 0;
    return new BulkResult(mode, entries, applied, refused);
  }

  /** Sets every entry: a transaction's work; see {@link #setAll(Handle, List, String, Instant)}. */
  Session.Work<List<Refusal>> setAll(List<BulkEntry> sorted, String reason, Instant now) {
    return h -> setAll(h, sorted, reason, now);
  }

  /**
   * Sets every entry in one transaction: each batch in one statement; then the keys it did not
   * write once more (they are locked by now, so what refuses them is final); then the rule of
   * {@link LazyExpiry}: for keys that only due holds stand in the way of, those holds are expired
   * and the keys tried a last time. A last time, because every refused key is locked by this
   * transaction and {@code now} does not move: nothing can block it again. Returns the keys still
   * refused, with their numbers read under their locks.
   */
  private List<Refusal> setAll(Tx h, List<BulkEntry> sorted, String reason, Instant now) {
    List<BulkEntry> unwritten = setBatches(h, sorted, reason, now);
    if (unwritten.isEmpty()) {
      return List.of();
    }
    List<BulkEntry> refused = setBatches(h, unwritten, reason, now);
    if (refused.isEmpty()) {
      return List.of();
    }
    Map<StockKey, Free> free = probe(h, refused, now);
    Set<StockKey> blocked = new TreeSet<>(LazyExpiry.judge(needs(refused, free), free).blocked());
    if (!blocked.isEmpty()) {
      // Expired holds never block a stock-take, as with setOnHand: free them, then try again.
      expiry.expireDueOn(blocked, now).run(h);
      List<BulkEntry> retried = refused.stream().filter(e -> blocked.contains(e.key())).toList();
      Set<StockKey> unblocked = new TreeSet<>(blocked);
      setBatches(h, retried, reason, now).forEach(e -> unblocked.remove(e.key()));
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

  /** A count as the rule sees it: a decrease from on-hand as read, to the figure. */
  private static List<Need> needs(List<BulkEntry> entries, Map<StockKey, Free> free) {
    return entries.stream()
        .map(e -> new Need(e.key(), free.get(e.key()).onHand() - e.quantity(), 0))
        .toList();
  }

  /** Sets the entries, batch by batch; returns the entries not written. */
  private List<BulkEntry> setBatches(Tx h, List<BulkEntry> entries, String reason, Instant now) {
    List<BulkEntry> unwritten = new ArrayList<>();
    for (List<BulkEntry> batch : batches(entries)) {
      unwritten.addAll(ledger.setBatch(batch, reason, now).run(h));
    }
    return unwritten;
  }

  private Map<StockKey, Free> probe(Tx h, List<BulkEntry> entries, Instant now) {
    Map<StockKey, Free> free = new LinkedHashMap<>();
    for (List<BulkEntry> batch : batches(entries)) {
      free.putAll(
          stock.probe(null, batch.stream().map(BulkEntry::key).toList(), now).run(h).byKey());
    }
    return free;
  }

  /**
   * What to throw for a failed bulk call: if known-keys mode's guard refused a key (the whole call
   * was undone), {@link dev.inventory.UnknownKeysException} naming every key of the call the
   * catalog does not know, read now; else the failure.
   */
  RuntimeException guardRefused(
      Session session, List<BulkEntry> sorted, Instant now, RuntimeException failure) {
    if (!SqlErrors.isUnknownKey(failure)) {
      return failure;
    }
    Map<StockKey, Free> free = new LinkedHashMap<>();
    for (List<BulkEntry> batch : batches(sorted)) {
      List<StockKey> keys = batch.stream().map(BulkEntry::key).toList();
      free.putAll(session.read(stock.probe(null, keys, now)).byKey());
    }
    return KnownKeys.guardRefused(free.keySet(), free);
  }

  private static List<List<BulkEntry>> batches(List<BulkEntry> entries) {
    List<List<BulkEntry>> batches = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += BATCH_SIZE) {
      batches.add(entries.subList(from, Math.min(entries.size(), from + BATCH_SIZE)));
    }
    return batches;
  }
}
