package dev.inventory.jdbc.internal;

import dev.inventory.StockKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Expiries of due holds, each a unit of work for one transaction: mark the holds expired, then give
 * their units back, each stock row once in key order, a log row per line ({@link ExpirySql}). Run
 * by the sweeper's {@code expireDue}, by {@link LazyExpiry}, by a move that met a due hold and
 * inside the bulk set. Thread-safe: it holds only statements.
 */
final class Expiry {
  private final ExpirySql expirySql;

  Expiry(ExpirySql expirySql) {
    this.expirySql = expirySql;
  }

  /** Expires up to {@code limit} due holds, earliest first; how many. */
  Session.Work<Integer> expireDue(int limit, Instant now) {
    return h -> giveBack(h, expirySql.claimDue(limit, now).run(h), now);
  }

  /** Expires the due holds that have a line on one of these keys; how many. */
  Session.Work<Integer> expireDueOn(Collection<StockKey> keys, Instant now) {
    List<StockKey> sorted = new ArrayList<>(new TreeSet<>(keys));
    return h -> giveBack(h, expirySql.claimDueOnKeys(sorted, now).run(h), now);
  }

  /**
   * Expires the due holds of one buyer counted on one of these SKUs (those that keep it at a
   * limit); how many.
   */
  Session.Work<Integer> expireDueOfBuyer(String buyer, Collection<String> skus, Instant now) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(skus));
    return h -> giveBack(h, expirySql.claimDueOfBuyer(buyer, sorted, now).run(h), now);
  }

  /** Expires one hold if it is due; how many it expired (0 or 1). */
  Session.Work<Integer> expireOne(String reservationId, Instant now) {
    return h -> giveBack(h, expirySql.claimIfDue(reservationId, now).run(h), now);
  }

  private int giveBack(Tx h, List<String> claimed, Instant now) {
    return expirySql.giveBack(claimed, now).run(h);
  }
}
