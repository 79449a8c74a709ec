package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.StockKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Stock rows a test holds locked, in transactions it leaves open, so that a statement of the
 * library surely waits where the test wants it; and what waits for them. Close it after the test:
 * it rolls back what the test did not end.
 */
final class RowLocks implements AutoCloseable {
  private final DataSource pool;
  private final List<Connection> held = new ArrayList<>();

  RowLocks(DataSource pool) {
    this.pool = pool;
  }

  /**
   * Changes the key's row ({@code set}, SQL) in a transaction left open; returns its connection.
   */
  Connection lock(String schema, StockKey key, String set) throws SQLException {
    Connection c = pool.getConnection();
    held.add(c);
    c.setAutoCommit(false);
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE " + schema + ".stock_level SET " + set + " WHERE sku = ? AND location = ?")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    return c;
  }

  /**
   * How many backends of this database other than this one wait for a lock in a statement naming
   * this (name the schema too, so that another test or a benchmark on the same server is not
   * counted).
   */
  int waiting(String statementPart) {
    return waitingFor(statementPart).values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * For the backends of this database other than this one waiting for a lock in a statement naming
   * this: how many wait for each kind of lock ({@code pg_stat_activity.wait_event}: {@code
   * transactionid}, {@code tuple}, {@code advisory}, ...).
   */
  Map<String, Integer> waitingFor(String statementPart) {
    Map<String, Integer> events = new HashMap<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT wait_event, count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND datname = current_database()"
                    + " AND query LIKE '%' || ? || '%' AND pid <> pg_backend_pid()"
                    + " GROUP BY wait_event")) {
      s.setString(1, statementPart);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          events.put(rs.getString(1), rs.getInt(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return events;
  }

  /** Waits up to 30 seconds for the condition, polling. */
  static void awaitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting until " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    for (Connection c : held) {
      c.rollback();
      c.close();
    }
    held.clear();
  }
}
