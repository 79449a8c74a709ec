package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Samples what the benchmark's backends are doing ({@code pg_stat_activity}, every 100 ms) while a
 * cell runs, to show where the time goes: on CPU, waiting for a row lock, for the WAL flush of a
 * commit, or for the client (between statements of an open transaction, or between transactions).
 */
final class WaitSampler implements AutoCloseable {
  /** The categories, in report order. */
  static final String[] CATEGORIES = {"cpu", "lock", "wal", "lwlock", "io", "client_in_tx", "idle"};

  private static final long INTERVAL_MILLIS = 100;

  private final DataSource admin;
  private final String applicationName;
  private volatile boolean running;
  private Thread thread;
  private final long[] counts = new long[CATEGORIES.length];

  WaitSampler(DataSource admin, String applicationName) {
    this.admin = admin;
    this.applicationName = applicationName;
  }

  void start() {
    running = true;
    thread = new Thread(this::loop, "bench-wait-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops sampling; the share of backend samples in each category (empty if none). */
  Map<String, Double> stop() {
    running = false;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long total = 0;
    synchronized (counts) {
      for (long c : counts) {
        total += c;
      }
      Map<String, Double> shares = new LinkedHashMap<>();
      for (int i = 0; i < CATEGORIES.length; i++) {
        shares.put(CATEGORIES[i], total == 0 ? 0.0 : (double) counts[i] / total);
      }
      return shares;
    }
  }

  private void loop() {
    String sql =
        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity"
            + " WHERE application_name = ? AND pid <> pg_backend_pid()";
    try (Connection c = admin.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, applicationName);
      while (running) {
        try (ResultSet rs = s.executeQuery()) {
          synchronized (counts) {
            while (rs.next()) {
              counts[category(rs.getString(1), rs.getString(2), rs.getString(3))]++;
            }
          }
        }
        Thread.sleep(INTERVAL_MILLIS);
      }
    } catch (SQLException e) {
      // Sampling is diagnostic only: a failure leaves the shares at what was seen.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int category(String state, String type, String event) {
    if ("idle".equals(state)) {
      return 6;
    }
    if (state != null && state.startsWith("idle in transaction")) {
      return 5;
    }
    if (type == null) {
      return 0;
    }
    switch (type) {
      case "Lock":
        return 1;
      case "IO":
        return event != null && event.startsWith("WAL") ? 2 : 4;
      case "LWLock":
        return event != null && event.startsWith("WAL") ? 2 : 3;
      case "Client":
        return 6;
      default:
        return 3;
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
