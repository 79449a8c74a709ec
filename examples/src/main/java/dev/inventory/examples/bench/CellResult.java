package dev.inventory.examples.bench;

import java.util.Map;

/**
 * One measured cell of one round: a workload, an operation, a thread count and an approach.
 *
 * @param opsPerSecond completed operations per second of the measured window (after warm-up)
 * @param p50Millis median latency of an operation
 * @param p99Millis 99th percentile latency of an operation
 * @param borrowsPerOp pool borrows per operation
 * @param poolWaitMillisPerOp time spent waiting for the pool, per operation
 * @param waits share of sampled backend states per {@link WaitSampler} category
 */
record CellResult(
    String workload,
    String op,
    int threads,
    String approach,
    int round,
    int poolSize,
    long ops,
    double seconds,
    double opsPerSecond,
    double p50Millis,
    double p99Millis,
    long errors,
    long shorts,
    double borrowsPerOp,
    double poolWaitMillisPerOp,
    Long logRows,
    Map<String, Double> waits) {}
