package dev.inventory.jdbc.internal;

import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.SqlErrors.Phase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The {@link Session} on connections borrowed from the host's pool: one statement or one
 * transaction per call, with the retries that are safe; failures translated by {@link SqlErrors}.
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
 *       commit): the outcome is unknown, so only work that is {@link Repeat#SAFE} is re-sent — a
 *       reservation id turns the unknown into the right answer. Other work fails with an {@link
 *       dev.inventory.InventoryUnavailableException} that says the outcome is unknown.
 * </ul>
 */
final class Db implements Session {
  private final DataSource dataSource;
  private final Jdbi jdbi;
  private final int maxAttempts;
  private final String timeoutsSql;
  private final Events events;

  /**
   * The connection {@link #jdbi} opens a handle on: the one this thread borrowed for the unit of
   * work that asks for a handle, set only while the handle opens. The statements of the hot path
   * run on the connection itself and never open one.
   */
  private final ThreadLocal<Connection> lent = new ThreadLocal<>();

  Db(
      DataSource dataSource,
      int maxAttempts,
      Duration lockTimeout,
      Duration statementTimeout,
      Events events) {
    this(dataSource, maxAttempts, lockTimeout, statementTimeout.toMillis(), events);
  }

  /**
   * Sessions for back-office work (reports and their jobs): the lock timeout as configured, and
   * statement_timeout lifted in every transaction, in the same round trip as the lock timeout
   * ({@code set_config(..., true)} is SET LOCAL). A pool's timeout sized for checkouts would cancel
   * a day of a large log, or a CSV of a month. Every call runs in a transaction, so the lift holds.
   */
  static Db backOffice(
      DataSource dataSource, int maxAttempts, Duration lockTimeout, Events events) {
    return new Db(dataSource, maxAttempts, lockTimeout, LIFTED, events);
  }

  /** A statement timeout that {@link #timeoutsSql} sets to 0 (none) rather than leaving alone. */
  private static final long LIFTED = -1;

  private Db(
      DataSource dataSource,
      int maxAttempts,
      Duration lockTimeout,
      long statementTimeoutMillis,
      Events events) {
    this.dataSource = dataSource;
    this.jdbi =
        Jdbi.create(
            new ConnectionFactory() {
              @Override
              public Connection openConnection() {
                return lent.get();
              }

              @Override
              public void closeConnection(Connection connection) {
                // Db returns it to the pool when the unit of work ends.
              }
            });
    // The library begins and ends its transactions on the connection itself, so a pool that hands
    // out autocommit-off connections must not trip Jdbi's open-transaction check.
    this.jdbi.getConfig(Handles.class).setForceEndTransactions(false);
    this.maxAttempts = maxAttempts;
    this.timeoutsSql = timeoutsSql(lockTimeout.toMillis(), statementTimeoutMillis);
    this.events = events;
  }

  private Handle handleOn(Connection connection) {
    lent.set(connection);
    try {
      return jdbi.open();
    } finally {
      lent.remove();
    }
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

  @Override
  public <T> T transaction(Repeat repeat, Work<T> work, Predicate<? super T> commitIf) {
    return withRetries(
        repeat,
        () -> {
          Connection connection = open();
          try {
            return inTransaction(connection, work, commitIf);
          } finally {
            closeQuietly(connection);
          }
        });
  }

  /**
   * In autocommit when the connection is in autocommit and no timeouts are set (one round trip),
   * else in a transaction of its own.
   */
  @Override
  public <T> T statement(Repeat repeat, Work<T> work) {
    return withRetries(
        repeat,
        () -> {
          Connection connection = open();
          try {
            if (timeoutsSql == null && autoCommit(connection)) {
              try (Tx tx = new Tx(connection, this::handleOn)) {
                return work.run(tx);
              } catch (JdbiException e) {
                throw new Failure(Phase.COMMIT, e);
              }
            }
            return inTransaction(connection, work, result -> true);
          } finally {
            closeQuietly(connection);
          }
        });
  }

  private Connection open() {
    try {
      return dataSource.getConnection();
    } catch (SQLException | RuntimeException e) {
      throw new Failure(Phase.CONNECT, e);
    }
  }

  private static boolean autoCommit(Connection connection) {
    try {
      return connection.getAutoCommit();
    } catch (SQLException e) {
      throw new Failure(Phase.CONNECT, e);
    }
  }

  private <T> T inTransaction(Connection connection, Work<T> work, Predicate<? super T> commitIf) {
    boolean autoCommit = autoCommit(connection);
    try {
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      T result;
      try (Tx tx = new Tx(connection, this::handleOn)) {
        applyTimeouts(connection);
        result = work.run(tx);
      } catch (JdbiException e) {
        rollbackQuietly(connection, e);
        throw new Failure(Phase.BEFORE_COMMIT, e);
      } catch (RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
      if (!commitIf.test(result)) {
        connection.rollback();
        return result;
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
  private void applyTimeouts(Connection connection) throws SQLException {
    if (timeoutsSql != null) {
      try (Statement statement = connection.createStatement()) {
        statement.execute(timeoutsSql);
      }
    }
  }

  /**
   * Lifts statement_timeout for the rest of this transaction only ({@code set_config(..., true)} is
   * SET LOCAL): a pool's timeout sized for checkouts would cancel a long back-office statement. For
   * a transaction that must begin with something else (the audit's SET TRANSACTION); other
   * back-office work runs on {@link #backOffice} sessions.
   */
  static void liftStatementTimeout(Tx tx) {
    tx.createQuery("SELECT set_config('statement_timeout', '0', true)").mapToMap().one();
  }

  /** The statement that sets the configured timeouts (and leaves the others as they are). */
  private static String timeoutsSql(long lockTimeoutMillis, long statementTimeoutMillis) {
    List<String> settings = new ArrayList<>();
    if (lockTimeoutMillis > 0) {
      settings.add(
          "set_config('lock_timeout', '" + lockTimeoutMillis + "ms', true) AS lock_timeout");
    }
    if (statementTimeoutMillis > 0 || statementTimeoutMillis == LIFTED) {
      settings.add(
          "set_config('statement_timeout', '"
              + Math.max(0, statementTimeoutMillis)
              + "ms', true) AS statement_timeout");
    }
    return settings.isEmpty() ? null : "SELECT " + String.join(", ", settings);
  }

  private <T> T withRetries(Repeat repeat, Supplier<T> attempt) {
    boolean idempotent = repeat == Repeat.SAFE;
    for (int attemptNo = 1; ; attemptNo++) {
      try {
        return attempt.get();
      } catch (Failure f) {
        SQLException sql = SqlErrors.sqlCause(f);
        String state = sql == null ? null : sql.getSQLState();
        boolean retryable =
            SqlErrors.isSerializationOrDeadlock(state)
                || f.phase == Phase.CONNECT
                || (SqlErrors.isConnectionLoss(state)
                    && (f.phase == Phase.BEFORE_COMMIT || idempotent));
        if (retryable && attemptNo < maxAttempts) {
          events.retried(SqlErrors.retryReason(f.phase, state), attemptNo, state);
          backOff(attemptNo);
          continue;
        }
        throw SqlErrors.translate(f.phase, f.getCause(), attemptNo, idempotent);
      }
    }
  }

  private static void backOff(int attemptNo) {
    // Exponential, capped at a second, with full jitter: colliding transactions must not collide
    // again in lockstep, and a restarting server gets a moment to come back.
    long ceilingMicros = Math.min(1_000_000L, 5_000L << Math.min(attemptNo, 20));
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(ceilingMicros) * 1_000L);
  }

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  /** Returns the connection to the pool; a pool that cannot take it back discards it. */
  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Nothing the caller could do: the outcome of the work is already decided.
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
