package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

/**
 * Runs work on a borrowed connection: one statement or one transaction, with the retries that are
 * safe, and every SQLSTATE translated here, in one place.
 *
 * <p>Transactions are begun and ended on the JDBC connection itself rather than through Jdbi's
 * transaction handler, so that a host pool that hands out connections with autocommit off works the
 * same as one with autocommit on: the library commits what it began and nothing else.
 *
 * <p>What is retried depends on where a failure struck:
 *
 * <ul>
 *   <li>a serialization failure or deadlock (40001, 40P01): the database rolled back; always;
 *   <li>no connection could be borrowed: nothing was sent; always;
 *   <li>the connection broke before the commit was sent: nothing committed; always;
 *   <li>the connection broke during the commit (or during an autocommit statement, which is its own
 *       commit): the outcome is unknown, so only work that is idempotent is re-sent — a reservation
 *       id turns the unknown into the right answer. Other work fails with an {@link
 *       InventoryUnavailableException} that says the outcome is unknown.
 * </ul>
 */
final class Db {
  private final Jdbi jdbi;
  private final int maxAttempts;
  private final String timeoutsSql;

  Db(Jdbi jdbi, int maxAttempts, Duration lockTimeout, Duration statementTimeout) {
    this.jdbi = jdbi;
    this.maxAttempts = maxAttempts;
    this.timeoutsSql = timeoutsSql(lockTimeout.toMillis(), statementTimeout.toMillis());
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Handle handle);
  }

  /** Where an attempt failed, which decides whether it may be repeated. */
  private enum Phase {
    /** Borrowing a connection: nothing was sent. */
    CONNECT,
    /** Inside a transaction, before its commit was sent: nothing committed. */
    BEFORE_COMMIT,
    /** The commit itself, or an autocommit statement: it may or may not have committed. */
    COMMIT
  }

  /** A failure tagged with the phase it struck in. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Phase phase;

    Failure(Phase phase, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.phase = phase;
    }
  }

  /**
   * Work whose statements must commit together. {@code idempotent}: repeating it after an unknown
   * outcome (a connection lost during the commit) cannot apply it twice.
   */
  <T> T transaction(boolean idempotent, Work<T> work) {
    return withRetries(
        idempotent,
        () -> {
          try (Handle handle = open()) {
            return inTransaction(handle, work);
          }
        });
  }

  /**
   * Work of a single statement, atomic on its own: in autocommit when the connection is in
   * autocommit and no timeouts are set (one round trip), else in a transaction of its own.
   */
  <T> T statement(boolean idempotent, Work<T> work) {
    return withRetries(
        idempotent,
        () -> {
          try (Handle handle = open()) {
            if (timeoutsSql == null && autoCommit(handle)) {
              try {
                return work.run(handle);
              } catch (JdbiException e) {
                throw new Failure(Phase.COMMIT, e);
              }
            }
            return inTransaction(handle, work);
          }
        });
  }

  /** Reads: one snapshot per statement, safe to repeat. */
  <T> T read(Work<T> work) {
    return statement(true, work);
  }

  private Handle open() {
    try {
      return jdbi.open();
    } catch (ConnectionException e) {
      throw new Failure(Phase.CONNECT, e);
    }
  }

  private static boolean autoCommit(Handle handle) {
    try {
      return handle.getConnection().getAutoCommit();
    } catch (SQLException e) {
      throw new Failure(Phase.CONNECT, e);
    }
  }

  private <T> T inTransaction(Handle handle, Work<T> work) {
    Connection connection = handle.getConnection();
    boolean autoCommit = autoCommit(handle);
    try {
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      T result;
      try {
        applyTimeouts(handle);
        result = work.run(handle);
      } catch (JdbiException e) {
        rollbackQuietly(connection, e);
        throw new Failure(Phase.BEFORE_COMMIT, e);
      } catch (RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
      try {
        connection.commit();
      } catch (SQLException e) {
        throw new Failure(Phase.COMMIT, e);
      }
      return result;
    } catch (SQLException e) {
      throw new Failure(Phase.BEFORE_COMMIT, e);
    } finally {
      if (autoCommit) {
        restoreAutoCommit(connection);
      }
    }
  }

  /**
   * Sets this transaction's timeouts. Server-side timeouts, never a client-side cancel: PostgreSQL
   * lifts statement_timeout before it commits, so a commit waiting for a synchronous standby is
   * never cancelled (a cancelled wait would leave a commit that the standby may not have).
   */
  private void applyTimeouts(Handle handle) {
    if (timeoutsSql != null) {
      handle.createQuery(timeoutsSql).mapToMap().one();
    }
  }

  /**
   * Lifts statement_timeout for the rest of this transaction only ({@code set_config(..., true)} is
   * SET LOCAL): a pool's timeout sized for checkouts would cancel a long back-office statement.
   */
  static void liftStatementTimeout(Handle handle) {
    handle.createQuery("SELECT set_config('statement_timeout', '0', true)").mapToMap().one();
  }

  /** The statement that sets the configured timeouts (and leaves the others as they are). */
  private static String timeoutsSql(long lockTimeoutMillis, long statementTimeoutMillis) {
    List<String> settings = new ArrayList<>();
    if (lockTimeoutMillis > 0) {
      settings.add(
          "set_config('lock_timeout', '" + lockTimeoutMillis + "ms', true) AS lock_timeout");
    }
    if (statementTimeoutMillis > 0) {
      settings.add(
          "set_config('statement_timeout', '"
              + statementTimeoutMillis
              + "ms', true) AS statement_timeout");
    }
    return settings.isEmpty() ? null : "SELECT " + String.join(", ", settings);
  }

  private <T> T withRetries(boolean idempotent, java.util.function.Supplier<T> attempt) {
    for (int attemptNo = 1; ; attemptNo++) {
      try {
        return attempt.get();
      } catch (Failure f) {
        SQLException sql = sqlCause(f);
        String state = sql == null ? null : sql.getSQLState();
        boolean retryable =
            isSerializationOrDeadlock(state)
                || f.phase == Phase.CONNECT
                || (isConnectionLoss(state) && (f.phase == Phase.BEFORE_COMMIT || idempotent));
        if (retryable && attemptNo < maxAttempts) {
          backOff(attemptNo);
          continue;
        }
        throw translate(f, sql, state, attemptNo, idempotent);
      }
    }
  }

  private static void backOff(int attemptNo) {
    // Exponential, capped at a second, with full jitter: colliding transactions must not collide
    // again in lockstep, and a restarting server gets a moment to come back.
    long ceilingMicros = Math.min(1_000_000L, 5_000L << Math.min(attemptNo, 20));
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceilingMicros) * 1_000L);
  }

  /** True if the failure says a reservation id (or a line of it) already exists. */
  static boolean isReservationIdTaken(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && isReservationIdTaken(sql);
  }

  /** True if the failure is the unique violation of a reservation id. */
  static boolean isDuplicateReservationId(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && isDuplicateReservationIdState(sql);
  }

  /**
   * Translates a failure of work in a transaction the library does not own (see BoundInventory), as
   * every other failure is translated. Never retried, and never a commit: the caller commits.
   */
  static RuntimeException translateWithoutRetry(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return translate(
        new Failure(Phase.BEFORE_COMMIT, e), sql, sql == null ? null : sql.getSQLState(), 1, false);
  }

  private static RuntimeException translate(
      Failure f, SQLException sql, String state, int attempts, boolean idempotent) {
    Throwable cause = f.getCause();
    String after = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    if (f.phase == Phase.CONNECT) {
      return new InventoryUnavailableException(
          "could not get a database connection" + after + ": " + cause.getMessage(), cause);
    }
    if (state == null) {
      return new InventoryException("database call failed: " + cause.getMessage(), cause);
    }
    if (isReservationIdTaken(sql) && cause instanceof RuntimeException runtime) {
      return runtime; // a reservation id taken: the caller resolves it as an idempotent replay
    }
    if (isSerializationOrDeadlock(state)) {
      return new InventoryUnavailableException(
          "database kept aborting the transaction (SQLSTATE " + state + ")" + after, sql);
    }
    if (isConnectionLoss(state)) {
      String outcome =
          f.phase == Phase.COMMIT
              ? idempotent
                  ? "; the outcome is unknown: repeating the call is safe (a reservation id"
                      + " applies once)"
                  : "; the outcome is unknown: read the level or the log before repeating the"
                      + " call, which could apply it twice"
              : "; nothing was changed";
      return new InventoryUnavailableException(
          "database connection failed (SQLSTATE " + state + ")" + after + outcome, sql);
    }
    switch (state) {
      case "55P03":
        return new InventoryTimeoutException(
            "timed out waiting for a row lock (SQLSTATE 55P03, lock_timeout); nothing was changed",
            sql);
      case "57014":
        return new InventoryTimeoutException(
            "statement cancelled (SQLSTATE 57014, statement_timeout); nothing was changed", sql);
      case "25006":
        return new InventoryUnavailableException(
            "database is read-only (SQLSTATE 25006): connected to a standby, not the primary", sql);
      case "42P01":
      case "3F000":
        return new InventoryException(
            "inventory tables not found (SQLSTATE "
                + state
                + "): run the migrations (JdbcInventory.builder(...).migrate(true))",
            sql);
      case "23514":
        return new InventoryException(
            "the database refused a change that would break a stock invariant: " + sql.getMessage(),
            sql);
      default:
        return new InventoryException(
            "database call failed (SQLSTATE " + state + "): " + sql.getMessage(), sql);
    }
  }

  /** A unique violation on a reservation's id or its lines: the id was taken meanwhile. */
  private static boolean isReservationIdTaken(SQLException sql) {
    if (!"23505".equals(sql.getSQLState())) {
      return false;
    }
    if (sql instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      String constraint = psql.getServerErrorMessage().getConstraint();
      return "reservation_pkey".equals(constraint) || "reservation_line_pkey".equals(constraint);
    }
    return false;
  }

  private static boolean isDuplicateReservationIdState(SQLException sql) {
    return "23505".equals(sql.getSQLState())
        && sql instanceof PSQLException psql
        && psql.getServerErrorMessage() != null
        && "reservation_pkey".equals(psql.getServerErrorMessage().getConstraint());
  }

  private static boolean isSerializationOrDeadlock(String state) {
    return "40001".equals(state) || "40P01".equals(state);
  }

  private static boolean isConnectionLoss(String state) {
    return state != null
        && (state.startsWith("08")
            || "57P01".equals(state)
            || "57P02".equals(state)
            || "57P03".equals(state));
  }

  static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // The connection is broken; the pool will find out and discard it.
    }
  }
}
