package dev.inventory.examples.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The options of a run, checked and converted by {@link BenchOptions#plan}: every section reads its
 * settings here.
 *
 * @param durationText {@code --duration} as given, for the header
 * @param warmupText {@code --warmup} as given, for the header
 * @param approaches the timed approaches asked for, each once, in the order given
 * @param growth the log sizes of the growth section, ascending; empty for none
 * @param keepSchemas whether the schemas stay after the run ({@code --keep})
 */
record Plan(
    List<Workload> workloads,
    List<Op> ops,
    List<Integer> threads,
    Duration duration,
    String durationText,
    Duration warmup,
    String warmupText,
    int rounds,
    List<String> approaches,
    List<Long> growth,
    int growthThreads,
    int maxPool,
    String synchronousCommit,
    int uniformSkus,
    int cartSkus,
    int cartLines,
    int levelsKeys,
    long correctnessStock,
    int correctnessBuyers,
    int profileOps,
    String schemaPrefix,
    boolean keepSchemas,
    long seed,
    Path out,
    String redisUrl,
    String amqpUrl) {

  Plan {
    workloads = List.copyOf(workloads);
    ops = List.copyOf(ops);
    threads = List.copyOf(threads);
    approaches = List.copyOf(approaches);
    growth = List.copyOf(growth);
  }

  int maxThreads() {
    return java.util.Collections.max(threads);
  }

  /** The pool of a cell of {@code threads} workers: as many connections, up to --max-pool. */
  int poolSize(int threadCount) {
    return Math.min(threadCount, maxPool);
  }

  Workload.Keys keys() {
    return new Workload.Keys(uniformSkus, cartSkus, cartLines);
  }
}
