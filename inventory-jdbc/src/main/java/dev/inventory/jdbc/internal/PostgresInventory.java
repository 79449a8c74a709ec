package dev.inventory.jdbc.internal;

import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationPage;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.FlashSaleStatus;
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
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL {@link Inventory}: checks the arguments, takes now from the clock, and hands each
 * call to one procedure on connections borrowed from the host's pool ({@link Db}); once the call's
 * outcome is known (committed, or thrown), it tells the {@link Events}. Every stock change is a
 * conditional UPDATE; Java never reads a level to decide a write. Thread-safe: its only mutable
 * state is its combiners' queues, behind their lock, and each call borrows a connection for as long
 * as the call lasts.
 */
public final class PostgresInventory implements Inventory {
  private final Db db;
  private final Clock clock;
  private final Duration defaultTtl;
  private final Procedures procedures;
  private final Events events;
  private final StatusSql status;
  private final int maxInFlight;

  /** Flash-sale mode's combiners (reserve, purchase, moves); null when combining is off. */
  private final Combiner<ReservationRequest> heldCombiner;

  private final Combiner<ReservationRequest> soldCombiner;
  private final Combiner<CombinedMoves.MoveRequest> moveCombiner;

  /** The keys of the holds placed here, for the move combiner; null when combining is off. */
  private final HeldKeys heldKeys;

  public PostgresInventory(DataSource dataSource, Settings settings, Events events) {
    this.events = events;
    this.db =
        new Db(
            dataSource,
            settings.attempts(),
            settings.lockTimeout(),
            settings.statementTimeout(),
            events);
    this.clock = settings.clock();
    this.defaultTtl = settings.defaultTtl();
    this.procedures =
        new Procedures(settings.schema(), defaultTtl, settings.knownKeysOnly(), events);
    this.status = new StatusSql(new SqlText(settings.schema()));
    this.maxInFlight = settings.maxInFlight();
    this.heldCombiner = combiner(settings, combined(Status.HELD));
    this.soldCombiner = combiner(settings, combined(Status.CONFIRMED));
    this.moveCombiner =
        settings.combining()
            ? CombinedMoves.combiner(
                settings,
                new CombinedMoves(db, procedures.reservations, procedures.moves, clock, events))
            : null;
    this.heldKeys = settings.combining() ? new HeldKeys() : null;
  }

  private CombinedRequests combined(Status status) {
    return new CombinedRequests(
        new CombinedPlacement(
            db, procedures.placements, procedures.placement, procedures.knownKeys, clock, status),
        new CombinedCarts(db, procedures.placements, procedures.placement, clock, status),
        status == Status.HELD ? Operation.RESERVE : Operation.PURCHASE,
        events);
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
    return new BoundInventory(new CallerSession(connection), procedures, clock, events);
  }

  // ---------------------------------------------------------------- status, for metrics

  /** Flash-sale mode's queues and statements in flight now. */
  public FlashSaleStatus flashSaleStatus() {
    if (heldCombiner == null) {
      return new FlashSaleStatus(false, 0, 0, 0, 0, 0, 0, 0);
    }
    return new FlashSaleStatus(
        true,
        maxInFlight,
        heldCombiner.waiting(),
        heldCombiner.inFlight(),
        soldCombiner.waiting(),
        soldCombiner.inFlight(),
        moveCombiner.waiting(),
        moveCombiner.inFlight());
  }

  /** When the oldest hold that is due (and not yet written as expired) ran out. */
  public Optional<Instant> findOldestDueHold() {
    return db.read(status.oldestDueHold(PgValues.now(clock)));
  }

