package dev.inventory.examples.bench;

import java.util.Map;

/**
 * One measured cell of one round, as the tables and {@code results.csv} show it: what ran, what it
 * did, how it used the pool, and what its backends were doing.
 *
 * @param waits share of sampled backend states per {@link WaitSampler} category (empty if none)
 */
record CellResult(Label label, Figures figures, PoolUse pool, Map<String, Double> waits) {

  CellResult {
    waits = Map.copyOf(waits);
  }

  /**
   * What ran: the section of the run, the workload and operation (as labelled in the tables), the
   * threads, the approach, the round, the pool's size, and the log's size in the growth section.
   */
  record Label(
      String section,
      String workload,
      String op,
      int threads,
      String approach,
      int round,
      int poolSize,
      Long logRows) {

    /** A cell's label as the runner ran it. */
    static Label of(
        String section, CellRunner.Cell cell, String approach, int poolSize, Long logRows) {
      return new Label(
          section,
          cell.workload().label,
          cell.op().label,
          cell.threads(),
          approach,
          cell.round(),
          poolSize,
          logRows);
    }
  }

  /**
   * What it did in the measured window (after warm-up).
   *
   * @param ops completed operations
   * @param p50Millis median latency of an operation
   * @param p99Millis 99th percentile latency of an operation
   * @param errors operations that failed
   * @param shorts reserves refused for short stock
   */
  record Figures(
      long ops, double seconds, double p50Millis, double p99Millis, long errors, long shorts) {

    /** Completed operations per second of the measured window. */
    double opsPerSecond() {
      return ops / seconds;
    }
  }

  /**
   * Pool borrows and time spent waiting for the pool, per operation, over warm-up and measurement.
   */
  record PoolUse(double borrowsPerOp, double waitMillisPerOp) {
    /** For work that does not go through a counted pool. */
    static final PoolUse UNCOUNTED = new PoolUse(Double.NaN, Double.NaN);
  }

  int round() {
    return label.round();
  }

  double opsPerSecond() {
    return figures.opsPerSecond();
  }
}
