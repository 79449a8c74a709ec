package dev.inventory.examples.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as every approach sees it, counting borrows and the time spent waiting for a connection,
 * so a cell can tell pool waits from database time. A plain delegate: no reflection on the hot
 * path.
 */
final class TimedDataSource implements DataSource {
  private final DataSource pool;
  private final LongAdder borrows = new LongAdder();
  private final LongAdder waitNanos = new LongAdder();

  TimedDataSource(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long start = System.nanoTime();
    Connection c = pool.getConnection();
    waitNanos.add(System.nanoTime() - start);
    borrows.increment();
    return c;
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the benchmark pool has one user");
  }

  long borrows() {
    return borrows.sum();
  }

  long waitNanos() {
    return waitNanos.sum();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || pool.isWrapperFor(type);
  }
}
