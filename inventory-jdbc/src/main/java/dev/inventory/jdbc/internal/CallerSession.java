package dev.inventory.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Objects;
import java.util.function.Predicate;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The {@link Session} inside the caller's open transaction. It never commits, rolls back, closes or
 * switches the autocommit mode of the caller's connection; each step (a statement or several) runs
 * in a savepoint of its own, so that a refused or failed step undoes only itself (PostgreSQL aborts
 * the whole transaction on an error otherwise). Nothing is retried: the caller owns the
 * transaction, so only the caller can run it again.
 *
 * <p>Not thread-safe, like the connection.
 */
final class CallerSession implements Session {
  private final Connection connection;
  private final Jdbi jdbi;

  CallerSession(Connection connection) {
    this.connection = Objects.requireNonNull(connection, "connection must not be null");
    this.jdbi = Jdbi.create(new CallersConnection(connection));
    // The transaction is the caller's: closing our handle must neither end nor check it.
    this.jdbi.getConfig(Handles.class).setForceEndTransactions(false);
  }

  @Override
  public <T> T statement(Repeat repeat, Work<T> work) {
    return inSavepoint(work, result -> true);
  }

  @Override
  public <T> T transaction(Repeat repeat, Work<T> work, Predicate<? super T> commitIf) {
    return inSavepoint(work, commitIf);
  }

  /**
   * Runs a step in a savepoint of the caller's transaction: released when the step succeeds, rolled
   * back to (undoing the step, and only the step) when it throws or its result fails {@code
   * keepIf}.
   */
  private <T> T inSavepoint(Work<T> step, Predicate<? super T> keepIf) {
    try {
      requireTransaction();
      Savepoint savepoint;
      try {
        savepoint = connection.setSavepoint();
      } catch (SQLException e) {
        throw SqlErrors.sqlFailure("could not set a savepoint", e);
      }
      T result;
      try (Tx tx = new Tx(connection, c -> jdbi.open())) {
        result = step.run(tx);
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
        if (!keepIf.test(result)) {
          connection.rollback(savepoint);
        }
        connection.releaseSavepoint(savepoint);
      } catch (SQLException e) {
        throw SqlErrors.sqlFailure("could not release a savepoint", e);
      }
      return result;
    } catch (JdbiException e) {
      // Failures of the database, translated as everywhere; the library's own exceptions as
      // they are.
      throw SqlErrors.translateWithoutRetry(e);
    }
  }

  private void requireTransaction() {
    boolean autoCommit;
    try {
      autoCommit = connection.getAutoCommit();
    } catch (SQLException e) {
      throw SqlErrors.sqlFailure("could not read the connection's autocommit mode", e);
    }
    if (autoCommit) {
      throw new IllegalStateException(
          "the connection must be in a transaction (autocommit off): the inventory joins the"
              + " caller's transaction and never commits on its own");
    }
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
