package dev.inventory.jdbc.internal;

import dev.inventory.Reservation;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Events;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one batch of the move {@link Combiner} (flash-sale mode): confirms and releases that arrived
 * together, moved in one statement, so that a hot SKU's stock row changes once per batch instead of
 * once per checkout. Each request gets exactly the answer it would get alone: a reservation the
 * statement moved is answered with it; any other (unknown, moved before, due) gets the verdict
 * {@link Moves} gives after a move that matched nothing, and so does an id the batch holds twice
 * (after the batch, in arrival order). If the statement fails, every request goes alone: moves are
 * idempotent, so that is safe even when the failure left the outcome unknown.
 *
 * <p>Thread-safe: it holds only statements; each batch runs on its leader's thread.
 */
final class CombinedMoves implements Combiner.BatchRunner<CombinedMoves.MoveRequest> {
  /**
   * A confirm or a release of one reservation, with the keys its lines are thought to have (a
   * scheduling hint, {@link HeldKeys}; none when not known).
   */
  record MoveRequest(String reservationId, Action action, List<StockKey> keys) {}

  private final Session session;
  private final ReservationSql reservations;
  private final Moves moves;
  private final Clock clock;
  private final Events events;

  CombinedMoves(
      Session session, ReservationSql reservations, Moves moves, Clock clock, Events events) {
    this.session = session;
    this.reservations = reservations;
    this.moves = moves;
    this.clock = clock;
    this.events = events;
  }

  /**
   * The combiner of moves, keyed by the keys the instance remembers for the hold ({@link
   * HeldKeys}); a move whose keys are not known is held back by none.
   */
  static Combiner<MoveRequest> combiner(Settings settings, CombinedMoves runner) {
    return new Combiner<>(
        settings.maxInFlight(),
        settings.maxBatch(),
        settings.maxQueue(),
        settings.maxWait(),
        MoveRequest::reservationId,
        MoveRequest::keys,
        runner);
  }

  @Override
  public void run(List<Combiner.Ticket<MoveRequest>> batch) {
    if (events.on()) {
      // One statement carries both kinds; each kind is told as its own batch, with its own size.
      List<Combiner.Ticket<MoveRequest>> confirms = new ArrayList<>();
      List<Combiner.Ticket<MoveRequest>> releases = new ArrayList<>();
      batch.forEach(t -> (t.request.action() == Action.CONFIRM ? confirms : releases).add(t));
      if (!confirms.isEmpty()) {
        Combiner.tellSent(events, Operation.CONFIRM, confirms);
      }
      if (!releases.isEmpty()) {
        Combiner.tellSent(events, Operation.RELEASE, releases);
      }
    }
    if (batch.size() == 1) {
      alone(batch.get(0));
      return;
    }
    List<Combiner.Ticket<MoveRequest>> sent = new ArrayList<>(batch.size());
    List<Combiner.Ticket<MoveRequest>> repeated = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Combiner.Ticket<MoveRequest> t : batch) {
      (ids.add(t.request.reservationId()) ? sent : repeated).add(t);
    }
    Instant now = PgValues.now(clock);
    Map<String, Reservation> moved;
    try {
      moved =
          session.statement(
              Repeat.SAFE,
              reservations.move(
                  sent.stream().map(t -> t.request.reservationId()).toList(),
                  sent.stream().map(t -> t.request.action()).toList(),
                  now));
    } catch (RuntimeException e) {
      batch.forEach(this::alone);
      return;
    }
    for (Combiner.Ticket<MoveRequest> t : sent) {
      Reservation reservation = moved.get(t.request.reservationId());
      try {
        if (reservation == null) {
          MoveRequest r = t.request;
          // Not moved: the verdict a lone move gets, or, if it changed under the batch, alone.
          reservation =
              moves
                  .afterNoMatch(session, r.reservationId(), r.action(), now)
                  .orElseGet(() -> moves.move(session, r.reservationId(), r.action(), now));
        }
        t.succeed(reservation);
      } catch (RuntimeException e) {
        t.fail(e);
      }
    }
    repeated.forEach(this::alone);
  }

  private void alone(Combiner.Ticket<MoveRequest> ticket) {
    try {
      MoveRequest r = ticket.request;
      ticket.succeed(moves.move(session, r.reservationId(), r.action(), PgValues.now(clock)));
    } catch (RuntimeException e) {
      ticket.fail(e);
    }
  }
}
