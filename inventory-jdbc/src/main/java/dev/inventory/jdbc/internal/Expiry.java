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
 * Expiries of due holds, each a unit of work for one transaction: mark the holds expired ({@link
 * ExpirySql}) and give their units back, one stock change and log row per line, in key order (then
 * reservation id order), so that concurrent expiries and carts lock stock rows in the same order.
 * Run by the sweeper's {@code expireDue}, by {@link LazyExpiry}, by a move that met a due hold and
 * inside the bulk set. Thread-safe: it holds only statements.
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

  /** Expires up to {@code limit} due holds, earliest first; how many. */
  Session.Work<Integer> expireDue(int limit, Instant now) {
    return h -> giveBack(h, expirySql.claimDue(limit, now).run(h), now);
  }

  /** Expires the due holds that have a line on one of these keys; how many. */
  Session.Work<Integer> expireDueOn(Collection<StockKey> keys, Instant now) {
    List<StockKey> sorted = new ArrayList<>(new TreeSet<>(keys));
    return h -> giveBack(h, expirySql.claimDueOnKeys(sorted, now).run(h), now);
  }

  /** Expires one hold if it is due; how many it expired (0 or 1). */
  Session.Work<Integer> expireOne(String reservationId, Instant now) {
    return h -> giveBack(h, expirySql.claimIfDue(reservationId, now).run(h), now);
  }

  /** Gives back the stock of holds just marked expired, in key order; returns how many holds. */
  private int giveBack(Handle h, List<String> claimed, Instant now) {
    if (claimed.isEmpty()) {
      return 0;
    }
    List<StockSql.Change> changes =
        reservations.linesOf(claimed).run(h).stream()
            .sorted(
                Comparator.comparing(ClaimedLine::key).thenComparing(ClaimedLine::reservationId))
            .map(
                line ->
                    new StockSql.Change(
                        line.key(), 0, -line.quantity(), 0, "EXPIRE", line.reservationId(), now))
            .toList();
    stock.giveBackAll(changes, "expired holds").run(h);
    return claimed.size();
  }
}
