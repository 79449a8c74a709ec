package dev.inventory.examples;

import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportStatus;
import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stock-bench}: how long the back-office operations take at shop scale. A benchmark, not a
 * test: it prints figures and checks only that the work was done.
 */
@Command(
    name = "stock-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Measures the bulk stock import and the daily movement report: receives --keys keys in one"
          + " call (new keys, then existing keys), sets them all in one stock-take, fills the log"
          + " with --log-rows rows over --days days (INSERT ... SELECT generate_series), then"
          + " summarizes those days with the report job and exports them as CSV.",
      "Drops and recreates the schema --schema; drops it at the end unless --keep."
    })
public final class StockBenchCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL to measure (user postgres unless the URL says user=). Default:"
              + " INVENTORY_JDBC_URL, else an embedded PostgreSQL started for the run.")
  String url;

  @Option(
      names = "--keys",
      paramLabel = "N",
      description = "Keys of the bulk import, 1 to 1000000. Default: 100000.")
  int keys = 100_000;

  @Option(
      names = "--log-rows",
      paramLabel = "N",
      description = "Log rows the report reads, 1 to 100000000. Default: 1000000.")
  long logRows = 1_000_000;

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Days the log rows are spread over, 1 to 3660. Default: 30.")
  int days = 30;

  @Option(
      names = "--report-skus",
      paramLabel = "N",
      description = "SKUs the log rows are spread over, 1 to 1000000. Default: 10000.")
  int reportSkus = 10_000;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Worker threads of the report job, 1 to 64. Default: 2.")
  int workers = 2;

  @Option(
      names = "--schema",
      paramLabel = "NAME",
      description = "Schema to measure in. Default: stock_bench.")
  String schema = "stock_bench";

  @Option(names = "--keep", negatable = false, description = "Keep the schema at the end.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter console = spec.commandLine().getOut();
    try (ExampleDatabase db = ExampleDatabase.open(url, workers + 2)) {
      DataSource dataSource = db.dataSource();
      console.printf(
          "Database: %s; %d cores, Java %s%n",
          db.description(),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      execute(dataSource, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema(schema).buildStore();
      try {
        bulk(store, console);
        report(store, dataSource, console);
      } finally {
        if (!keep) {
          execute(dataSource, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
      console.flush();
      return 0;
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    OptionChecks.schema(cl, "--schema", schema);
    OptionChecks.range(cl, "--keys", keys, 1, 1_000_000);
    OptionChecks.range(cl, "--log-rows", logRows, 1, 100_000_000);
    OptionChecks.range(cl, "--days", days, 1, 3_660);
    OptionChecks.range(cl, "--report-skus", reportSkus, 1, 1_000_000);
    OptionChecks.range(cl, "--workers", workers, 1, 64);
  }

  private void bulk(JdbcInventoryStore store, PrintWriter console) {
    Random random = new Random(7);
    List<BulkEntry> warmup = new ArrayList<>();
    for (int i = 0; i < Math.min(keys, 5_000); i++) {
      warmup.add(BulkEntry.of(StockKey.of(String.format("WARM-%07d", i)), 1));
    }
    store.ledger().receiveAll(warmup, "warm-up");

    List<BulkEntry> received = new ArrayList<>(keys);
    List<BulkEntry> counted = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      StockKey key = StockKey.of(String.format("SKU-%07d", i), i % 10 == 0 ? "hub-7" : "default");
      received.add(BulkEntry.of(key, 1 + random.nextInt(500)));
      counted.add(BulkEntry.of(key, random.nextInt(1000)));
    }
    // A warehouse file is in no particular order: the library sorts it.
    Collections.shuffle(received, random);

    console.printf("%nBulk stock, %,d keys in one call each:%n", keys);
    line(console, "receiveAll, new keys", time(() -> store.ledger().receiveAll(received, "file")));
    line(
        console,
        "receiveAll, existing keys",
        time(() -> store.ledger().receiveAll(received, "file 2")));
    line(
        console,
        "setOnHandAll, ATOMIC",
        time(() -> store.ledger().setOnHandAll(counted, "stock-take", BulkMode.ATOMIC)));
  }

  private void line(PrintWriter console, String what, Timed timed) {
    if (!timed.result().isComplete() || timed.result().applied() != keys) {
      throw new IllegalStateException(what + " did not apply every key: " + timed.result());
    }
    console.printf(
        "  %-28s %8.2f s  %,10.0f keys/s%n",
        what, timed.seconds(), keys / Math.max(timed.seconds(), 1e-9));
  }

  private record Timed(BulkResult result, double seconds) {}

  private static Timed time(java.util.function.Supplier<BulkResult> call) {
    long start = System.nanoTime();
    BulkResult result = call.get();
    return new Timed(result, (System.nanoTime() - start) / 1e9);
  }

  private void report(JdbcInventoryStore store, DataSource dataSource, PrintWriter console)
      throws Exception {
    LocalDate first = LocalDate.of(2026, 1, 1);
    LocalDate last = first.plusDays(days - 1L);
    console.printf(
        "%nDaily movement report, %,d log rows over %d days and %,d SKUs:%n",
        logRows, days, reportSkus);
    long start = System.nanoTime();
    fillLog(dataSource, first);
    console.printf(
        "  %-28s %8.2f s  (setup, not the report)%n",
        "fill the log, VACUUM", (System.nanoTime() - start) / 1e9);

    for (String run : List.of("report, first run", "report, run again")) {
      start = System.nanoTime();
      ReportStatus status =
          store.reports().start(first, last, workers).completion().get(1, TimeUnit.HOURS);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (status.state() != ReportStatus.State.SUCCEEDED || status.rowsRead() != logRows) {
        throw new IllegalStateException("the report did not read every log row: " + status);
      }
      console.printf(
          "  %-28s %8.2f s  %,10.0f rows/s  (%d workers)%n",
          run, seconds, status.rowsRead() / Math.max(seconds, 1e-9), workers);
    }

    CountingWriter csv = new CountingWriter();
    start = System.nanoTime();
    long rows = store.reports().exportCsv(first, last, csv);
    double seconds = (System.nanoTime() - start) / 1e9;
    console.printf(
        "  %-28s %8.2f s  %,10.0f rows/s  (%,d rows, %,d characters)%n",
        "CSV export (COPY)", seconds, rows / Math.max(seconds, 1e-9), rows, csv.characters);
  }

  /**
   * Log rows in time order (as a live log is written), spread evenly over the days, SKUs and all
   * eight kinds. Their figures are not a consistent history: the report only sums them.
   */
  private void fillLog(DataSource dataSource, LocalDate first) throws SQLException {
    String sql =
        "INSERT INTO "
            + schema
            + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
            + " on_hand_after, reserved_after, reason)"
            + " SELECT ?::timestamptz + (g - 1) * (? * interval '1 second') / ?,"
            + "        'R-' || lpad((g % ?)::text, 7, '0'),"
            + "        CASE WHEN g % 10 = 0 THEN 'hub-7' ELSE 'default' END,"
            + "        (ARRAY['RECEIVE','ADJUST','SET','RESERVE','AMEND','CONFIRM','RELEASE',"
            + "               'EXPIRE'])[g % 8 + 1],"
            + "        g % 5 - 2, g % 3 - 1, 100, 10, NULL"
            + "   FROM generate_series(1::bigint, ?) AS g";
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement local = c.createStatement();
          PreparedStatement s = c.prepareStatement(sql)) {
        // Setup, not measured: not bound by the demo pool's statement timeout.
        local.execute("SET LOCAL statement_timeout = 0");
        s.setObject(1, first.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime());
        s.setLong(2, days * 86_400L);
        s.setLong(3, logRows);
        s.setInt(4, reportSkus);
        s.setLong(5, logRows);
        s.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
      // What autovacuum does to a log written over days: summarizes the BRIN ranges on `at`
      // (autosummarize) and gathers statistics. A log filled in one statement has had neither.
      c.setAutoCommit(true);
      try (Statement vacuum = c.createStatement()) {
        vacuum.execute("SET statement_timeout = 0");
        try {
          vacuum.execute("VACUUM (ANALYZE) " + schema + ".inventory_log");
        } finally {
          vacuum.execute("RESET statement_timeout");
        }
      }
      c.setAutoCommit(autoCommit);
    }
  }

  private static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /** Counts what COPY writes, and throws it away. */
  private static final class CountingWriter extends Writer {
    long characters;

    @Override
    public void write(char[] buffer, int offset, int length) {
      characters += length;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
