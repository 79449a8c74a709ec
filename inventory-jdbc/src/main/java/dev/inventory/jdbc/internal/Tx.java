package dev.inventory.jdbc.internal;

import java.sql.Connection;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * The connection a unit of work runs on, as a session lent it: plain JDBC for the statements of the
 * hot path ({@link Positional}), and a Jdbi handle on the same connection, opened only when a
 * statement asks for one. Not thread-safe; lives for one unit of work.
 */
final class Tx implements AutoCloseable {
  private final Connection connection;
  private final Function<Connection, Handle> opener;
  private Handle handle;

  Tx(Connection connection, Function<Connection, Handle> opener) {
    this.connection = connection;
    this.opener = opener;
  }

  /** A unit of work on an open handle (tests, and work handed in by Jdbi code). */
  static Tx on(Handle handle) {
    Tx tx = new Tx(handle.getConnection(), c -> handle);
    tx.handle = handle;
    return tx;
  }

  Connection getConnection() {
    return connection;
  }

  private Handle handle() {
    if (handle == null) {
      handle = opener.apply(connection);
    }
    return handle;
  }

  Query createQuery(String sql) {
    return handle().createQuery(sql);
  }

  Update createUpdate(String sql) {
    return handle().createUpdate(sql);
  }

  PreparedBatch prepareBatch(String sql) {
    return handle().prepareBatch(sql);
  }

  int execute(String sql) {
    return handle().execute(sql);
  }

  /** Closes the handle if one was opened; the connection is the session's to close. */
  @Override
  public void close() {
    if (handle != null) {
      handle.close();
      handle = null;
    }
  }
}
