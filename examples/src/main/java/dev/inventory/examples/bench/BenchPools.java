package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The pools of a run: all on the database the examples resolved, all of one size for every approach
 * of a cell, and all with the same session settings.
 */
final class BenchPools {
  /** {@code application_name} of the benchmark's own connections (for the wait sampler). */
  static final String APPLICATION_NAME = "inventory-bench";

  /** Far above any lock wait of a cell: a wait this long is a fault, not a measurement. */
  private static final String LOCK_TIMEOUT = "10s";

  /** Above the lock timeout, as the library advises. */
  private static final String SOCKET_TIMEOUT_SECONDS = "60";

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
    timeouts(admin.getJdbcUrl()).forEach(config::addDataSourceProperty);
    if (!"server".equals(synchronousCommit)) {
      config.setConnectionInitSql("SET synchronous_commit = " + synchronousCommit);
    }
    HikariDataSource pool = new HikariDataSource(config);
    fill(pool, size);
    return pool;
  }

  /**
   * The connection properties that keep the library's start-up checks quiet, as the library advises
   * every host: a socket timeout, and a lock timeout as a connection option. Both are free: the
   * socket timeout is set once per connection, and the lock timeout arms a timer only when a
   * backend waits for a lock, in the same call that arms the deadlock timer. (The builder's {@code
   * lockTimeout} would cost a round trip per call, and a statement timeout a timer per statement.)
   * So every approach gets the same pool and pays nothing for it; a lock wait of more than 10
   * seconds would fail instead of waiting, and show as errors. A URL that sets either keeps its
   * own.
   */
  static Map<String, String> timeouts(String url) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (!url.contains("socketTimeout=")) {
      properties.put("socketTimeout", SOCKET_TIMEOUT_SECONDS);
    }
    if (!url.contains("options=")) {
      properties.put("options", "-c lock_timeout=" + LOCK_TIMEOUT);
    }
    return properties;
  }

  /** {@link #timeouts} on a driver data source. */
  static void addTimeouts(PGSimpleDataSource driver, String url) {
    Map<String, String> properties = timeouts(url);
    if (properties.containsKey("socketTimeout")) {
      driver.setSocketTimeout(Integer.parseInt(properties.get("socketTimeout")));
    }
    if (properties.containsKey("options")) {
      driver.setOptions(properties.get("options"));
    }
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
