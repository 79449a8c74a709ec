package dev.inventory.examples.bench;

import dev.inventory.Inventory;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reads and the sweep on the largest log the {@link GrowthSection} left, with the holds its
 * cells made: {@code levels()} of {@code --levels-keys} random keys at one thread (calls per
 * second), then {@code expireDue(1000)} with a clock past the holds' expiry until none is left
 * (holds expired per second, latency per call).
 */
final class LargestLogSection {
  private static final int EXPIRE_LIMIT = 1000;

  private final Run run;
  private final GrowthSection.LargestLog log;

  LargestLogSection(Run run, GrowthSection.LargestLog log) {
    this.run = run;
    this.log = log;
  }

  /** Measures and prints each part in turn. */
  void run() {
    Plan plan = run.plan();
    int keys = plan.levelsKeys();
    Measurer measurer = new Measurer(run.runner(), log.pool(), run.admin());
    Approach levels = levelsProbe(log.inventory(), keys);
    for (int round = 1; round <= plan.rounds(); round++) {
      CellRunner.Cell cell =
          new CellRunner.Cell(Workload.UNIFORM, Op.RESERVE, 1, round, round, "unused-");
      CellResult.Label label =
          new CellResult.Label(
              Results.SECTION_LEVELS,
              "uniform",
              "levels-" + keys,
              1,
              Approaches.LIBRARY,
              round,
              log.poolSize(),
              null);
      run.results().add(measurer.measure(label, levels, cell));
    }
    print(Results.SECTION_LEVELS, "levels() of " + keys + " keys at 1 thread (calls per second)");

    for (int round = 1; round <= plan.rounds(); round++) {
      CellResult.Figures expired = expire(run.runner().duration());
      if (expired.ops() == 0) {
        break;
      }
      CellResult.Label label =
          new CellResult.Label(
              Results.SECTION_EXPIRE,
              "uniform",
              "expireDue-" + EXPIRE_LIMIT,
              1,
              Approaches.LIBRARY,
              round,
              log.poolSize(),
              null);
      run.results().add(new CellResult(label, expired, CellResult.PoolUse.UNCOUNTED, Map.of()));
    }
    print(
        Results.SECTION_EXPIRE,
        "expireDue(" + EXPIRE_LIMIT + ") at 1 thread (holds expired per second; latency per call)");
  }

  /**
   * {@code levels} of {@code count} random uniform keys, as an approach the cell runner can time.
   */
  private Approach levelsProbe(Inventory inventory, int count) {
    Workload.Keys keys = run.keys();
    return new Approach() {
      private final ThreadLocal<SplittableRandom> random =
          ThreadLocal.withInitial(() -> new SplittableRandom(Thread.currentThread().getId()));

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
   * Expires the holds left in the largest log's schema with a clock past their expiry: {@code
   * expireDue(1000)} back to back for at most {@code duration}. Its figures count holds expired as
   * operations, and the latency of each call.
   */
  private CellResult.Figures expire(Duration duration) {
    Clock later = Clock.offset(Clock.systemUTC(), LibraryApproach.TTL.plusHours(1));
    Inventory inventory =
        JdbcInventory.builder(log.pool()).schema(log.schema()).clock(later).migrate(false).build();
    long expired = 0;
    long[] calls = new long[1024];
    int n = 0;
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long last = start;
    while (last - end < 0) {
      long t0 = System.nanoTime();
      int got = inventory.expireDue(EXPIRE_LIMIT);
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
    return new CellResult.Figures(
        expired,
        (last - start) / 1e9,
        Stats.percentile(sorted, 0.5) / 1e6,
        Stats.percentile(sorted, 0.99) / 1e6,
        0,
        0);
  }

  private void print(String section, String title) {
    List<CellResult> cs = run.results().section(section);
    if (cs.isEmpty()) {
      return;
    }
    Report report = run.report();
    report.line("");
    report.line(title);
    report.line("%7s %12s %9s %9s %10s", "round", "per second", "p50 ms", "p99 ms", "count");
    for (CellResult c : cs) {
      report.line(
          "%7d %12.0f %9.2f %9.2f %10d",
          c.round(),
          c.opsPerSecond(),
          c.figures().p50Millis(),
          c.figures().p99Millis(),
          c.figures().ops());
    }
  }
}
