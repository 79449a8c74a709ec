package dev.inventory.jdbc.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A background thread that terminates backends of the application's pool with {@code
 * pg_terminate_backend}, on a superuser connection of its own:
 *
 * <ul>
 *   <li>every {@code interval}, one of the application's backends chosen at random, whatever it is
 *       doing (idle in the pool, in a statement, idle in a transaction between two statements);
 *   <li>in between, if {@code huntCommits}, a backend caught in state {@code active} on a {@code
 *       COMMIT}, or on a write statement running in autocommit (where the statement is the commit),
 *       at most one every {@code interval / 2}: kills that land in the commit.
 * </ul>
 *
 * Only backends whose {@code application_name} is the application's are ever chosen. Survives the
 * server going away (restarts, failovers): it reconnects, through {@code server}, to whichever
 * server is current. Thread-safe counters.
 */
final class FaultInjector implements AutoCloseable {
  private static final String RANDOM_BACKEND =
      """
      SELECT pid, state, query, pg_terminate_backend(pid) AS killed
        FROM (SELECT pid, state, left(query, 60) AS query
                FROM pg_stat_activity
               WHERE application_name = ? AND backend_type = 'client backend'
               ORDER BY random()
               LIMIT 1) chosen
      """;

  /**
   * A backend in the middle of committing: an explicit COMMIT, or a data-modifying statement that
   * commits on its own (autocommit) — a WITH, or a call of one of the library's write functions
   * (carts, moves, combined batches) — caught while the server works on it.
   */
  private static final String COMMITTING_BACKEND =
      """
      SELECT pid, state, query, pg_terminate_backend(pid) AS killed
        FROM (SELECT pid, state, left(query, 60) AS query
                FROM pg_stat_activity
               WHERE application_name = ? AND backend_type = 'client backend'
                 AND state = 'active'
                 AND (query ILIKE 'COMMIT%'
                      OR ((query ILIKE 'WITH%'
                           OR query ~* '^\\s*SELECT .* FROM [a-z0-9_]+\\.inventory_(place_cart|place_batch|move|give_back)\\(')
                          AND xact_start = query_start))
               ORDER BY random()
               LIMIT 1) chosen
      """;

  private final Supplier<ScratchPostgres> server;
  private final String applicationName;
  private final Duration interval;
  private final boolean huntCommits;
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicInteger killsInCommit = new AtomicInteger();
  private final AtomicInteger failedProbes = new AtomicInteger();
  private final Thread thread;
  private volatile boolean running = true;
  private Connection connection;

  FaultInjector(
      Supplier<ScratchPostgres> server,
      String applicationName,
      Duration interval,
      boolean huntCommits) {
    this.server = server;
    this.applicationName = applicationName;
    this.interval = interval;
    this.huntCommits = huntCommits;
    this.thread = new Thread(this::loop, "fault-injector");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int kills() {
    return kills.get();
  }

  int killsInCommit() {
    return killsInCommit.get();
  }

  /** Stops the thread and waits for it; the counters keep their values. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }

  private void loop() {
    long intervalNanos = interval.toNanos();
    long nextRandom = System.nanoTime() + intervalNanos;
    long nextCommitHunt = System.nanoTime() + intervalNanos / 2;
    while (running) {
      long now = System.nanoTime();
      try {
        if (now >= nextRandom) {
          nextRandom = now + intervalNanos;
          kill(RANDOM_BACKEND, false);
        } else if (huntCommits && now >= nextCommitHunt && kill(COMMITTING_BACKEND, true)) {
          nextCommitHunt = now + intervalNanos;
        }
        Thread.sleep(huntCommits ? 4 : Math.max(1, interval.toMillis() / 10));
      } catch (SQLException e) {
        // The server is down or was replaced: try again on a new connection.
        failedProbes.incrementAndGet();
        closeConnection();
        sleepQuietly(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Kills one backend chosen by the query; true if one was killed. */
  private boolean kill(String query, boolean inCommit) throws SQLException {
    if (connection == null) {
      connection = server.get().superuser();
    }
    try (PreparedStatement s = connection.prepareStatement(query)) {
      s.setString(1, applicationName);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getBoolean("killed")) {
          kills.incrementAndGet();
          if (inCommit) {
            killsInCommit.incrementAndGet();
          }
          return true;
        }
      }
    }
    return false;
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
      connection = null;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
