package dev.inventory.examples;

import dev.inventory.AuditReport;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code report}: a shop's back office closing its days. Simulates some days of trading (unless
 * {@code --no-seed}), audits the books, runs the daily movement report in the background with a
 * progress bar, and writes the CSV.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Closes a shop's days: simulates --days days of trading from --first (deliveries in bulk,"
          + " carts, sales, cancellations, abandoned carts, a stock-take), prints the audit of"
          + " the books, summarizes every day into daily_movement in the background with a"
          + " progress bar, and writes the movements as CSV.",
      "Drops and recreates the schema --schema first, unless --no-seed (then it reports on what"
          + " the schema holds)."
    })
public final class ReportCommand implements Callable<Integer> {
  private static final int BAR_WIDTH = 30;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @ParentCommand Main main;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL to use (user postgres unless the URL says user=). Default:"
              + " INVENTORY_JDBC_URL, else an embedded PostgreSQL started for the run.")
  String url;

  @Option(
      names = "--schema",
      paramLabel = "NAME",
      description = "Schema of the demo shop. Default: report_demo.")
  String schema = "report_demo";

  @Option(
      names = "--first",
      paramLabel = "DAY",
      description = "First UTC day of the report (yyyy-MM-dd). Default: 2026-01-01.")
  LocalDate first = LocalDate.of(2026, 1, 1);

  @Option(
      names = "--days",
      paramLabel = "N",
      description = "Days to simulate and report, 1 to 366. Default: 14.")
  int days = 14;

  @Option(
      names = "--skus",
      paramLabel = "N",
      description = "SKUs of the simulated shop, 1 to 10000. Default: 40.")
  int skus = 40;

  @Option(
      names = "--carts",
      paramLabel = "N",
      description = "Carts per simulated day, 0 to 100000. Default: 60.")
  int carts = 60;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Worker threads of the report job, 1 to 64. Default: 2.")
  int workers = 2;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "CSV file to write. Default: movements.csv.")
  Path out = Path.of("movements.csv");

  @Option(
      names = "--no-seed",
      negatable = false,
      description = "Do not simulate: report on the data already in --schema.")
  boolean noSeed;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Random seed of the simulation. Default: 42.")
  long seed = 42;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter console = spec.commandLine().getOut();
    try (ExampleDatabase db = ExampleDatabase.open(url, workers + 2)) {
      console.println("Database: " + db.description());
      SimClock clock = new SimClock(first.atStartOfDay(ZoneOffset.UTC).toInstant());
      if (!noSeed) {
        dropSchema(db.dataSource(), schema);
      }
      JdbcInventoryStore store =
          JdbcInventory.builder(db.dataSource()).schema(schema).clock(clock).buildStore();
      LocalDate last = first.plusDays(days - 1L);

      if (!noSeed) {
        console.printf("Simulating %d days of trading on %d SKUs ...%n", days, skus);
        simulate(store, clock, console);
      }
      clock.set(last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());

      AuditReport audit = store.ledger().auditAll();
      console.println();
      console.print(audit.describe());

      console.printf("%nSummarizing %s to %s on %d workers%n", first, last, workers);
      ReportJob job = store.reports().start(first, last, workers);
      // A bar that redraws itself on a terminal; on a pipe or in a file, just the final line.
      boolean redraw = main == null || main.terminal().interactive();
      ReportStatus status = progress(job, console, redraw);
      console.printf(
          "%nJob %s: %s, %d of %d days, %,d log rows read%n",
          status.jobId(), status.state(), status.daysDone(), status.daysTotal(), status.rowsRead());
      if (status.state() != ReportStatus.State.SUCCEEDED) {
        console.println("Report failed: " + status.failure());
        return 1;
      }

      long rows;
      Path target = out.toAbsolutePath();
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      try (BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
        rows = store.reports().exportCsv(first, last, writer);
      }
      console.printf("Wrote %,d movement rows to %s%n", rows, target);
      try (var lines = Files.lines(target)) {
        lines.limit(6).forEach(line -> console.println("  " + line));
      }
      console.flush();
      return 0;
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    OptionChecks.schema(cl, "--schema", schema);
    OptionChecks.range(cl, "--days", days, 1, 366);
    OptionChecks.range(cl, "--skus", skus, 1, 10_000);
    OptionChecks.range(cl, "--carts", carts, 0, 100_000);
    OptionChecks.range(cl, "--workers", workers, 1, 64);
  }

  /** Polls the job's status and draws a progress bar until it ends. */
  private static ReportStatus progress(ReportJob job, PrintWriter console, boolean redraw)
      throws Exception {
    while (true) {
      ReportStatus status = job.status();
      if (redraw) {
        console.print("\r" + bar(status));
        console.flush();
      }
      try {
        ReportStatus done = job.completion().get(100, TimeUnit.MILLISECONDS);
        console.print((redraw ? "\r" : "") + bar(done));
        return done;
      } catch (TimeoutException stillRunning) {
        // draw again
      }
    }
  }

  static String bar(ReportStatus status) {
    int filled = status.daysTotal() == 0 ? 0 : BAR_WIDTH * status.daysDone() / status.daysTotal();
    return "["
        + "#".repeat(filled)
        + "-".repeat(BAR_WIDTH - filled)
        + "] "
        + status.daysDone()
        + "/"
        + status.daysTotal()
        + " days, "
        + String.format("%,d", status.rowsRead())
        + " rows";
  }

  /**
   * A plausible shop: a delivery file each morning, carts through the day (most bought, some
   * cancelled, some abandoned to expire), direct purchases, and a stock-take on the middle day.
   */
  private void simulate(JdbcInventoryStore store, SimClock clock, PrintWriter console) {
    Inventory inventory = store.inventory();
    StockLedger ledger = store.ledger();
    Random random = new Random(seed);
    List<StockKey> keys = new ArrayList<>();
    for (int i = 0; i < skus; i++) {
      keys.add(StockKey.of(String.format("SKU-%04d", i), i % 4 == 0 ? "hub-north" : "default"));
    }
    int sold = 0;
    int short_ = 0;
    for (int d = 0; d < days; d++) {
      LocalDate day = first.plusDays(d);
      clock.set(day.atTime(6, 0).toInstant(ZoneOffset.UTC));
      List<BulkEntry> delivery = new ArrayList<>();
      for (StockKey key : keys) {
        if (random.nextInt(3) > 0) {
          delivery.add(BulkEntry.of(key, 5 + random.nextInt(20)));
        }
      }
      ledger.receiveAll(delivery, "delivery file " + day);
      for (int c = 0; c < carts; c++) {
        clock.set(day.atTime(8, 0).toInstant(ZoneOffset.UTC).plusSeconds(c * 600L / carts * 60));
        String id = "cart-" + day + "-" + c;
        ReservationRequest.Builder cart =
            ReservationRequest.builder(id).ttl(Duration.ofMinutes(30));
        int lines = 1 + random.nextInt(3);
        for (int l = 0; l < lines; l++) {
          cart.line(keys.get(random.nextInt(keys.size())), 1 + random.nextInt(3));
        }
        try {
          int fate = random.nextInt(20);
          if (fate < 2) {
            inventory.purchase(cart.build());
            sold++;
            continue;
          }
          inventory.reserve(cart.build());
          if (fate < 14) {
            inventory.confirm(id);
            sold++;
          } else if (fate < 17) {
            inventory.release(id);
          } // else: abandoned, expires
        } catch (InsufficientStockException e) {
          short_++;
        }
      }
      if (d == days / 2) {
        // While the last carts of the day still hold units: a count below them is refused.
        clock.set(day.atTime(18, 0).toInstant(ZoneOffset.UTC));
        List<BulkEntry> counted = new ArrayList<>();
        for (StockKey key : keys) {
          counted.add(
              BulkEntry.of(key, Math.max(0, inventory.level(key).onHand() - random.nextInt(3))));
        }
        BulkResult take = ledger.setOnHandAll(counted, "stock-take " + day, BulkMode.PARTIAL);
        console.printf(
            "  %s stock-take: %d keys counted, %d refused%n",
            day, take.applied(), take.refused().size());
        take.refused().stream().limit(3).forEach(r -> console.println("    refused " + r));
      }
      clock.set(day.atTime(23, 0).toInstant(ZoneOffset.UTC));
      inventory.expireDue(10_000);
    }
    console.printf("  %d orders sold, %d carts refused for lack of stock%n", sold, short_);
  }

  private static void dropSchema(DataSource dataSource, String schema) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /** The simulation's clock: the library takes time from it, so days can pass in seconds. */
  static final class SimClock extends Clock {
    private final AtomicReference<Instant> now;

    SimClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
