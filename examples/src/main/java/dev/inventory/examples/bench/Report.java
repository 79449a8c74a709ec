package dev.inventory.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The results of a run: printed as tables on the terminal (and kept in {@code summary.txt}), and
 * written as {@code results.csv} (one row per measured cell and round), {@code correctness.csv},
 * {@code profile.csv} and the chart {@code throughput.svg}.
 */
final class Report {
  static final String SECTION_BENCH = "bench";
  static final String SECTION_GROWTH = "growth";
  static final String SECTION_LEVELS = "levels";
  static final String SECTION_EXPIRE = "expire";

  static final String CSV_HEADER =
      "section,workload,op,threads,approach,round,ops_per_s,p50_ms,p99_ms,ops,seconds,errors,"
          + "shorts,pool_size,borrows_per_op,pool_wait_ms_per_op,log_rows,wait_cpu,wait_lock,"
          + "wait_wal,wait_lwlock,wait_io,wait_client_in_tx,wait_idle";

  private final PrintStream out;
  private final StringBuilder summary = new StringBuilder();
  private final List<Row> rows = new ArrayList<>();
  private final List<Correctness.Row> correctness = new ArrayList<>();
  private final List<Profile.Row> profile = new ArrayList<>();

  /** A measured cell and the section it belongs to. */
  record Row(String section, CellResult cell) {}

  Report(PrintStream out) {
    this.out = out;
  }

  /** A line of the report: on the terminal and in {@code summary.txt}. */
  void line(String text) {
    out.println(text);
    summary.append(text).append('\n');
  }

  void line(String format, Object... args) {
    line(String.format(Locale.ROOT, format, args));
  }

  /** A progress line: terminal only. */
  void progress(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
  }

  void add(String section, CellResult cell) {
    rows.add(new Row(section, cell));
  }

  void addCorrectness(List<Correctness.Row> more) {
    correctness.addAll(more);
  }

  void addProfile(Profile.Row row) {
    profile.add(row);
  }

  List<CellResult> cells(String section, String workload, String op, int threads, String approach) {
    List<CellResult> found = new ArrayList<>();
    for (Row row : rows) {
      CellResult c = row.cell();
      if (row.section().equals(section)
          && c.workload().equals(workload)
          && c.op().equals(op)
          && c.threads() == threads
          && c.approach().equals(approach)) {
        found.add(c);
      }
    }
    return found;
  }

  static double median(List<CellResult> cells, ToDoubleFunction<CellResult> metric) {
    List<Double> values = new ArrayList<>();
    for (CellResult c : cells) {
      values.add(metric.applyAsDouble(c));
    }
    return Stats.median(values);
  }

  /**
   * The median over rounds of one set of cells' throughput divided by another's in the same round:
   * the library against an approach, or a log size against the smallest.
   */
  static double pairedRatio(List<CellResult> library, List<CellResult> other) {
    List<Double> ratios = new ArrayList<>();
    for (CellResult l : library) {
      for (CellResult o : other) {
        if (o.round() == l.round()) {
          ratios.add(o.opsPerSecond() > 0 ? l.opsPerSecond() / o.opsPerSecond() : Double.NaN);
        }
      }
    }
    return Stats.median(ratios);
  }

  // ------------------------------------------------------------------ tables

  void printMatrix(
      List<Workload> workloads, List<Op> ops, List<Integer> threadCounts, List<String> approaches) {
    for (Workload w : workloads) {
      for (Op op : ops) {
        line("");
        line("%s · %s   (medians over rounds; library ÷ X = median of same-round ratios)", w, op);
        line(
            "%7s %5s  %-18s %10s %9s %9s %7s %9s %9s %9s",
            "threads",
            "pool",
            "approach",
            "ops/s",
            "p50 ms",
            "p99 ms",
            "errors",
            "wait ms",
            "lib ÷ X",
            "uncomb ÷ X");
        for (int threads : threadCounts) {
          List<CellResult> library =
              cells(SECTION_BENCH, w.label, op.label, threads, Approach.LIBRARY);
          List<CellResult> uncombined =
              cells(SECTION_BENCH, w.label, op.label, threads, Approach.LIBRARY_UNCOMBINED);
          for (String approach : approaches) {
            List<CellResult> cs = cells(SECTION_BENCH, w.label, op.label, threads, approach);
            if (cs.isEmpty()) {
              continue;
            }
            String ratio =
                approach.equals(Approach.LIBRARY) || library.isEmpty()
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", pairedRatio(library, cs));
            String uncombinedRatio =
                approach.equals(Approach.LIBRARY_UNCOMBINED) || uncombined.isEmpty()
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", pairedRatio(uncombined, cs));
            line(
                "%7d %5d  %-18s %10.0f %9.2f %9.2f %7d %9.3f %9s %9s",
                threads,
                cs.get(0).poolSize(),
                approach,
                median(cs, CellResult::opsPerSecond),
                median(cs, CellResult::p50Millis),
                median(cs, CellResult::p99Millis),
                cs.stream().mapToLong(CellResult::errors).sum(),
                median(cs, CellResult::poolWaitMillisPerOp),
                ratio,
                uncombinedRatio);
          }
        }
      }
    }
  }

