package dev.inventory.jdbc.internal;

import dev.inventory.InventoryTimeoutException;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.PlacementSql.Cart;
import dev.inventory.jdbc.internal.PlacementSql.CartsRefusal;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the carts of a batch of the {@link Combiner} (flash-sale mode): carts that name no buyer,
 * placed together in one call (V9's {@code inventory_place_carts}), each all of its lines or none,
 * each answered as it would be answered alone.
 *
 * <ul>
 *   <li>Placed: every cart of the call is placed, in one commit.
 *   <li>Refused in the call's snapshot (a key whose total did not fit, a key known-keys mode
 *       refuses, an id taken): nothing was written; the carts that touch none of those keys and
 *       whose ids are free go again together, at most three combined attempts in all.
 *   <li>Whatever is left goes to {@link Placement}, one cart after the other in arrival order,
 *       which reports shortages, expires due holds on the way, replays a taken id and applies a
 *       buyer's limits: the carts in the way of a refusal, a key short under its row lock (SQLSTATE
 *       IV001: another instance took the units after the snapshot), an id taken meanwhile, a lock
 *       wait that timed out, a cart alone, an id twice in the batch.
 * </ul>
 *
 * <p>Thread-safe: it holds only statements; each batch runs on its leader's thread.
 */
final class CombinedCarts {
  private static final int COMBINED_ATTEMPTS = 3;

  private final Session session;
  private final PlacementSql placements;
  private final Placement placement;
  private final Clock clock;
  private final Status status;

  /** Runs the carts of one kind: reserve ({@code HELD}) or purchase ({@code CONFIRMED}). */
  CombinedCarts(
      Session session, PlacementSql placements, Placement placement, Clock clock, Status status) {
    this.session = session;
    this.placements = placements;
    this.placement = placement;
    this.clock = clock;
    this.status = status;
  }

  /** Answers every cart of the batch (none of which names a buyer). */
  void run(List<Combiner.Ticket<ReservationRequest>> batch) {
    List<Combiner.Ticket<ReservationRequest>> sent = CombinedPlacement.withoutRepeatedIds(batch);
    for (int attempt = 1; attempt <= COMBINED_ATTEMPTS && sent.size() >= 2; attempt++) {
      sent = send(sent);
    }
    for (Combiner.Ticket<ReservationRequest> ticket : batch) {
      if (!ticket.answered()) {
        try {
          ticket.succeed(placement.place(session, ticket.request, status, clock));
        } catch (RuntimeException e) {
          ticket.fail(e);
        }
      }
    }
  }

  /**
   * Sends the carts in one call and answers them if it placed them; returns the carts to send
   * together again (the others are left unanswered, for {@link Placement}).
   */
  private List<Combiner.Ticket<ReservationRequest>> send(
      List<Combiner.Ticket<ReservationRequest>> sent) {
    Instant now = PgValues.now(clock);
    List<Cart> carts = new ArrayList<>(sent.size());
    for (Combiner.Ticket<ReservationRequest> t : sent) {
      ReservationRequest r = t.request;
      carts.add(
          new Cart(
              r.id(),
              r.lines(),
              Lines.fingerprint(r.lines(), null),
              PgValues.expiresAt(now, placement.ttlOf(r), status)));
    }
    Optional<CartsRefusal> refusal;
    try {
      refusal = session.statement(Repeat.SAFE, placements.placeCarts(carts, status, now));
    } catch (InventoryTimeoutException e) {
      return List.of(); // one key's lock wait must not fail the carts that do not touch it
    } catch (RuntimeException e) {
      if (!SqlErrors.isCartRaced(e) && !SqlErrors.isReservationIdTaken(e)) {
        sent.forEach(t -> t.fail(e));
      }
      return List.of(); // raced after the snapshot: each cart alone, which says why
    }
    if (refusal.isEmpty()) {
      for (int i = 0; i < sent.size(); i++) {
        ReservationRequest r = sent.get(i).request;
        sent.get(i)
            .succeed(
                new Reservation(r.id(), status, r.lines(), now, carts.get(i).expiresAt(), null));
      }
      return List.of();
    }
    CartsRefusal refused = refusal.get();
    return sent.stream()
        .filter(t -> !refused.takenIds().contains(t.id))
        .filter(t -> t.keys.stream().noneMatch(refused.shortKeys()::containsKey))
        .toList();
  }
}
