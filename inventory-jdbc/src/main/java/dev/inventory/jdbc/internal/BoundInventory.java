package dev.inventory.jdbc.internal;

import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.jdbc.TransactionalInventory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The {@link TransactionalInventory}: the lifecycle's SQL ({@link HandleOps}, {@link Sql}) on the
 * caller's connection, in the caller's transaction. It never commits, rolls back, closes or
 * switches autocommit; each call runs in a savepoint of its own, so that a refused or failed call
 * undoes only itself (PostgreSQL aborts the whole transaction on an error otherwise). Nothing is
 * retried: the caller owns the transaction, so only the caller can run it again.
 *
 * <p>Not thread-safe, like the connection.
 */
public final class BoundInventory implements TransactionalInventory {
  private final Connection connection;

  private final Jdbi jdbi;
  private final HandleOps ops;
  private final Clock clock;
  private final Duration defaultTtl;

  public BoundInventory(Connection connection, String schema, Clock clock, Duration defaultTtl) {
    this.connection = Objects.requireNonNull(connection, "connection must not be null");
    this.jdbi = Jdbi.create(new CallersConnection(connection));
    // The transaction is the caller's: closing our handle must neither end nor check it.
    this.jdbi.getConfig(Handles.class).setForceEndTransactions(false);
    this.ops = new HandleOps(schema);
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    this.defaultTtl = Checks.ttl(defaultTtl);
  }

  // ---------------------------------------------------------------- reserve and purchase

  @Override
  public Reservation reserve(ReservationRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return translated(() -> place(request, Status.HELD));
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    return translated(() -> place(request, Status.CONFIRMED));
  }

  private Reservation place(ReservationRequest request, Status status) {
    Duration ttl = request.ttl() != null ? request.ttl() : defaultTtl;
    return ops.place(savepoints, request, status, ttl, this::now);
  }

  // ---------------------------------------------------------------- lifecycle moves

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    return translated(() -> move(reservationId, Action.CONFIRM));
  }

  @Override
  public Reservation release(String reservationId) {
    Checks.name("reservationId", reservationId);
    return translated(() -> move(reservationId, Action.RELEASE));
  }

  private Reservation move(String reservationId, Action action) {
    Instant now = now();
    Reservation moved = atomically(h -> ops.moveHeldTo(h, reservationId, action, now).orElse(null));
    return moved != null ? moved : refuseOrRepeat(reservationId, action, now);
  }

  private Reservation refuseOrRepeat(String reservationId, Action action, Instant now) {
    return HandleOps.refuseOrRepeat(
        atomically(h -> ops.find(h, reservationId)),
        reservationId,
        action,
        now,
        () -> atomically(h -> ops.expireOne(h, reservationId, now)));
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    return translated(
        () -> {
          Instant now = now();
          Instant expiresAt = HandleOps.expiresAt(now, ttl, Status.HELD);
          Reservation extended =
              atomically(h -> ops.extendHold(h, reservationId, now, expiresAt).orElse(null));
          return extended != null ? extended : refuseOrRepeat(reservationId, Action.EXTEND, now);
        });
  }

  // ---------------------------------------------------------------- stock and reads

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    return translated(
        () -> {
          Instant now = now();
          return atomically(
              h -> {
                ops.addOnHand(h, key, quantity, "RECEIVE", reason, now);
                // The level as levels() reads it (holds past their expiry free), as receive does.
                return ops.levels(h, List.of(key), now).get(key);
              });
        });
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    return translated(
        () -> {
          Instant now = now();
          return atomically(h -> ops.find(h, reservationId)).map(stored -> stored.asOf(now));
        });
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    List<StockKey> sorted = HandleOps.levelKeys(keys);
    if (sorted.isEmpty()) {
      return Map.of();
    }
    return translated(
        () -> {
          Instant now = now();
          return atomically(h -> ops.levels(h, sorted, now));
        });
  }

  // ---------------------------------------------------------------- the caller's transaction

  /** Placement and its probes, each step in a savepoint of the caller's transaction. */
  private final HandleOps.Runner savepoints =
      new HandleOps.Runner() {
        @Override
        public <T> T statement(Db.Work<T> work) {
          return atomically(work);
        }

        @Override
        public <T> T transaction(Db.Work<T> work) {
          return atomically(work);
        }
      };

  /**
   * Runs a step in a savepoint of the caller's transaction: released when the step succeeds, rolled
   * back to (undoing the step, and only the step) when it throws.
   */
  private <T> T atomically(Db.Work<T> step) {
    requireTransaction();
    Savepoint savepoint;
    try {
      savepoint = connection.setSavepoint();
    } catch (SQLException e) {
      throw HandleOps.sqlFailure("could not set a savepoint", e);
    }
    T result;
    try (Handle handle = jdbi.open()) {
      result = step.run(handle);
    } catch (RuntimeException | Error e) {
      try {
        connection.rollback(savepoint);
        connection.releaseSavepoint(savepoint);
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    }
    try {
      connection.releaseSavepoint(savepoint);
    } catch (SQLException e) {
      throw HandleOps.sqlFailure("could not release a savepoint", e);
    }
    return result;
  }

  private void requireTransaction() {
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      throw HandleOps.sqlFailure("could not read the connection's autocommit mode", e);
    }
    if (autoCommit) {
      throw new IllegalStateException(
          "the connection must be in a transaction (autocommit off): the inventory joins the"
              + " caller's transaction and never commits on its own");
    }
  }

  /**
   * Failures of the database, translated as everywhere; the library's own exceptions as they are.
   */
  private static <T> T translated(Supplier<T> call) {
    try {
      return call.get();
    } catch (JdbiException e) {
      throw Db.translateWithoutRetry(e);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Hands Jdbi the caller's connection, and never closes it. */
  private static final class CallersConnection implements ConnectionFactory {
    private final Connection connection;

    CallersConnection(Connection connection) {
      this.connection = connection;
    }

    @Override
    public Connection openConnection() {
      return connection;
    }

    @Override
    public void closeConnection(Connection toClose) {
      // The caller's: it stays open.
    }
  }
}
