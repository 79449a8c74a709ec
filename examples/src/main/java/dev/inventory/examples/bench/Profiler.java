package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Profiles one approach, counted rather than guessed: one thread runs a few hundred operations of
 * it on a pool of one connection whose driver calls are counted under the pool (so the pool's own
 * calls count too), and the server's row counters of the approach's schema are read before and
 * after.
 */
final class Profiler {
  /**
   * Per operation: pool borrows, statements executed (batch entries counted one by one), round
   * trips (executes, batches, commits, rollbacks, validations), commits, rows inserted and updated
   * on the server, the mean latency at one thread, and the CPU time of one operation in the calling
   * Java thread and in its PostgreSQL backend ({@code /proc/<pid>/schedstat}; NaN when the server
   * is not on this machine).
   */
  record Row(
      String workload,
      String op,
      String approach,
      long ops,
      double borrows,
      double statements,
      double roundTrips,
      double commits,
      double rowsInserted,
      double rowsUpdated,
      double meanMillis,
      double clientCpuMicros,
      double serverCpuMicros) {}

  private static final int WARMUP_OPS = 50;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final HikariDataSource admin;
  private final String synchronousCommit;
  private final Workload.Keys keys;

  Profiler(HikariDataSource admin, String synchronousCommit, Workload.Keys keys) {
    this.admin = admin;
    this.synchronousCommit = synchronousCommit;
    this.keys = keys;
  }

  /** Counters of the driver calls under the pool. */
  static final class Counters {
    final AtomicLong statements = new AtomicLong();
    final AtomicLong roundTrips = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicLong pendingBatch = new AtomicLong();

    void reset() {
      statements.set(0);
      roundTrips.set(0);
      commits.set(0);
    }
  }

  /** How the profiled approach opens on the counting pool. */
  @FunctionalInterface
  interface Opener {
    Approach open(DataSource pool) throws Exception;
  }

  Row run(
      String approachName,
      String schema,
      Opener opener,
      Workload workload,
      Op op,
      int ops,
      String idPrefix)
      throws Exception {
    Counters counters = new Counters();
    long[] before = serverRows(schema);
    double totalNanos = 0;
    long borrows;
    long clientCpu;
    long serverCpu;
    try (HikariDataSource pool = countingPool(counters)) {
      TimedDataSource timed = new TimedDataSource(pool);
      try (Approach approach = opener.open(timed)) {
        SplittableRandom random = new SplittableRandom(7);
        int backendPid = backendPid(pool);
        counters.reset();
        long borrowsBefore = 0;
        long clientCpuBefore = 0;
        long serverCpuBefore = 0;
        for (int i = 0; i < WARMUP_OPS + ops; i++) {
          if (i == WARMUP_OPS) {
            counters.reset();
            borrowsBefore = timed.borrows();
            clientCpuBefore = THREADS.getCurrentThreadCpuTime();
            serverCpuBefore = backendCpuNanos(backendPid);
          }
          String[] skus = keys.next(workload, random);
          boolean confirm = random.nextBoolean();
          Request request = new Request(idPrefix + i, skus);
          long start = System.nanoTime();
          try {
            if (approach.reserve(request) && op == Op.CYCLE) {
              approach.settle(request, confirm);
            }
          } catch (Exception e) {
            throw new IllegalStateException(
                approachName + " failed while profiling: " + e.getMessage(), e);
          }
          if (i >= WARMUP_OPS) {
            totalNanos += System.nanoTime() - start;
          }
        }
        borrows = timed.borrows() - borrowsBefore;
        clientCpu = THREADS.getCurrentThreadCpuTime() - clientCpuBefore;
        long serverAfter = backendCpuNanos(backendPid);
        serverCpu = serverAfter < 0 || serverCpuBefore < 0 ? -1 : serverAfter - serverCpuBefore;
      }
    }
    long[] after = settledServerRows(schema, before);
    int all = WARMUP_OPS + ops;
    return new Row(
        workload.label,
        op.label,
        approachName,
        ops,
        (double) borrows / ops,
        (double) counters.statements.get() / ops,
        (double) counters.roundTrips.get() / ops,
        (double) counters.commits.get() / ops,
        (double) (after[0] - before[0]) / all,
        (double) (after[1] - before[1]) / all,
        totalNanos / ops / 1e6,
        clientCpu / 1e3 / ops,
        serverCpu < 0 ? Double.NaN : serverCpu / 1e3 / ops);
  }

  private static int backendPid(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** CPU time of a local PostgreSQL backend so far, in ns; -1 if it is not on this machine. */
  private static long backendCpuNanos(int pid) {
    try {
      String schedstat = Files.readString(Path.of("/proc", Integer.toString(pid), "schedstat"));
      return Long.parseLong(schedstat.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The row counters once the closed pool's backends have flushed their statistics (they do as they
   * exit): polled until they moved and then held still, for at most two seconds.
   */
  private long[] settledServerRows(String schema, long[] before)
      throws SQLException, InterruptedException {
    long[] last = serverRows(schema);
    for (int i = 0; i < 40; i++) {
      Thread.sleep(50);
      long[] now = serverRows(schema);
      boolean moved = now[0] != before[0] || now[1] != before[1];
      if (moved && now[0] == last[0] && now[1] == last[1]) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /** {inserted, updated} rows of the schema's tables, as the server counts them. */
  private long[] serverRows(String schema) throws SQLException {
    try (Connection c = admin.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0)"
                    + " FROM pg_stat_user_tables WHERE schemaname = ?")) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private HikariDataSource countingPool(Counters counters) {
    PGSimpleDataSource driver = new PGSimpleDataSource();
    driver.setURL(admin.getJdbcUrl());
    if (admin.getUsername() != null) {
      driver.setUser(admin.getUsername());
    }
    if (admin.getPassword() != null) {
      driver.setPassword(admin.getPassword());
    }
    driver.setApplicationName("inventory-bench-profile");
    BenchPools.addTimeouts(driver, admin.getJdbcUrl());
    DataSource counted = proxy(DataSource.class, driver, counters);
    HikariConfig config = new HikariConfig();
    config.setDataSource(counted);
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(1);
    config.setPoolName("inventory-bench-profile");
    if (!"server".equals(synchronousCommit)) {
      config.setConnectionInitSql("SET synchronous_commit = " + synchronousCommit);
    }
    HikariDataSource pool = new HikariDataSource(config);
    BenchPools.fill(pool, 1);
    return pool;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Object target, Counters counters) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          count(method, counters);
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          Class<?> returned = method.getReturnType();
          if (result != null
              && (returned == Connection.class
                  || returned == Statement.class
                  || returned == PreparedStatement.class
                  || returned == CallableStatement.class)) {
            return proxy(returned, result, counters);
          }
          return result;
        };
    return (T)
        Proxy.newProxyInstance(Profiler.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static void count(Method method, Counters counters) {
    Class<?> owner = method.getDeclaringClass();
    String name = method.getName();
    if (Statement.class.isAssignableFrom(owner)) {
      if (name.equals("addBatch")) {
        counters.pendingBatch.incrementAndGet();
      } else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
        counters.statements.addAndGet(counters.pendingBatch.getAndSet(0));
        counters.roundTrips.incrementAndGet();
      } else if (name.startsWith("execute")) {
        counters.statements.incrementAndGet();
        counters.roundTrips.incrementAndGet();
      }
    } else if (owner == Connection.class) {
      if (name.equals("commit")) {
        counters.commits.incrementAndGet();
        counters.roundTrips.incrementAndGet();
      } else if (name.equals("rollback") || name.equals("isValid")) {
        counters.roundTrips.incrementAndGet();
      }
    }
  }
}
