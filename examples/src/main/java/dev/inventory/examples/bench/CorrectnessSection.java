package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does it oversell? {@code --correctness-buyers} threads buy one unit at a time from a key with
 * {@code --correctness-stock} units until they are told it is sold out. Every approach gets the
 * same stock and buyers; a correct one sells exactly the stock, and its own record of what is
 * reserved (the stock row, or the counters of a backend that has no rows) agrees.
 */
final class CorrectnessSection {
  static final String SKU = "LIMITED";

  /** Longest a buyer keeps buying, whatever happens. */
  private static final long DEADLINE_NANOS = 60_000_000_000L;

  /**
   * @param sold units acknowledged to buyers
   * @param reservedInDb units the backend's record says are reserved at the end
   * @param oversold units sold beyond the stock
   * @param lostUpdates acknowledged units the backend's record does not count
   */
  record Row(
      String approach,
      long stock,
      int buyers,
      long sold,
      long reservedInDb,
      long oversold,
      long lostUpdates,
      long errors,
      double seconds) {}

  private final Run run;
  private final List<Row> rows = new ArrayList<>();

  CorrectnessSection(Run run) {
    this.run = run;
  }

  void run() throws Exception {
    Plan plan = run.plan();
    int buyers = plan.correctnessBuyers();
    long stock = plan.correctnessStock();
    run.report()
        .progress("Correctness: %d buyers race for %d units with each approach ...", buyers, stock);
    List<String> names = run.correctnessApproaches();
    try (HikariDataSource pool = run.pools().open(plan.poolSize(buyers))) {
      Map<String, Approach> approaches = run.open(names, pool, plan.poolSize(buyers));
      try {
        for (String name : names) {
          Backend backend = run.backends().get(name);
          backend.seed(List.of(SKU), stock);
          rows.add(buy(name, approaches.get(name), backend, stock, buyers));
        }
      } finally {
        Run.closeAll(approaches);
      }
    }
  }

  private Row buy(String name, Approach approach, Backend backend, long stock, int buyers)
      throws Exception {
    AtomicLong sold = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int b = 0; b < buyers; b++) {
      String prefix = run.runTag() + "-oversell-" + name + "-" + b + "-";
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (long seq = 0; System.nanoTime() - start < DEADLINE_NANOS; seq++) {
                  try {
                    if (!approach.reserve(new Request(prefix + seq, new String[] {SKU}))) {
                      return; // sold out, as far as this buyer is told
                    }
                    sold.incrementAndGet();
                  } catch (Exception e) {
                    if (errors.incrementAndGet() > 1_000) {
                      return;
                    }
                  }
                }
              },
              "buyer-" + name + "-" + b);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long reserved = backend.reserved(SKU);
    long units = sold.get();
    return new Row(
        name,
        stock,
        buyers,
        units,
        reserved,
        Math.max(0, units - stock),
        units - reserved,
        errors.get(),
        seconds);
  }

  void print() {
    Report report = run.report();
    report.line("");
    report.line("Does it oversell? Buyers take one unit at a time until told it is sold out.");
    report.line(
        "%-18s %7s %7s %7s %11s %9s %13s %7s",
        "approach", "stock", "buyers", "sold", "reserved*", "oversold", "lost updates", "errors");
    for (Row r : rows) {
      report.line(
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
    report.line("* reserved: what the stock row says at the end. Lost updates: sold minus that.");
    Approaches.caveats(run.correctnessApproaches()).forEach(report::line);
  }

  /** {@code correctness.csv}. */
  String csv() {
    StringBuilder csv =
        new StringBuilder(
            "approach,stock,buyers,sold,reserved_in_db,oversold,lost_updates,errors,seconds\n");
    for (Row r : rows) {
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
}
