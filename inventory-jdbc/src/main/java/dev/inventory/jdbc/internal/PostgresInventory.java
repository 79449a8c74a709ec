package dev.inventory.jdbc.internal;

import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.TransactionalInventory;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The PostgreSQL {@link Inventory}: checks the arguments, takes now from the clock, and hands each
 * call to one procedure on connections borrowed from the host's pool ({@link Db}). Every stock
 * change is a conditional UPDATE; Java never reads a level to decide a write. Thread-safe: its only
 * mutable state is its combiners' queues, behind their lock, and each call borrows a connection for
 * as long as the call lasts.
 */
public final class PostgresInventory implements Inventory {
  private final Db db;
  private final Clock clock;
  private final Duration defaultTtl;
  private final Procedures procedures;

  /** Flash-sale mode's combiners (reserve, purchase, moves); null when combining is off. */
  private final Combiner<ReservationRequest> heldCombiner;

  private final Combiner<ReservationRequest> soldCombiner;
  private final Combiner<CombinedMoves.MoveRequest> moveCombiner;

  public PostgresInventory(DataSource dataSource, Settings settings) {
    this.db =
        new Db(
            dataSource, settings.attempts(), settings.lockTimeout(), settings.statementTimeout());
    this.clock = settings.clock();
    this.defaultTtl = settings.defaultTtl();
    this.procedures = new Procedures(settings.schema(), defaultTtl);
    this.heldCombiner = combiner(settings, combined(Status.HELD));
    this.soldCombiner = combiner(settings, combined(Status.CONFIRMED));
    this.moveCombiner =
        settings.combining()
            ? CombinedMoves.combiner(
                settings, new CombinedMoves(db, procedures.reservations, procedures.moves, clock))
            : null;
  }

  private CombinedPlacement combined(Status status) {
    return new CombinedPlacement(db, procedures.placements, procedures.placement, clock, status);
  }

  private static Combiner<ReservationRequest> combiner(
      Settings settings, Combiner.BatchRunner<ReservationRequest> runner) {
    if (!settings.combining()) {
      return null;
    }
    return Combiner.ofPlacements(
        settings.maxInFlight(),
        settings.maxBatch(),
        settings.maxQueue(),
        settings.maxWait(),
        runner);
  }

  /**
   * This inventory's operations inside the caller's transaction on {@code connection}, sharing its
   * statements: cheap to create.
   */
  public TransactionalInventory bind(Connection connection) {
    return new BoundInventory(new CallerSession(connection), procedures, clock);
  }

  // ---------------------------------------------------------------- reserve and purchase

  @Override
  public Reservation reserve(ReservationRequest request) {
    return place(request, Status.HELD, heldCombiner);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return place(request, Status.CONFIRMED, soldCombiner);
  }

  /**
   * One-line requests go through the combiner when it is on; carts of several lines go on their
   * own: a batch is all or nothing per key, not per request, so it cannot keep a cart's lines
   * together.
   */
  private Reservation place(
      ReservationRequest request, Status status, Combiner<ReservationRequest> combiner) {
    Objects.requireNonNull(request, "request must not be null");
    if (combiner != null && request.lines().size() == 1) {
      return combiner.submit(request);
    }
    return procedures.placement.place(db, request, status, clock);
  }

  // ---------------------------------------------------------------- lifecycle moves

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    return move(reservationId, Action.CONFIRM);
  }

  @Override
  public Reservation release(String reservationId) {
    Checks.name("reservationId", reservationId);
    return move(reservationId, Action.RELEASE);
  }

  /** Through the move combiner when flash-sale mode is on: concurrent moves share statements. */
  private Reservation move(String reservationId, Action action) {
    if (moveCombiner != null) {
      return moveCombiner.submit(new CombinedMoves.MoveRequest(reservationId, action));
    }
    return procedures.moves.move(db, reservationId, action, PgValues.now(clock));
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    Instant now = PgValues.now(clock);
    return procedures.moves.extend(
        db, reservationId, now, PgValues.expiresAt(now, ttl, Status.HELD));
  }

  @Override
  public Reservation amend(String reservationId, List<Line> lines) {
    Checks.name("reservationId", reservationId);
    List<Line> wanted = Lines.merge(lines);
    return procedures.moves.amend(db, reservationId, wanted, clock);
  }

  // ---------------------------------------------------------------- expiry

  @Override
  public int expireDue(int limit) {
    Checks.positive("limit", limit);
    Instant now = PgValues.now(clock);
    return db.transaction(Repeat.SAFE, procedures.expiry.expireDue(limit, now));
  }

  // ---------------------------------------------------------------- stock movements

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    return procedures.stockChanges.add(db, key, quantity, "RECEIVE", reason, PgValues.now(clock));
  }

  @Override
  public StockLevel adjust(StockKey key, long delta, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.delta(delta);
    Checks.reason(reason);
    if (delta > 0) {
      return procedures.stockChanges.add(db, key, delta, "ADJUST", reason, PgValues.now(clock));
    }
    return procedures.stockChanges.decrease(db, key, -delta, reason, clock);
  }

  @Override
  public StockLevel setOnHand(StockKey key, long onHand, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.onHand(onHand);
    Checks.reason(reason);
    return procedures.stockChanges.setOnHand(db, key, onHand, reason, clock);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    return procedures.moves.find(db, reservationId, PgValues.now(clock));
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    return procedures.stockChanges.levels(db, keys, PgValues.now(clock));
  }
}
