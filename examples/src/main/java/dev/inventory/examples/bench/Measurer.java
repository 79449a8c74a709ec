package dev.inventory.examples.bench;

import java.util.Map;
import javax.sql.DataSource;

/**
 * Measures cells on one pool and builds their {@link CellResult}: the cell runner's figures, the
 * pool's borrows and waits per operation, and what the benchmark's backends were doing meanwhile.
 */
final class Measurer {
  private final CellRunner runner;
  private final TimedDataSource pool;
  private final DataSource admin;

  /**
   * @param pool the pool every approach of the cells was opened on
   * @param admin where the wait sampler reads {@code pg_stat_activity}
   */
  Measurer(CellRunner runner, TimedDataSource pool, DataSource admin) {
    this.runner = runner;
    this.pool = pool;
    this.admin = admin;
  }

  CellResult measure(CellResult.Label label, Approach approach, CellRunner.Cell cell) {
    long borrowsBefore = pool.borrows();
    long waitBefore = pool.waitNanos();
    WaitSampler sampler = new WaitSampler(admin, BenchPools.APPLICATION_NAME);
    sampler.start();
    CellRunner.Outcome o = runner.run(label.approach(), approach, cell);
    Map<String, Double> waits = sampler.stop();
    // Borrows and pool waits are counted over warm-up and measurement alike: per op of both.
    double allOps = Math.max(o.allOps(), 1);
    if (o.firstError() != null) {
      System.err.println("  first error of " + label.approach() + ": " + o.firstError());
    }
    CellResult.PoolUse use =
        new CellResult.PoolUse(
            (pool.borrows() - borrowsBefore) / allOps,
            (pool.waitNanos() - waitBefore) / allOps / 1e6);
    return new CellResult(label, o.figures(), use, waits);
  }
}
