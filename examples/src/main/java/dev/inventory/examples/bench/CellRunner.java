package dev.inventory.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one cell: {@code threads} closed-loop workers issue requests back to back, first for the
 * warm-up (not recorded), then for the measured duration. Every latency is kept (a growing {@code
 * long[]} per worker), so the percentiles are exact.
 */
final class CellRunner {
  private final Workload.Keys keys;
  private final Duration warmup;
  private final Duration duration;

  CellRunner(Workload.Keys keys, Duration warmup, Duration duration) {
    this.keys = keys;
    this.warmup = warmup;
    this.duration = duration;
  }

  /** What a cell is, apart from who runs it. */
  record Cell(Workload workload, Op op, int threads, int round, long seed, String idPrefix) {}

  /**
   * What a cell did, before it is labelled.
   *
   * @param firstError the first failure of any worker, null if none
   * @param allOps operations over warm-up and measurement
   */
  record Outcome(CellResult.Figures figures, Throwable firstError, long allOps) {}

  Duration duration() {
    return duration;
  }

  /** Runs a cell of {@code approach}, named {@code name} in the workers' thread names. */
  Outcome run(String name, Approach approach, Cell cell) {
    int threads = cell.threads();
    long[][] samples = new long[threads][];
    int[] counts = new int[threads];
    AtomicLong errors = new AtomicLong();
    AtomicLong shorts = new AtomicLong();
    AtomicLong allOps = new AtomicLong();
    AtomicLong lastFinish = new AtomicLong(Long.MIN_VALUE);
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2]; // measureStart, end: set before go
    List<Thread> workers = new ArrayList<>(threads);
    for (int w = 0; w < threads; w++) {
      int worker = w;
      Thread t =
          new Thread(
              () -> {
                // The same sequence for every approach: seeded by cell and worker only.
                SplittableRandom random = new SplittableRandom(cell.seed() * 1_000_003L + worker);
                String prefix = cell.idPrefix() + worker + "-";
                long[] mine = new long[4096];
                int n = 0;
                long seq = 0;
                ready.countDown();
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                long measureStart = window[0];
                long end = window[1];
                long finish = Long.MIN_VALUE;
                while (true) {
                  long start = System.nanoTime();
                  if (start - end >= 0) {
                    break;
                  }
                  String[] skus = keys.next(cell.workload(), random);
                  boolean confirm = random.nextBoolean();
                  Request request = new Request(prefix + seq++, skus);
                  try {
                    if (!approach.reserve(request)) {
                      shorts.incrementAndGet();
                    } else if (cell.op() == Op.CYCLE) {
                      approach.settle(request, confirm);
                    }
                  } catch (Exception | AssertionError e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                  }
                  long stop = System.nanoTime();
                  allOps.incrementAndGet();
                  if (start - measureStart >= 0) {
                    if (n == mine.length) {
                      mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = stop - start;
                    finish = stop;
                  }
                }
                samples[worker] = mine;
                counts[worker] = n;
                long f = finish;
                lastFinish.accumulateAndGet(f, Math::max);
              },
              "bench-" + name + "-" + worker);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    try {
      ready.await();
      long now = System.nanoTime();
      window[0] = now + warmup.toNanos();
      window[1] = window[0] + duration.toNanos();
      go.countDown();
      for (Thread t : workers) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    for (int w = 0; w < threads; w++) {
      if (samples[w] != null) {
        System.arraycopy(samples[w], 0, all, at, counts[w]);
        at += counts[w];
      }
    }
    Arrays.sort(all);
    double seconds =
        total == 0 ? duration.toNanos() / 1e9 : Math.max(lastFinish.get() - window[0], 1) / 1e9;
    CellResult.Figures figures =
        new CellResult.Figures(
            total,
            seconds,
            Stats.percentile(all, 0.50) / 1e6,
            Stats.percentile(all, 0.99) / 1e6,
            errors.get(),
            shorts.get());
    return new Outcome(figures, firstError.get(), allOps.get());
  }
}
