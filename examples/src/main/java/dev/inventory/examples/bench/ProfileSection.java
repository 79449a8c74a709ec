package dev.inventory.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a reserve's time goes: for every workload, operation and timed approach, one thread's
 * statements, round trips, commits and rows per operation, its mean latency and the CPU of the
 * client thread and of its backend ({@link Profiler}). For one-line reserves also {@code
 * library-sql}, the library's own statement through plain JDBC: the Java layers against the SQL.
 * Run after the matrix, so that the JIT has compiled every approach's path.
 */
final class ProfileSection {
  private final Run run;
  private final List<Profiler.Row> rows = new ArrayList<>();

  ProfileSection(Run run) {
    this.run = run;
  }

  void run() throws Exception {
    Plan plan = run.plan();
    Report report = run.report();
    Profiler profiler = new Profiler(run.admin(), plan.synchronousCommit(), run.keys());
    int n = 0;
    for (Workload w : plan.workloads()) {
      for (Op op : plan.ops()) {
        for (String approach : run.approaches()) {
          report.progress("Profile: %s %s %s ...", w, op, approach);
          Backend backend = run.backends().get(approach);
          rows.add(
              profiler.run(
                  approach,
                  run.schemas().of(approach),
                  pool -> backend.open(pool, 1),
                  w,
                  op,
                  plan.profileOps(),
                  run.runTag() + "-p" + (n++) + "-"));
        }
        if (op == Op.RESERVE
            && w != Workload.CART
            && run.approaches().contains(Approaches.LIBRARY)) {
          // The library's own statement through plain JDBC, in the library's schema: Java layers
          // versus SQL.
          report.progress("Profile: %s %s %s ...", w, op, LibrarySqlApproach.NAME);
          String schema = run.schemas().of(Approaches.LIBRARY);
          rows.add(
              profiler.run(
                  LibrarySqlApproach.NAME,
                  schema,
                  pool -> new LibrarySqlApproach(pool, schema),
                  w,
                  op,
                  plan.profileOps(),
                  run.runTag() + "-p" + (n++) + "-"));
        }
      }
    }
  }

  void print() {
    if (rows.isEmpty()) {
      return;
    }
    Report report = run.report();
    report.line("");
    report.line(
        "Per operation at 1 thread (driver calls counted under the pool; rows from"
            + " pg_stat_user_tables)");
    report.line(
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
    for (Profiler.Row r : rows) {
      report.line(
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
    report.line(
        "java µs: CPU of the calling thread per op; pg µs: CPU of its backend per op"
            + " (/proc/<pid>/schedstat, local servers only).");
  }

  /** {@code profile.csv}. */
  String csv() {
    StringBuilder csv =
        new StringBuilder(
            "workload,op,approach,ops,borrows_per_op,statements_per_op,round_trips_per_op,"
                + "commits_per_op,rows_inserted_per_op,rows_updated_per_op,mean_ms,"
                + "client_cpu_us_per_op,server_cpu_us_per_op\n");
    for (Profiler.Row r : rows) {
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
}
