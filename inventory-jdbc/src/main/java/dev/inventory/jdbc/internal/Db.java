package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.InventoryUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
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
 */
final class Db {
  /** Attempts for a retryable failure, the first included. */
  private static final int MAX_ATTEMPTS = 5;

  private final Jdbi jdbi;

  Db(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Handle handle);
  }

  /**
   * Work whose statements must commit together. {@code idempotent}: repeating it after an unknown
   * outcome (a connection lost around the commit) cannot apply it twice.
   */
  <T> T transaction(boolean idempotent, Work<T> work) {
    return withRetries(idempotent, () -> inTransaction(work));
  }

  /**
   * Work of a single statement, atomic on its own: it runs in autocommit when the connection is in
   * autocommit (one round trip), else in a transaction of its own.
   */
  <T> T statement(boolean idempotent, Work<T> work) {
    return withRetries(
        idempotent,
        () -> {
          try (Handle handle = jdbi.open()) {
            return handle.getConnection().getAutoCommit()
                ? work.run(handle)
                : inTransaction(handle, work);
          } catch (SQLException e) {
            throw new JdbiSqlFailure(e);
          }
        });
  }

  /** Reads: one snapshot per statement, safe to repeat. */
  <T> T read(Work<T> work) {
    return statement(true, work);
  }

  private <T> T inTransaction(Work<T> work) {
    try (Handle handle = jdbi.open()) {
      return inTransaction(handle, work);
    }
  }

  private static <T> T inTransaction(Handle handle, Work<T> work) {
    Connection connection = handle.getConnection();
    try {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      try {
        T result = work.run(handle);
        connection.commit();
        return result;
      } catch (RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      } finally {
        if (autoCommit) {
          restoreAutoCommit(connection);
        }
      }
    } catch (SQLException e) {
      throw new JdbiSqlFailure(e);
    }
  }

  private <T> T withRetries(boolean idempotent, java.util.function.Supplier<T> attempt) {
    for (int attemptNo = 1; ; attemptNo++) {
      try {
        return attempt.get();
      } catch (JdbiException | JdbiSqlFailure e) {
        SQLException sql = sqlCause(e);
        String state = sql == null ? null : sql.getSQLState();
        boolean retryable =
            isSerializationOrDeadlock(state) || (idempotent && isConnectionLoss(state));
        if (retryable && attemptNo < MAX_ATTEMPTS) {
          backOff(attemptNo);
          continue;
        }
        throw translate(e, sql, state, attemptNo);
      }
    }
  }

  private static void backOff(int attemptNo) {
    // Full jitter: colliding transactions must not collide again in lockstep.
    long ceilingMicros = Math.min(50_000L, 1_000L << attemptNo);
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceilingMicros) * 1_000L);
  }

  /** True if the failure is the unique violation of a reservation id. */
  static boolean isDuplicateReservationId(RuntimeException e) {
    SQLException sql = sqlCause(e);
    if (sql == null || !"23505".equals(sql.getSQLState())) {
      return false;
    }
    if (sql instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      return "reservation_pkey".equals(psql.getServerErrorMessage().getConstraint());
    }
    return true;
  }

  /**
   * Translates a failure of work in a transaction the library does not own, which is never retried
   * here (see BoundInventory), as every other failure is translated.
   */
  static RuntimeException translateWithoutRetry(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return translate(e, sql, sql == null ? null : sql.getSQLState(), 1);
  }

  private static RuntimeException translate(
      RuntimeException e, SQLException sql, String state, int attempts) {
    if (state == null) {
      return new InventoryException("database call failed: " + e.getMessage(), e);
    }
    if (isDuplicateReservationIdState(sql)) {
      return e; // the caller resolves it as an idempotent replay
    }
    String after = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    if (isSerializationOrDeadlock(state)) {
      return new InventoryUnavailableException(
          "database kept aborting the transaction (SQLSTATE " + state + ")" + after, sql);
    }
    if (isConnectionLoss(state)) {
      return new InventoryUnavailableException(
          "database connection failed (SQLSTATE "
              + state
              + ")"
              + after
              + "; the outcome is unknown: repeat with the same reservation id to find out",
          sql);
    }
    switch (state) {
      case "57014":
      case "55P03":
        return new InventoryUnavailableException(
            "database timed out (SQLSTATE " + state + "): " + sql.getMessage(), sql);
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

  /** An SQLException raised by JDBC calls made directly on the connection. */
  static final class JdbiSqlFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JdbiSqlFailure(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
