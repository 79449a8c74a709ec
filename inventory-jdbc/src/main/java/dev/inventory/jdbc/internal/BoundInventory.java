package dev.inventory.jdbc.internal;

import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.jdbc.TransactionalInventory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TransactionalInventory}: the same procedures as {@link PostgresInventory}, on the
 * caller's connection, in the caller's transaction ({@link CallerSession}: a savepoint per step,
 * nothing retried, nothing committed). Its events say {@code committed == false}: the caller's
 * commit or rollback is still to come. Not thread-safe, like the connection.
 */
final class BoundInventory implements TransactionalInventory {
  private final CallerSession session;
  private final Procedures procedures;
  private final Clock clock;
  private final Events events;

  BoundInventory(CallerSession session, Procedures procedures, Clock clock, Events events) {
    this.session = session;
    this.procedures = procedures;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public Reservation reserve(ReservationRequest request) {
    return place(request, Status.HELD);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return place(request, Status.CONFIRMED);
  }

  private Reservation place(ReservationRequest request, Status status) {
    Objects.requireNonNull(request, "request must not be null");
    long started = events.start();
    try {
      Reservation placed = procedures.placement.place(session, request, status, clock);
      events.placed(placed, status == Status.CONFIRMED, started, false);
      return placed;
    } catch (RuntimeException e) {
      Operation operation = status == Status.HELD ? Operation.RESERVE : Operation.PURCHASE;
      events.failed(operation, request.id(), request.lines(), e, started);
      throw e;
    }
  }

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    long started = events.start();
    try {
      Reservation confirmed =
          procedures.moves.move(session, reservationId, Action.CONFIRM, PgValues.now(clock));
      events.confirmed(confirmed, started, false);
      return confirmed;
    } catch (RuntimeException e) {
      events.failed(Operation.CONFIRM, reservationId, e, started);
      throw e;
    }
  }

  @Override
  public Reservation release(String reservationId) {
    Checks.name("reservationId", reservationId);
    long started = events.start();
    try {
      Reservation released =
          procedures.moves.move(session, reservationId, Action.RELEASE, PgValues.now(clock));
      events.released(released, started, false);
      return released;
    } catch (RuntimeException e) {
      events.failed(Operation.RELEASE, reservationId, e, started);
      throw e;
    }
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    long started = events.start();
    try {
      Instant now = PgValues.now(clock);
      Reservation extended =
          procedures.moves.extend(
              session, reservationId, now, PgValues.expiresAt(now, ttl, Status.HELD));
      events.extended(extended, started, false);
      return extended;
    } catch (RuntimeException e) {
      events.failed(Operation.EXTEND, reservationId, e, started);
      throw e;
    }
  }

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level =
          procedures.stockChanges.add(
              session, key, quantity, "RECEIVE", reason, PgValues.now(clock));
      events.received(key, quantity, level, started, false);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.RECEIVE, key, e, started);
      throw e;
    }
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    return procedures.moves.find(session, reservationId, PgValues.now(clock));
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    return procedures.stockChanges.levels(session, keys, PgValues.now(clock));
  }
}
