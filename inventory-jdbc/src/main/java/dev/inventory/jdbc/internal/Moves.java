package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.internal.Lifecycle;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.LazyExpiry.Need;
import dev.inventory.jdbc.internal.ReservationSql.Times;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * The moves of a held reservation — confirm, release, extend, amend — and the verdict when a
 * conditional move matched nothing: the lifecycle table (in {@code inventory-core}) decides between
 * "already done" and which exception, and a hold found due is expired first, so its stock is free
 * even if no sweeper runs. Thread-safe: it holds only statements.
 */
final class Moves {
  private final ReservationSql reservations;
  private final StockSql stock;
  private final Expiry expiry;
  private final LazyExpiry lazyExpiry;

  Moves(ReservationSql reservations, StockSql stock, Expiry expiry, LazyExpiry lazyExpiry) {
    this.reservations = reservations;
    this.stock = stock;
    this.expiry = expiry;
    this.lazyExpiry = lazyExpiry;
  }

  /**
   * Confirms (sold: off on-hand and reserved) or releases (freed: off reserved) a held reservation
   * that is not due. A one-line reservation moves in one statement; any other in a transaction: the
   * move, then its lines in key order.
   */
  Reservation move(Session session, String reservationId, Action action, Instant now) {
    Optional<Reservation> moved =
        session.statement(
            Repeat.SAFE, h -> reservations.moveOneLine(h, reservationId, action, now));
    if (moved.isEmpty()) {
      moved = session.transaction(Repeat.SAFE, h -> moveHeld(h, reservationId, action, now));
    }
    return moved.isPresent() ? moved.get() : afterNoMatch(session, reservationId, action, now);
  }

  private Optional<Reservation> moveHeld(
      Handle h, String reservationId, Action action, Instant now) {
    Optional<Times> times = reservations.moveHeld(h, reservationId, action, now);
    if (times.isEmpty()) {
      return Optional.empty();
    }
    List<Line> lines = reservations.linesOf(h, reservationId);
    List<StockSql.Change> changes =
        lines.stream()
            .map(
                line -> {
                  long q = line.quantity();
                  long onHandDelta = action == Action.CONFIRM ? -q : 0;
                  return new StockSql.Change(
                      line.key(), onHandDelta, -q, 0, action.name(), reservationId, now);
                })
            .toList();
    Expiry.requireAllGivenBack(stock.changeAll(h, changes), reservationId);
    return Optional.of(
        new Reservation(
            reservationId,
            action.target(),
            lines,
            times.get().createdAt(),
            times.get().expiresAt()));
  }

  /** Sets a held reservation's expiry to {@code expiresAt}. */
  Reservation extend(Session session, String reservationId, Instant now, Instant expiresAt) {
    Optional<Reservation> extended =
        session.transaction(
            Repeat.SAFE,
            h ->
                reservations
                    .extendHeld(h, reservationId, now, expiresAt)
                    .map(
                        times ->
                            new Reservation(
                                reservationId,
                                Status.HELD,
                                reservations.linesOf(h, reservationId),
                                times.createdAt(),
                                times.expiresAt())));
    return extended.isPresent()
        ? extended.get()
        : afterNoMatch(session, reservationId, Action.EXTEND, now);
  }

  /**
   * Changes a held reservation to exactly these (merged) lines, all or nothing, in one transaction:
   * lock the reservation, change each key that differs in key order (growth conditional on free
   * units), replace the lines. Growth that does not fit goes to {@link LazyExpiry}, with what the
   * cart already held on each key counting as free to it.
   */
  Reservation amend(Session session, String reservationId, List<Line> wanted, Clock clock) {
    LazyExpiry.Round round = lazyExpiry.begin(session);
    while (true) {
      Instant now = PgValues.now(clock);
      Optional<Times> times;
      try {
        times = session.transaction(Repeat.SAFE, h -> amendHeld(h, reservationId, wanted, now));
      } catch (AmendShort s) {
        List<StockKey> keys = s.growing().stream().map(Line::key).toList();
        Probe probe = session.read(h -> stock.probe(h, reservationId, keys, now));
        List<Need> needs =
            s.growing().stream()
                .map(
                    line ->
                        new Need(
                            line.key(), line.quantity(), s.held().getOrDefault(line.key(), 0L)))
                .toList();
        round.refused(needs, probe.byKey(), now);
        continue;
      }
      if (times.isEmpty()) {
        return afterNoMatch(session, reservationId, Action.AMEND, now);
      }
      return new Reservation(
          reservationId, Status.HELD, wanted, times.get().createdAt(), times.get().expiresAt());
    }
  }

  private Optional<Times> amendHeld(
      Handle h, String reservationId, List<Line> wanted, Instant now) {
    Optional<Times> times = reservations.touchHeld(h, reservationId, now);
    if (times.isEmpty()) {
      return times;
    }
    Map<StockKey, Long> before = Lines.byKey(reservations.linesOf(h, reservationId));
    Map<StockKey, Long> after = Lines.byKey(wanted);
    Set<StockKey> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<StockSql.Change> changes = new ArrayList<>();
    for (StockKey key : keys) {
      long delta = after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
      if (delta != 0) {
        changes.add(
            new StockSql.Change(key, 0, delta, Math.max(delta, 0), "AMEND", reservationId, now));
      }
    }
    if (!changes.isEmpty()) {
      List<StockKey> shortKeys = stock.changeAll(h, changes);
      if (!shortKeys.isEmpty()) {
        throw new AmendShort(
            shortKeys.stream().map(key -> new Line(key, after.get(key))).toList(), before);
      }
      reservations.replaceLines(h, reservationId, wanted);
    }
    return times;
  }

  /** Growth of an amend did not fit; rolls the amend back, carrying what the cart held before. */
  private static final class AmendShort extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Line> growing;
    private final transient Map<StockKey, Long> held;

    AmendShort(List<Line> growing, Map<StockKey, Long> held) {
      super(null, null, false, false);
      this.growing = growing;
      this.held = held;
    }

    List<Line> growing() {
      return growing;
    }

    Map<StockKey, Long> held() {
      return held;
    }
  }

  /** The reservation with this id as it is at {@code now}; a due hold shows as expired. */
  Optional<Reservation> find(Session session, String reservationId, Instant now) {
    return session.read(h -> reservations.find(h, reservationId)).map(stored -> stored.asOf(now));
  }

  /**
   * After a move of a reservation matched nothing: "already done" (returned) or which exception. A
   * hold found due is expired first, so its stock is free even if no sweeper runs.
   */
  private Reservation afterNoMatch(
      Session session, String reservationId, Action action, Instant now) {
    Stored stored =
        session
            .read(h -> reservations.find(h, reservationId))
            .orElseThrow(() -> new ReservationNotFoundException(reservationId));
    if (stored.isDueAt(now)) {
      session.transaction(Repeat.SAFE, h -> expiry.expireOne(h, reservationId, now));
      throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
    }
    Status current = stored.status();
    switch (Lifecycle.decide(current, action)) {
      case ALREADY_DONE:
        return stored.asOf(now);
      case REFUSE:
        if (current == Status.EXPIRED) {
          throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
        }
        throw new ReservationStateException(reservationId, current, action.verb());
      default:
        // Held and not due, yet the conditional move matched nothing: the clock went backwards
        // between the two reads. Refuse rather than guess.
        throw new InventoryException(
            "reservation '" + reservationId + "' changed while being " + action.verb() + "ed");
    }
  }
}
