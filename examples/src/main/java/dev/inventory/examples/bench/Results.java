package dev.inventory.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The measured cells of a run, in the order they were measured: what the tables and the chart ask
 * of them (cells by label, medians, same-round ratios), and {@code results.csv}.
 */
final class Results {
  static final String SECTION_BENCH = "bench";
  static final String SECTION_GROWTH = "growth";
  static final String SECTION_LEVELS = "levels";
  static final String SECTION_EXPIRE = "expire";

  static final String CSV_HEADER =
      "section,workload,op,threads,approach,round,ops_per_s,p50_ms,p99_ms,ops,seconds,errors,"
          + "shorts,pool_size,borrows_per_op,pool_wait_ms_per_op,log_rows,wait_cpu,wait_lock,"
          + "wait_wal,wait_lwlock,wait_io,wait_client_in_tx,wait_idle";

  private final List<CellResult> cells = new ArrayList<>();

  void add(CellResult cell) {
    cells.add(cell);
  }

  /** The cells of a section, in the order they were measured. */
  List<CellResult> section(String section) {
    List<CellResult> found = new ArrayList<>();
    for (CellResult c : cells) {
      if (c.label().section().equals(section)) {
        found.add(c);
      }
    }
    return found;
  }

  /** The rounds of one cell of a section. */
  List<CellResult> cells(String section, String workload, String op, int threads, String approach) {
    List<CellResult> found = new ArrayList<>();
    for (CellResult c : section(section)) {
      CellResult.Label l = c.label();
      if (l.workload().equals(workload)
          && l.op().equals(op)
          && l.threads() == threads
          && l.approach().equals(approach)) {
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

  /** {@code results.csv}: one row per measured cell and round, every section. */
  String csv() {
    StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
    for (CellResult c : cells) {
      CellResult.Label l = c.label();
      CellResult.Figures f = c.figures();
      csv.append(
          String.join(
              ",",
              l.section(),
              l.workload(),
              l.op(),
              Integer.toString(l.threads()),
              l.approach(),
              Integer.toString(l.round()),
              num(f.opsPerSecond(), 1),
              num(f.p50Millis(), 3),
              num(f.p99Millis(), 3),
              Long.toString(f.ops()),
              num(f.seconds(), 3),
              Long.toString(f.errors()),
              Long.toString(f.shorts()),
              Integer.toString(l.poolSize()),
              num(c.pool().borrowsPerOp(), 3),
              num(c.pool().waitMillisPerOp(), 4),
              l.logRows() == null ? "" : Long.toString(l.logRows())));
      for (String category : WaitSampler.CATEGORIES) {
        Double share = c.waits().get(category);
        csv.append(',').append(share == null ? "" : num(share, 3));
      }
      csv.append('\n');
    }
    return csv.toString();
  }

  private static String num(double value, int decimals) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
