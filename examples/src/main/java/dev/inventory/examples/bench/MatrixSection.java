package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast is each approach? Every workload, operation and thread count, each round running every
 * timed approach once in turn on the same pool with the same request sequence; then a table per
 * workload and operation (medians over rounds, and the library's throughput over each approach's,
 * as the median of same-round ratios) and where the backends' time went.
 */
final class MatrixSection {
  private final Run run;

  MatrixSection(Run run) {
    this.run = run;
  }

  void run() throws Exception {
    Plan plan = run.plan();
    List<String> names = run.approaches();
    int cellNo = 0;
    int total =
        plan.threads().size()
            * plan.workloads().size()
            * plan.ops().size()
            * plan.rounds()
            * names.size();
    for (int threadCount : plan.threads()) {
      int poolSize = plan.poolSize(threadCount);
      try (HikariDataSource pool = run.pools().open(poolSize)) {
        TimedDataSource timed = new TimedDataSource(pool);
        Measurer measurer = new Measurer(run.runner(), timed, run.admin());
        Map<String, Approach> approaches = run.open(names, timed, poolSize);
        try {
          for (Workload w : plan.workloads()) {
            for (Op op : plan.ops()) {
              for (int round = 1; round <= plan.rounds(); round++) {
                long cellSeed =
                    plan.seed() * 7919
                        + w.ordinal() * 1_000_003L
                        + op.ordinal() * 10_007L
                        + threadCount * 101L
                        + round;
                for (String name : names) {
                  cellNo++;
                  CellRunner.Cell cell =
                      new CellRunner.Cell(
                          w, op, threadCount, round, cellSeed, run.runTag() + "-" + cellNo + "-");
                  CellResult result =
                      measurer.measure(
                          CellResult.Label.of(Results.SECTION_BENCH, cell, name, poolSize, null),
                          approaches.get(name),
                          cell);
                  run.results().add(result);
                  run.report()
                      .progress(
                          "[%d/%d] %-7s %-7s %3d threads  round %d  %-18s %9.0f ops/s  p50 %6.2f"
                              + " ms  p99 %7.2f ms%s",
                          cellNo,
                          total,
                          w,
                          op,
                          threadCount,
                          round,
                          name,
                          result.opsPerSecond(),
                          result.figures().p50Millis(),
                          result.figures().p99Millis(),
                          result.figures().errors() > 0
                              ? "  errors " + result.figures().errors()
                              : "");
                }
              }
            }
          }
        } finally {
          Run.closeAll(approaches);
        }
      }
    }
  }

  /** A table per workload and operation. */
  void printTables() {
    Plan plan = run.plan();
    Report report = run.report();
    Results results = run.results();
    for (Workload w : plan.workloads()) {
      for (Op op : plan.ops()) {
        report.line("");
        report.line(
            "%s · %s   (medians over rounds; library ÷ X = median of same-round ratios)", w, op);
        report.line(
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
        for (int threads : plan.threads()) {
          List<CellResult> library =
              results.cells(Results.SECTION_BENCH, w.label, op.label, threads, Approaches.LIBRARY);
          List<CellResult> uncombined =
              results.cells(
                  Results.SECTION_BENCH, w.label, op.label, threads, Approaches.LIBRARY_UNCOMBINED);
          for (String approach : run.approaches()) {
            List<CellResult> cs =
                results.cells(Results.SECTION_BENCH, w.label, op.label, threads, approach);
            if (cs.isEmpty()) {
              continue;
            }
            String ratio =
                approach.equals(Approaches.LIBRARY) || library.isEmpty()
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", Results.pairedRatio(library, cs));
            String uncombinedRatio =
                approach.equals(Approaches.LIBRARY_UNCOMBINED) || uncombined.isEmpty()
                    ? ""
                    : String.format(Locale.ROOT, "%.2f", Results.pairedRatio(uncombined, cs));
            report.line(
                "%7d %5d  %-18s %10.0f %9.2f %9.2f %7d %9.3f %9s %9s",
                threads,
                cs.get(0).label().poolSize(),
                approach,
                Results.median(cs, CellResult::opsPerSecond),
                Results.median(cs, c -> c.figures().p50Millis()),
                Results.median(cs, c -> c.figures().p99Millis()),
                cs.stream().mapToLong(c -> c.figures().errors()).sum(),
                Results.median(cs, c -> c.pool().waitMillisPerOp()),
                ratio,
                uncombinedRatio);
          }
        }
        Approaches.caveats(run.approaches()).forEach(report::line);
      }
    }
  }

  /** What the backends were doing, at the largest thread count of each table. */
  void printWaits() {
    Plan plan = run.plan();
    Report report = run.report();
    int threads = plan.maxThreads();
    report.line("");
    report.line(
        "Where the time goes at %d threads: share of sampled backend states (pg_stat_activity,"
            + " every 100 ms)",
        threads);
    StringBuilder head =
        new StringBuilder(String.format("%-8s %-7s %-18s", "workload", "op", "approach"));
    for (String category : WaitSampler.CATEGORIES) {
      head.append(String.format(" %12s", category));
    }
    head.append(String.format(" %10s", "borrows/op"));
    report.line(head.toString());
    for (Workload w : plan.workloads()) {
      for (Op op : plan.ops()) {
        for (String approach : run.approaches()) {
          List<CellResult> cs =
              run.results().cells(Results.SECTION_BENCH, w.label, op.label, threads, approach);
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
                    100 * Results.median(cs, c -> c.waits().getOrDefault(category, Double.NaN))));
          }
          row.append(
              String.format(
                  Locale.ROOT, " %10.2f", Results.median(cs, c -> c.pool().borrowsPerOp())));
          report.line(row.toString());
        }
      }
    }
  }
}
