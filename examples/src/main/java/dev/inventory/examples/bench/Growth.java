package dev.inventory.examples.bench;

import dev.inventory.Inventory;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * Does the library slow down as its log grows? Each log size gets a library schema of its own,
 * whose log is filled with {@code INSERT ... SELECT generate_series} (the append-only trigger
 * forbids only UPDATE, DELETE and TRUNCATE), and {@code reserve} is measured on each in turn, round
 * after round (the smallest log is the control for the machine's own drift). Then {@code levels} of
 * 1,000 keys, and the rate at which {@code expireDue} clears the holds left.
 */
final class Growth {
  /** Rows the log is filled with per statement. */
  private static final long CHUNK = 1_000_000;

  private final DataSource admin;
  private final Workload.Keys keys;

  Growth(DataSource admin, Workload.Keys keys) {
    this.admin = admin;
    this.keys = keys;
  }

  long logRows(String schema) throws SQLException {
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".inventory_log")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Appends rows to the log until it holds {@code target}: one in ten on the hot key, the rest
   * spread over the uniform keys, sorted by key within each chunk so that the key index is written
   * in order, not at random (each era of a filled log holds a slice of the keys; the measurement
   * appends to the newest era, where every key's entries go). Then VACUUM ANALYZE, so the
   * measurement that follows does not set the hint bits of the fill.
   */
  void fillLog(String schema, long target) throws SQLException {
    long current = logRows(schema);
    int width = keys.uniform[0].length() - 1;
    String sql =
        "INSERT INTO "
            + schema
            + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
            + " on_hand_after, reserved_after, reservation_id)"
            + " SELECT now() - interval '1 day', k.sku, ?, 'RESERVE', 0, 1, ?, 1, NULL"
            + " FROM (SELECT CASE WHEN i % 10 = 0 THEN ?"
            + " ELSE 'U' || lpad((i % ?)::text, ?, '0') END AS sku"
            + " FROM generate_series(?::bigint, ?::bigint) AS i) AS k"
            + " ORDER BY k.sku";
    try (Connection c = admin.getConnection()) {
      while (current < target) {
        long n = Math.min(CHUNK, target - current);
        try (PreparedStatement s = c.prepareStatement(sql)) {
          s.setString(1, Request.LOCATION);
          s.setLong(2, BenchSchemas.ON_HAND);
          s.setString(3, Workload.HOT_SKU);
          s.setInt(4, keys.uniform.length);
          s.setInt(5, width);
          s.setLong(6, current + 1);
          s.setLong(7, current + n);
          s.executeUpdate();
        }
        current += n;
      }
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE " + schema + ".inventory_log");
      }
    }
  }

  /**
   * The size of a schema's log key index, to set beside the server's buffer cache. Led by the era
   * of the log id, only the newest era's part of it is written to, whatever the whole index's size.
   */
  String keyIndexSize(String schema) throws SQLException {
    try (Connection c = admin.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT pg_size_pretty(pg_relation_size(to_regclass(?)))")) {
      s.setString(1, schema + ".inventory_log_by_era_and_key");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** A CHECKPOINT after the fills, so that the measurement does not share the disk with one. */
  void checkpoint() throws SQLException {
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      // Not a superuser (nor pg_checkpoint): the measurement may share the disk with one.
    }
  }

  /**
   * {@code levels} of {@code count} random uniform keys, as an approach the cell runner can time.
   */
  Approach levelsProbe(Inventory inventory, int count) {
    return new Approach() {
      private final ThreadLocal<SplittableRandom> random =
          ThreadLocal.withInitial(() -> new SplittableRandom(Thread.currentThread().getId()));

      @Override
      public String name() {
        return LIBRARY;
      }

      @Override
      public boolean reserve(Request ignored) {
        SplittableRandom r = random.get();
        List<StockKey> asked = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          asked.add(StockKey.of(keys.uniform[r.nextInt(keys.uniform.length)], Request.LOCATION));
        }
        return inventory.levels(asked).size() > 0;
      }

      @Override
      public void settle(Request request, boolean confirm) {
        throw new UnsupportedOperationException();
      }
    };
  }

  /**
   * Expires the holds left in a schema with a clock past their expiry: {@code expireDue(limit)}
   * back to back for at most {@code duration}. Returns {holds expired, nanoseconds, p50 ns, p99
   * ns}.
   */
  static double[] expire(DataSource pool, String schema, int limit, Duration duration) {
    Clock later = Clock.offset(Clock.systemUTC(), LibraryApproach.TTL.plusHours(1));
    Inventory inventory =
        JdbcInventory.builder(pool).schema(schema).clock(later).migrate(false).build();
    long expired = 0;
    long[] calls = new long[1024];
    int n = 0;
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long last = start;
    while (last - end < 0) {
      long t0 = System.nanoTime();
      int got = inventory.expireDue(limit);
      last = System.nanoTime();
      if (got == 0) {
        break;
      }
      expired += got;
      if (n == calls.length) {
        calls = Arrays.copyOf(calls, n * 2);
      }
      calls[n++] = last - t0;
    }
    long[] sorted = Arrays.copyOf(calls, n);
    Arrays.sort(sorted);
    return new double[] {
      expired, last - start, Stats.percentile(sorted, 0.5), Stats.percentile(sorted, 0.99)
    };
  }
}
