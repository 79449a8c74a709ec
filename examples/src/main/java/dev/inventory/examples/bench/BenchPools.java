package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The pools of a run: all on the database the examples resolved, all of one size for every approach
 * of a cell, and all with the same session settings.
 */
final class BenchPools {
  /** {@code application_name} of the benchmark's own connections (for the wait sampler). */
  static final String APPLICATION_NAME = "inventory-bench";

  private final HikariDataSource admin;
  private final String synchronousCommit;

  /**
   * @param admin the pool {@link dev.inventory.examples.ExampleDatabase} opened: its URL and user
   * @param synchronousCommit a value for {@code SET synchronous_commit}, or {@code server} to keep
   *     the server's
   */
  BenchPools(HikariDataSource admin, String synchronousCommit) {
    this.admin = admin;
    this.synchronousCommit = synchronousCommit;
  }

  /** A pool of exactly {@code size} connections, all open before it is returned. */
  HikariDataSource open(int size, String applicationName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(admin.getJdbcUrl());
    config.setUsername(admin.getUsername());
    config.setPassword(admin.getPassword());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setPoolName(applicationName + "-" + size);
    config.setConnectionTimeout(60_000);
    config.addDataSourceProperty("ApplicationName", applicationName);
    if (!"server".equals(synchronousCommit)) {
      config.setConnectionInitSql("SET synchronous_commit = " + synchronousCommit);
    }
    HikariDataSource pool = new HikariDataSource(config);
    fill(pool, size);
    return pool;
  }

  HikariDataSource open(int size) {
    return open(size, APPLICATION_NAME);
  }

  /** Borrows every connection once, so none is opened during a measurement. */
  static void fill(DataSource pool, int size) {
    List<Connection> held = new ArrayList<>(size);
    try {
      for (int i = 0; i < size; i++) {
        held.add(pool.getConnection());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not open " + size + " connections to the database: " + e.getMessage(), e);
    } finally {
      for (Connection c : held) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // returned to the pool or discarded by it
        }
      }
    }
  }
}