  /** What the backends were doing, at the largest thread count of each table. */
  void printWaits(List<Workload> workloads, List<Op> ops, int threads, List<String> approaches) {
    line("");
    line(
        "Where the time goes at %d threads: share of sampled backend states (pg_stat_activity,"
            + " every 100 ms)",
        threads);
    StringBuilder head =
        new StringBuilder(String.format("%-8s %-7s %-18s", "workload", "op", "approach"));
    for (String category : WaitSampler.CATEGORIES) {
      head.append(String.format(" %12s", category));
    }
    head.append(String.format(" %10s", "borrows/op"));
    line(head.toString());
    for (Workload w : workloads) {
      for (Op op : ops) {
        for (String approach : approaches) {
          List<CellResult> cs = cells(SECTION_BENCH, w.label, op.label, threads, approach);
          if (cs.isEmpty()) {
            continue;
          }
          StringBuilder row =
              new StringBuilder(String.format("%-8s %-7s %-18s", w.label, op.label, approach));
          for (String category : WaitSampler.CATEGORIES) {
            row.append(
                String.format(
                    Locale.ROOT,
                    " %11.0f%%",
                    100 * median(cs, c -> c.waits().getOrDefault(category, Double.NaN))));
          }
          row.append(String.format(Locale.ROOT, " %10.2f", median(cs, CellResult::borrowsPerOp)));
          line(row.toString());
        }
      }
    }
  }

  void printCorrectness() {
    line("");
    line("Does it oversell? Buyers take one unit at a time until told it is sold out.");
    line(
        "%-18s %7s %7s %7s %11s %9s %13s %7s",
        "approach", "stock", "buyers", "sold", "reserved*", "oversold", "lost updates", "errors");
    for (Correctness.Row r : correctness) {
      line(
          "%-18s %7d %7d %7d %11d %9d %13d %7d",
          r.approach(),
          r.stock(),
          r.buyers(),
          r.sold(),
          r.reservedInDb(),
          r.oversold(),
          r.lostUpdates(),
          r.errors());
    }
    line("* reserved: what the stock row says at the end. Lost updates: sold minus that.");
  }

  void printProfile() {
    if (profile.isEmpty()) {
      return;
    }
    line("");
    line(
        "Per operation at 1 thread (driver calls counted under the pool; rows from"
            + " pg_stat_user_tables)");
    line(
        "%-8s %-7s %-18s %8s %11s %12s %8s %9s %9s %8s %10s %10s",
        "workload",
        "op",
        "approach",
        "borrows",
        "statements",
        "round trips",
        "commits",
        "rows ins",
        "rows upd",
        "mean ms",
        "java µs",
        "pg µs");
    for (Profile.Row r : profile) {
      line(
          "%-8s %-7s %-18s %8.2f %11.2f %12.2f %8.2f %9.2f %9.2f %8.2f %10.0f %10.0f",
          r.workload(),
          r.op(),
          r.approach(),
          r.borrows(),
          r.statements(),
          r.roundTrips(),
          r.commits(),
          r.rowsInserted(),
          r.rowsUpdated(),
          r.meanMillis(),
          r.clientCpuMicros(),
          r.serverCpuMicros());
    }
    line(
        "java µs: CPU of the calling thread per op; pg µs: CPU of its backend per op"
            + " (/proc/<pid>/schedstat, local servers only).");
  }

  void printGrowth(List<Workload> workloads, int threads) {
    line("");
    line(
        "Growth: library reserve at %d threads, one schema per log size, measured in turn every"
            + " round",
        threads);
    line(
        "%-8s %12s %12s %9s %9s %16s",
        "workload", "log rows", "library/s", "p50 ms", "p99 ms", "vs smallest");
    for (Workload w : workloads) {
      List<CellResult> smallest = null;
      for (Long logRows : logLevels()) {
        List<CellResult> lib = growthCells(w, logRows);
        if (lib.isEmpty()) {
          continue;
        }
        if (smallest == null) {
          smallest = lib;
        }
        line(
            "%-8s %12d %12.0f %9.2f %9.2f %15.0f%%",
            w.label,
            logRows,
            median(lib, CellResult::opsPerSecond),
            median(lib, CellResult::p50Millis),
            median(lib, CellResult::p99Millis),
            100 * (pairedRatio(lib, smallest) - 1));
      }
    }
    line(
        "vs smallest: median of the same-round ratios of ops/s to the smallest log's"
            + " (flat: within ±10%).");
  }

