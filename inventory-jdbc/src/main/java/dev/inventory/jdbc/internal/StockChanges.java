package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.internal.LazyExpiry.Need;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Receive, adjust and count the stock of one key, and the levels. A decrease is conditional on the
 * unreserved units (a refusal goes to {@link LazyExpiry}); a count is a compare-and-set, tried
 * again when on-hand changed under it. Each change returns the level after it, read as {@link
 * #levels} reads it (due holds count as available): a read of its own, since the write's statement
 * cannot tell which due holds a concurrent expiry gave back while it waited for the row lock.
 *
 * <p>Known-keys mode: a receipt or a count that the guard's foreign keys refused (a key the catalog
 * does not know or has deactivated) reads which part of the key is unknown and says so; a refused
 * decrease goes to {@link LazyExpiry}, which applies the mode's rule first. Thread-safe: it holds
 * only statements.
 */
final class StockChanges {
  /** Compare-and-set attempts of one count that keep finding on-hand changed under them. */
  private static final int COUNT_RACES = 50;

  private final StockSql stock;
  private final LazyExpiry lazyExpiry;

  StockChanges(StockSql stock, LazyExpiry lazyExpiry) {
    this.stock = stock;
    this.lazyExpiry = lazyExpiry;
  }

  /** Adds to on-hand (a receipt, or an upward adjustment), creating the key if need be. */
  StockLevel add(
      Session session, StockKey key, long delta, String kind, String reason, Instant now) {
    try {
      // Not idempotent (a repeat would add twice): never re-sent after an unknown outcome.
      session.statement(Repeat.UNSAFE, stock.addOnHand(key, delta, kind, reason, now));
    } catch (RuntimeException e) {
      throw guardRefused(session, key, now, e);
    }
    return level(session, key, now);
  }

  /** Takes {@code decrease} units off on-hand, if that many are unreserved. */
  StockLevel decrease(Session session, StockKey key, long decrease, String reason, Clock clock) {
    LazyExpiry.Round round = lazyExpiry.begin(session);
    while (true) {
      Instant now = PgValues.now(clock);
      StockSql.Change change =
          new StockSql.Change(key, -decrease, 0, decrease, "ADJUST", null, now);
      Optional<StockLevel> level =
          session.statement(Repeat.UNSAFE, stock.changeReturningLevel(change, reason));
      if (level.isPresent()) {
        return level(session, key, now);
      }
      Probe probe = session.read(stock.probe(null, List.of(key), now));
      round.refused(List.of(new Need(key, decrease, 0)), probe.byKey(), now);
    }
  }

  /**
   * Sets on-hand to a counted figure. A count below what is reserved is a decrease the reserved
   * units stand in the way of: {@link LazyExpiry} judges it, with the decrease as what is asked.
   */
  StockLevel setOnHand(Session session, StockKey key, long onHand, String reason, Clock clock) {
    LazyExpiry.Round round = lazyExpiry.begin(session);
    while (true) {
      Instant now = PgValues.now(clock);
      Probe refused = null;
      for (int race = 1; race <= COUNT_RACES && refused == null; race++) {
        Optional<StockLevel> level;
        try {
          level = session.statement(Repeat.UNSAFE, stock.setOnHand(key, onHand, reason, now));
        } catch (RuntimeException e) {
          throw guardRefused(session, key, now, e);
        }
        if (level.isPresent()) {
          return level(session, key, now);
        }
        Probe probe = session.read(stock.probe(null, List.of(key), now));
        if (probe.free(key).reserved() > onHand) {
          refused = probe; // held units stand in the way; else on-hand changed: count again
        }
      }
      if (refused == null) {
        throw new InventoryException(
            "setOnHand of " + key + " lost " + COUNT_RACES + " races in a row; try again");
      }
      Free free = refused.free(key);
      round.refused(List.of(new Need(key, free.onHand() - onHand, 0)), refused.byKey(), now);
    }
  }

  /**
   * What to throw for a failed receipt or count: if known-keys mode's guard refused it, the key
   * named as unknown (read now: the refused statement cannot say which part); else the failure.
   */
  private RuntimeException guardRefused(
      Session session, StockKey key, Instant now, RuntimeException failure) {
    if (!SqlErrors.isUnknownKey(failure)) {
      return failure;
    }
    Probe probe = session.read(stock.probe(null, List.of(key), now));
    return KnownKeys.guardRefused(List.of(key), probe.byKey());
  }

  private StockLevel level(Session session, StockKey key, Instant now) {
    return session.read(stock.levels(List.of(key), now)).get(key);
  }

  /** The levels of these keys now; every key asked for is in the map, in key order. */
  Map<StockKey, StockLevel> levels(Session session, Collection<StockKey> keys, Instant now) {
    List<StockKey> sorted = sortedKeys(keys);
    if (sorted.isEmpty()) {
      return Map.of();
    }
    return session.read(stock.levels(sorted, now));
  }

  /** The keys of a levels() call, null-checked and sorted. */
  static List<StockKey> sortedKeys(Collection<StockKey> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    List<StockKey> sorted = new ArrayList<>(keys.size());
    for (StockKey key : keys) {
      sorted.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    Collections.sort(sorted);
    return sorted;
  }
}
