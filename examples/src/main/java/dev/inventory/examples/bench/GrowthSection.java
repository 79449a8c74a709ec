package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.jdbc.JdbcInventory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Does the library slow down as its log grows? Each log size of {@code --growth} gets a library
 * schema of its own, whose log is filled with {@code INSERT ... SELECT generate_series} (the
 * append-only trigger forbids only UPDATE, DELETE and TRUNCATE), and {@code reserve} is measured on
 * each in turn, round after round (the smallest log is the control for the machine's own drift).
 * Its pool and largest log then serve the {@link LargestLogSection}.
 */
final class GrowthSection implements AutoCloseable {
  /** Rows the log is filled with per statement. */
  private static final long CHUNK = 1_000_000;

  /** The largest log, as the growth section leaves it, on the section's pool. */
  record LargestLog(String schema, Inventory inventory, TimedDataSource pool, int poolSize) {}

  private final Run run;
  private final List<String> schemas = new ArrayList<>();
  private final List<Long> logRows = new ArrayList<>();
  private final List<Inventory> inventories = new ArrayList<>();
  private final int threads;
  private final int poolSize;
  private HikariDataSource pool;
  private TimedDataSource timed;

  GrowthSection(Run run) {
    this.run = run;
    this.threads = run.plan().growthThreads();
    this.poolSize = run.plan().poolSize(threads);
  }

  /** One library schema per log size, its log filled to that size; then the section's pool. */
  void fill() throws SQLException {
    DataSource admin = run.admin();
    for (long size : run.plan().growth()) {
      String schema = run.schemas().growth(schemas.size());
      BenchSchemas.create(admin, schema);
      BenchSchemas.seed(admin, schema, run.keys());
      BenchSchemas.vacuumAnalyze(admin, schema);
      run.report().progress("Growth: filling the log of %s to %,d rows ...", schema, size);
      long started = System.nanoTime();
      fillLog(schema, size);
      long rows = logRows(schema);
      run.report()
          .progress(
              "Growth: log of %s at %,d rows (filled in %.0f s)",
              schema, rows, (System.nanoTime() - started) / 1e9);
      schemas.add(schema);
      logRows.add(rows);
    }
    checkpoint();
    pool = run.pools().open(poolSize);
    timed = new TimedDataSource(pool);
    for (String schema : schemas) {
      inventories.add(JdbcInventory.builder(timed).schema(schema).migrate(false).build());
    }
  }

  /**
   * Every log size in every round, in turn, so the smallest log is the control. Measured one size
   * after the other, a larger log also met the holds the earlier cells had left and whatever the
   * machine was doing by then: a 0.4 M log measured after an empty one read -5 % (hot) and -17 %
   * (uniform) with the log barely grown.
   */
  void run() {
    Plan plan = run.plan();
    Measurer measurer = new Measurer(run.runner(), timed, run.admin());
    int cellNo = 0;
    for (Workload w : workloads()) {
      for (int round = 1; round <= plan.rounds(); round++) {
        long cellSeed = plan.seed() * 31 + w.ordinal() * 1_000_003L + round;
        for (int i = 0; i < schemas.size(); i++) {
          cellNo++;
          CellRunner.Cell cell =
              new CellRunner.Cell(
                  w, Op.RESERVE, threads, round, cellSeed, run.runTag() + "-g" + cellNo + "-");
          CellResult result =
              measurer.measure(
                  CellResult.Label.of(
                      Results.SECTION_GROWTH, cell, Approaches.LIBRARY, poolSize, logRows.get(i)),
                  new LibraryApproach(inventories.get(i)),
                  cell);
          run.results().add(result);
          run.report()
              .progress(
                  "Growth: log %,d  %-7s round %d  library %9.0f ops/s  p50 %6.2f ms  p99 %7.2f"
                      + " ms",
                  logRows.get(i),
                  w,
                  round,
                  result.opsPerSecond(),
                  result.figures().p50Millis(),
                  result.figures().p99Millis());
        }
      }
    }
  }

  private static List<Workload> workloads() {
    return List.of(Workload.HOT, Workload.UNIFORM);
  }

  /** The growth table, and the largest log's key index beside the server's buffer cache. */
  void print(Environment env) throws SQLException {
    Report report = run.report();
    report.line("");
    report.line(
        "Growth: library reserve at %d threads, one schema per log size, measured in turn every"
            + " round",
        threads);
    report.line(
        "%-8s %12s %12s %9s %9s %16s",
        "workload", "log rows", "library/s", "p50 ms", "p99 ms", "vs smallest");
    List<CellResult> cells = run.results().section(Results.SECTION_GROWTH);
    for (Workload w : workloads()) {
      List<CellResult> smallest = null;
      for (Long rows : logRows) {
        List<CellResult> lib = new ArrayList<>();
        for (CellResult c : cells) {
          if (c.label().workload().equals(w.label) && rows.equals(c.label().logRows())) {
            lib.add(c);
          }
        }
        if (lib.isEmpty()) {
          continue;
        }
        if (smallest == null) {
          smallest = lib;
        }
        report.line(
            "%-8s %12d %12.0f %9.2f %9.2f %15.0f%%",
            w.label,
            rows,
            Results.median(lib, CellResult::opsPerSecond),
            Results.median(lib, c -> c.figures().p50Millis()),
            Results.median(lib, c -> c.figures().p99Millis()),
            100 * (Results.pairedRatio(lib, smallest) - 1));
      }
    }
    report.line(
        "vs smallest: median of the same-round ratios of ops/s to the smallest log's"
            + " (flat: within ±10%).");
    report.line(
        "the largest log's key index (id / 262144, sku, location, id) is %s; appends touch only"
            + " its newest era; shared_buffers is %s.",
        keyIndexSize(largestLog().schema()), env.sharedBuffers());
  }

  LargestLog largestLog() {
    int last = schemas.size() - 1;
    return new LargestLog(schemas.get(last), inventories.get(last), timed, poolSize);
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  private long logRows(String schema) throws SQLException {
    try (Connection c = run.admin().getConnection();
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
  private void fillLog(String schema, long target) throws SQLException {
    Workload.Keys keys = run.keys();
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
    try (Connection c = run.admin().getConnection()) {
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
  private String keyIndexSize(String schema) throws SQLException {
    try (Connection c = run.admin().getConnection();
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
  private void checkpoint() throws SQLException {
    try (Connection c = run.admin().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      // Not a superuser (nor pg_checkpoint): the measurement may share the disk with one.
    }
  }
}
