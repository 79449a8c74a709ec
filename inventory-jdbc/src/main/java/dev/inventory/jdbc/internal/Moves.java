package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationPage;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.internal.Lifecycle;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.ReservationCursors;
import dev.inventory.jdbc.internal.LazyExpiry.CapNeed;
import dev.inventory.jdbc.internal.LazyExpiry.Need;
import dev.inventory.jdbc.internal.ReservationSql.Amendment;
import dev.inventory.jdbc.internal.ReservationSql.Times;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The moves of a held reservation — confirm, release, extend, amend — and the verdict when a
 * conditional move matched nothing: the lifecycle table (in {@code inventory-core}) decides between
 * "already done" and which exception, and a hold found due is expired first, so its stock is free
 * even if no sweeper runs. Thread-safe: it holds only statements.
 */
final class Moves {
  private final ReservationSql reservations;
  private final StockSql stock;
  private final BuyerSql buyers;
  private final Expiry expiry;
  private final LazyExpiry lazyExpiry;

  /** How often a move is tried while it finds the reservation held, not due, and yet unmoved. */
  private static final int RACED_ATTEMPTS = 3;

  Moves(
      ReservationSql reservations,
      StockSql stock,
      BuyerSql buyers,
      Expiry expiry,
      LazyExpiry lazyExpiry) {
    this.reservations = reservations;
    this.stock = stock;
    this.buyers = buyers;
    this.expiry = expiry;
    this.lazyExpiry = lazyExpiry;
  }

  /**
   * Confirms (sold: off on-hand and reserved) or releases (freed: off reserved) a held reservation
   * that is not due, in one statement whatever its number of lines.
   */
  Reservation move(Session session, String reservationId, Action action, Instant now) {
    for (int attempt = 1; ; attempt++) {
      Optional<Reservation> moved =
          session.statement(Repeat.SAFE, reservations.move(reservationId, action, now));
      if (moved.isPresent()) {
        return moved.get();
      }
      Optional<Reservation> verdict = afterNoMatch(session, reservationId, action, now);
      if (verdict.isPresent()) {
        return verdict.get();
      }
      requireAnotherAttempt(attempt, reservationId, action);
    }
  }

  /** Sets a held reservation's expiry to {@code expiresAt}. */
  Reservation extend(Session session, String reservationId, Instant now, Instant expiresAt) {
    for (int attempt = 1; ; attempt++) {
      Optional<Reservation> extended =
          session.transaction(Repeat.SAFE, reservations.extend(reservationId, now, expiresAt));
      if (extended.isPresent()) {
        return extended.get();
      }
      Optional<Reservation> verdict = afterNoMatch(session, reservationId, Action.EXTEND, now);
      if (verdict.isPresent()) {
        return verdict.get();
      }
      requireAnotherAttempt(attempt, reservationId, Action.EXTEND);
    }
  }

  /**
   * A move that kept matching nothing while the reservation kept reading as held and not due: tried
   * {@value #RACED_ATTEMPTS} times, then refused rather than guessed at.
   */
  private static void requireAnotherAttempt(int attempt, String reservationId, Action action) {
    if (attempt >= RACED_ATTEMPTS) {
      throw new InventoryException(
          "reservation '" + reservationId + "' changed while being " + action.verb() + "ed");
    }
  }

  /**
   * Changes a held reservation to exactly these (merged) lines, all or nothing, in one transaction.
   * Growth that does not fit goes to {@link LazyExpiry}, with what the cart already held on each
   * key counting as free to it; so does growth past its buyer's limit on a SKU.
   */
  Reservation amend(Session session, String reservationId, List<Line> wanted, Clock clock) {
    LazyExpiry.Round round = lazyExpiry.begin(session);
    while (true) {
      Instant now = PgValues.now(clock);
      Amendment amendment =
          session.transaction(
              Repeat.SAFE, reservations.amend(reservationId, wanted, now), Amendment::fits);
      if (amendment.capRefused() != null) {
        // Its buyer's growth on a SKU is past the limit: the buyer's room, and the rule.
        CapNeed need = amendment.capRefused();
        Map<String, CapFree> caps =
            session.read(buyers.probe(need.buyer(), List.of(need.sku()), now));
        round.refused(List.of(), Map.of(), List.of(need), caps, now);
        continue;
      }
      if (!amendment.fits()) {
        List<StockKey> keys = amendment.growing().stream().map(Line::key).toList();
        Probe probe = session.read(stock.probe(reservationId, keys, now));
        List<Need> needs =
            amendment.growing().stream()
                .map(
                    line ->
                        new Need(
                            line.key(),
                            line.quantity(),
                            amendment.held().getOrDefault(line.key(), 0L)))
                .toList();
        round.refused(needs, probe.byKey(), now);
        continue;
      }
      if (amendment.times().isEmpty()) {
        Optional<Reservation> verdict = afterNoMatch(session, reservationId, Action.AMEND, now);
        if (verdict.isPresent()) {
          return verdict.get();
        }
        round.raced(
            () ->
                new InventoryException(
                    "reservation '" + reservationId + "' changed while being amended"));
        continue;
      }
      Times times = amendment.times().get();
      return new Reservation(
          reservationId, Status.HELD, wanted, times.createdAt(), times.expiresAt(), times.buyer());
    }
  }

  /** The reservation with this id as it is at {@code now}; a due hold shows as expired. */
  Optional<Reservation> find(Session session, String reservationId, Instant now) {
    return session.read(reservations.find(reservationId)).map(stored -> stored.asOf(now));
  }

  /**
   * A page of a buyer's reservations as they are at {@code now}, newest first, after the cursor's
   * position; one more than the page is read, to know whether a page follows.
   */
  ReservationPage findByBuyer(
      Session session, String buyer, int pageSize, @Nullable String cursor, Instant now) {
    ReservationCursors.After after = ReservationCursors.after(buyer, cursor);
    List<Stored> rows =
        session.read(
            reservations.findByBuyer(
                buyer,
                after == null ? null : after.createdAt(),
                after == null ? null : after.id(),
                pageSize + 1));
    List<Reservation> page =
        rows.subList(0, Math.min(pageSize, rows.size())).stream()
            .map(stored -> stored.asOf(now))
            .toList();
    if (rows.size() <= pageSize) {
      return new ReservationPage(page, null);
    }
    Reservation last = page.get(page.size() - 1);
    return new ReservationPage(page, ReservationCursors.next(buyer, last.createdAt(), last.id()));
  }

  /**
   * After a move of a reservation matched nothing: "already done" (returned) or which exception. A
   * hold found due is expired first, so its stock is free even if no sweeper runs. Empty when the
   * reservation reads as held and not due after all: a concurrent writer that took its now a moment
   * earlier extended or amended it while the move looked (concurrent calls take their now from the
   * clock before their statements run, so their instants cross); the move is tried again.
   */
  Optional<Reservation> afterNoMatch(
      Session session, String reservationId, Action action, Instant now) {
    Stored stored =
        session
            .read(reservations.find(reservationId))
            .orElseThrow(() -> new ReservationNotFoundException(reservationId));
    if (stored.isDueAt(now)) {
      session.transaction(Repeat.SAFE, expiry.expireOne(reservationId, now));
      throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
    }
    Status current = stored.status();
    switch (Lifecycle.decide(current, action)) {
      case ALREADY_DONE:
        return Optional.of(stored.asOf(now));
      case REFUSE:
        if (current == Status.EXPIRED) {
          throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
        }
        throw new ReservationStateException(reservationId, current, action.verb());
      default:
        return Optional.empty();
    }
  }
}