  private List<Long> logLevels() {
    List<Long> levels = new ArrayList<>();
    for (Row row : rows) {
      Long l = row.cell().logRows();
      if (row.section().equals(SECTION_GROWTH) && l != null && !levels.contains(l)) {
        levels.add(l);
      }
    }
    return levels;
  }

  private List<CellResult> growthCells(Workload w, long logRows) {
    List<CellResult> found = new ArrayList<>();
    for (Row row : rows) {
      CellResult c = row.cell();
      if (row.section().equals(SECTION_GROWTH)
          && c.workload().equals(w.label)
          && c.logRows() != null
          && c.logRows() == logRows) {
        found.add(c);
      }
    }
    return found;
  }

  void printSection(String section, String title) {
    List<CellResult> cs = new ArrayList<>();
    for (Row row : rows) {
      if (row.section().equals(section)) {
        cs.add(row.cell());
      }
    }
    if (cs.isEmpty()) {
      return;
    }
    line("");
    line(title);
    line("%7s %12s %9s %9s %10s", "round", "per second", "p50 ms", "p99 ms", "count");
    for (CellResult c : cs) {
      line(
          "%7d %12.0f %9.2f %9.2f %10d",
          c.round(), c.opsPerSecond(), c.p50Millis(), c.p99Millis(), c.ops());
    }
  }

  // ------------------------------------------------------------------ files

  void writeFiles(
      Path dir,
      Environment env,
      List<Workload> chartWorkloads,
      List<Op> ops,
      List<Integer> threads,
      List<String> approaches)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.csv"), csv(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("correctness.csv"), correctnessCsv(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("profile.csv"), profileCsv(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("throughput.svg"),
        SvgChart.render(this, env, chartWorkloads, ops, threads, approaches),
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.txt"), summary.toString(), StandardCharsets.UTF_8);
  }

  String csv() {
    StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
    for (Row row : rows) {
      CellResult c = row.cell();
      csv.append(
          String.join(
              ",",
              row.section(),
              c.workload(),
              c.op(),
              Integer.toString(c.threads()),
              c.approach(),
              Integer.toString(c.round()),
              num(c.opsPerSecond(), 1),
              num(c.p50Millis(), 3),
              num(c.p99Millis(), 3),
              Long.toString(c.ops()),
              num(c.seconds(), 3),
              Long.toString(c.errors()),
              Long.toString(c.shorts()),
              Integer.toString(c.poolSize()),
              num(c.borrowsPerOp(), 3),
              num(c.poolWaitMillisPerOp(), 4),
              c.logRows() == null ? "" : Long.toString(c.logRows())));
      for (String category : WaitSampler.CATEGORIES) {
        Double share = c.waits().get(category);
        csv.append(',').append(share == null ? "" : num(share, 3));
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  private String correctnessCsv() {
    StringBuilder csv =
        new StringBuilder(
            "approach,stock,buyers,sold,reserved_in_db,oversold,lost_updates,errors,seconds\n");
    for (Correctness.Row r : correctness) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%d,%d,%d,%d,%d,%.3f%n",
              r.approach(),
              r.stock(),
              r.buyers(),
              r.sold(),
              r.reservedInDb(),
              r.oversold(),
              r.lostUpdates(),
              r.errors(),
              r.seconds()));
    }
    return csv.toString();
  }

  private String profileCsv() {
    StringBuilder csv =
        new StringBuilder(
            "workload,op,approach,ops,borrows_per_op,statements_per_op,round_trips_per_op,"
                + "commits_per_op,rows_inserted_per_op,rows_updated_per_op,mean_ms,"
                + "client_cpu_us_per_op,server_cpu_us_per_op\n");
    for (Profile.Row r : profile) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.1f%n",
              r.workload(),
              r.op(),
              r.approach(),
              r.ops(),
              r.borrows(),
              r.statements(),
              r.roundTrips(),
              r.commits(),
              r.rowsInserted(),
              r.rowsUpdated(),
              r.meanMillis(),
              r.clientCpuMicros(),
              r.serverCpuMicros()));
    }
    return csv.toString();
  }

  private static String num(double value, int decimals) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