  /** The newest migration applied to the schema. */
  public int schemaVersion() {
    return db.read(status.schemaVersion());
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
   * Through the combiner when it is on, but for a cart that names a buyer: its per-buyer limits are
   * applied by the one-cart statement, so it goes on its own.
   */
  private Reservation place(
      ReservationRequest request, Status status, Combiner<ReservationRequest> combiner) {
    Objects.requireNonNull(request, "request must not be null");
    long started = events.start();
    try {
      Reservation placed =
          combiner != null && (request.lines().size() == 1 || request.buyer() == null)
              ? combiner.submit(request)
              : procedures.placement.place(db, request, status, clock);
      if (heldKeys != null && placed.status() == Status.HELD) {
        heldKeys.placed(placed);
      }
      events.placed(placed, status == Status.CONFIRMED, started, true);
      return placed;
    } catch (RuntimeException e) {
      Operation operation = status == Status.HELD ? Operation.RESERVE : Operation.PURCHASE;
      events.failed(operation, request.id(), request.lines(), e, started);
      throw e;
    }
  }

  // ---------------------------------------------------------------- lifecycle moves

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    long started = events.start();
    try {
      Reservation confirmed = move(reservationId, Action.CONFIRM);
      events.confirmed(confirmed, started, true);
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
      Reservation released = move(reservationId, Action.RELEASE);
      events.released(released, started, true);
      return released;
    } catch (RuntimeException e) {
      events.failed(Operation.RELEASE, reservationId, e, started);
      throw e;
    }
  }

  /** Through the move combiner when flash-sale mode is on: concurrent moves share statements. */
  private Reservation move(String reservationId, Action action) {
    if (moveCombiner != null) {
      return moveCombiner.submit(
          new CombinedMoves.MoveRequest(reservationId, action, heldKeys.moving(reservationId)));
    }
    return procedures.moves.move(db, reservationId, action, PgValues.now(clock));
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
              db, reservationId, now, PgValues.expiresAt(now, ttl, Status.HELD));
      events.extended(extended, started, true);
      return extended;
    } catch (RuntimeException e) {
      events.failed(Operation.EXTEND, reservationId, e, started);
      throw e;
    }
  }

  @Override
  public Reservation amend(String reservationId, List<Line> lines) {
    Checks.name("reservationId", reservationId);
    List<Line> wanted = Lines.merge(lines);
    long started = events.start();
    try {
      Reservation amended = procedures.moves.amend(db, reservationId, wanted, clock);
      events.amended(amended, started, true);
      return amended;
    } catch (RuntimeException e) {
      events.failed(Operation.AMEND, reservationId, wanted, e, started);
      throw e;
    }
  }

  // ---------------------------------------------------------------- expiry

  @Override
  public int expireDue(int limit) {
    Checks.positive("limit", limit);
    long started = events.start();
    try {
      Instant now = PgValues.now(clock);
      int expired = db.transaction(Repeat.SAFE, procedures.expiry.expireDue(limit, now));
      events.swept(expired, started, true);
      return expired;
    } catch (RuntimeException e) {
      events.failed(Operation.EXPIRE_DUE, e, started);
      throw e;
    }
  }

  // ---------------------------------------------------------------- stock movements

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level =
          procedures.stockChanges.add(db, key, quantity, "RECEIVE", reason, PgValues.now(clock));
      events.received(key, quantity, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.RECEIVE, key, e, started);
      throw e;
    }
  }

  @Override
  public StockLevel adjust(StockKey key, long delta, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.delta(delta);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level =
          delta > 0
              ? procedures.stockChanges.add(db, key, delta, "ADJUST", reason, PgValues.now(clock))
              : procedures.stockChanges.decrease(db, key, -delta, reason, clock);
      events.adjusted(key, delta, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.ADJUST, key, e, started);
      throw e;
    }
  }

  @Override
  public StockLevel setOnHand(StockKey key, long onHand, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.onHand(onHand);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level = procedures.stockChanges.setOnHand(db, key, onHand, reason, clock);
      events.counted(key, onHand, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.SET_ON_HAND, key, e, started);
      throw e;
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    return procedures.moves.find(db, reservationId, PgValues.now(clock));
  }

  @Override
  public ReservationPage findReservations(String buyer, int pageSize, @Nullable String cursor) {
    Checks.name("buyer", buyer);
    Checks.between("pageSize", pageSize, 1, MAX_PAGE_SIZE);
    return procedures.moves.findByBuyer(db, buyer, pageSize, cursor, PgValues.now(clock));
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    return procedures.stockChanges.levels(db, keys, PgValues.now(clock));
  }
}
