package dev.inventory.jdbc.internal;

import dev.inventory.StockKey;
import dev.inventory.jdbc.internal.ReservationSql.ClaimedLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * Expires due holds inside a transaction someone else runs: marks them expired ({@link ExpirySql})
 * and gives their units back, one stock change and log row per line, in key order (then reservation
 * id order), so that concurrent expiries and carts lock stock rows in the same order. Used by the
 * sweeper's {@code expireDue}, by {@link LazyExpiry}, and by a move that met a due hold.
 * Thread-safe: it holds only statements.
 */
final class Expiry {
  private final ExpirySql expirySql;
  private final ReservationSql reservations;
  private final StockSql stock;

  Expiry(ExpirySql expirySql, ReservationSql reservations, StockSql stock) {
    this.expirySql = expirySql;
    this.reservations = reservations;
    this.stock = stock;
  }

  /** Expires up to {@code limit} due holds, earliest first; returns how many. */
  int expireDue(Handle h, int limit, Instant now) {
    return giveBack(h, expirySql.claimDue(h, limit, now), now);
  }

  /** Expires the due holds that have a line on one of these keys; returns how many. */
  int expireDueOn(Handle h, Collection<StockKey> keys, Instant now) {
    List<StockKey> sorted = new ArrayList<>(new TreeSet<>(keys));
    return giveBack(h, expirySql.claimDueOnKeys(h, sorted, now), now);
  }

  /** Expires one hold if it is due; returns how many it expired (0 or 1). */
  int expireOne(Handle h, String reservationId, Instant now) {
    return giveBack(h, expirySql.claimIfDue(h, reservationId, now), now);
  }

  /** Gives back the stock of holds just marked expired, in key order; returns how many holds. */
  private int giveBack(Handle h, List<String> claimed, Instant now) {
    if (claimed.isEmpty()) {
      return 0;
    }
    List<StockSql.Change> changes =
        reservations.linesOf(h, claimed).stream()
            .sorted(
                Comparator.comparing(ClaimedLine::key).thenComparing(ClaimedLine::reservationId))
            .map(
                line ->
                    new StockSql.Change(
                        line.key(), 0, -line.quantity(), 0, "EXPIRE", line.reservationId(), now))
            .toList();
    requireAllGivenBack(stock.changeAll(h, changes), "expired holds");
    return claimed.size();
  }

  /**
   * Giving back held units cannot be short while the CHECK constraint holds: a change that matched
   * no row means the stock row is missing.
   */
  static void requireAllGivenBack(List<StockKey> unapplied, String what) {
    if (!unapplied.isEmpty()) {
      throw new IllegalStateException("stock row missing while giving back units of " + what);
    }
  }
}
