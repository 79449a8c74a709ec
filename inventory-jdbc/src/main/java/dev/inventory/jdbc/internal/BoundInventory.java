package dev.inventory.jdbc.internal;

import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Checks;
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
 * nothing retried, nothing committed). Not thread-safe, like the connection.
 */
final class BoundInventory implements TransactionalInventory {
  private final CallerSession session;
  private final Procedures procedures;
  private final Clock clock;

  BoundInventory(CallerSession session, Procedures procedures, Clock clock) {
    this.session = session;
    this.procedures = procedures;
    this.clock = clock;
  }

  @Override
  public Reservation reserve(ReservationRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return procedures.placement.place(session, request, Status.HELD, clock);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return procedures.placement.place(session, request, Status.CONFIRMED, clock);
  }

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    return procedures.moves.move(session, reservationId, Action.CONFIRM, PgValues.now(clock));
  }

  @Override
  public Reservation release(String reservationId) {
    Checks.name("reservationId", reservationId);
    return procedures.moves.move(session, reservationId, Action.RELEASE, PgValues.now(clock));
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    Instant now = PgValues.now(clock);
    return procedures.moves.extend(
        session, reservationId, now, PgValues.expiresAt(now, ttl, Status.HELD));
  }

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    return procedures.stockChanges.add(
        session, key, quantity, "RECEIVE", reason, PgValues.now(clock));
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
