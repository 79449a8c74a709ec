package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.examples.ExampleDatabase;
import dev.inventory.jdbc.JdbcInventory;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code bench}: does it oversell, and how fast is it on a hot SKU? Measures the library against
 * hand-written alternatives in one run, on the same pool, with rounds interleaved (A, B, C, A, B, C
 * ...) so that the ratios hold on a noisy machine.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Measures the library against hand-written alternatives on the same tables, the same pool"
          + " and the same request sequence, rounds interleaved (A, B, C, A, B, C ...).",
      "Approaches: library (Inventory.reserve, confirm, release, as it ships: flash-sale mode"
          + " on); library-uncombined (the same with flash-sale mode off); raw-update (one autocommit"
          + " conditional UPDATE, no log: the limit); raw-update-log (the same plus its log row in"
          + " one CTE); select-for-update (BEGIN; SELECT ... FOR UPDATE; check in Java; UPDATE;"
          + " INSERT the order; COMMIT); naive (read, check in Java, write: correctness table"
          + " only, never timed).",
      "Writes results.csv (one row per cell and round), correctness.csv, profile.csv,"
          + " summary.txt and throughput.svg to --out. Drops and recreates the schemas named"
          + " <schema-prefix>_*."
    },
    footer = {
      "",
      "Example (the full run of the README, about 45 minutes on 2 cores):",
      "  java -jar examples/target/inventory-examples.jar bench --duration 5s --rounds 3 \\",
      "      --growth 0,1M,10M --out bench-results"
    })
public final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--workload",
      split = ",",
      paramLabel = "NAME",
      description =
          "Workloads, comma-separated or repeated: hot (every request on one SKU), uniform (one"
              + " line on one of --uniform-skus SKUs), cart (--cart-lines SKUs of --cart-skus)."
              + " Default: hot,uniform,cart.")
  List<String> workloads = new ArrayList<>(List.of("hot", "uniform", "cart"));

  @Option(
      names = "--op",
      split = ",",
      paramLabel = "OP",
      description =
          "Operations: reserve (reserve only), cycle (reserve, then confirm or release; the pair"
              + " counts as one operation). Default: reserve,cycle.")
  List<String> ops = new ArrayList<>(List.of("reserve", "cycle"));

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N",
      description = "Closed-loop worker threads per cell, 1 to 512. Default: 1,8,32,64.")
  List<Integer> threads = new ArrayList<>(List.of(1, 8, 32, 64));

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Measured time of each cell, e.g. 500ms, 5s, 1m. Default: 5s.")
  String duration = "5s";

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      description = "Unrecorded warm-up before each cell's measurement. Default: 1s.")
  String warmup = "1s";

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description =
          "Rounds per cell, at least 3: each round runs every approach once, in turn. Default: 3.")
  int rounds = 3;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL to measure (user postgres unless the URL says user=). Default:"
              + " INVENTORY_JDBC_URL, else an embedded PostgreSQL started for the run.")
  String url;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory, created if missing. Default: bench-results.")
  Path out = Path.of("bench-results");

  @Option(
      names = "--approach",
      split = ",",
      paramLabel = "NAME",
      description =
          "Timed approaches: library, library-uncombined, raw-update, raw-update-log,"
              + " select-for-update. Default: all five. (naive is never timed; it is always in the"
              + " correctness table.)")
  List<String> approaches = new ArrayList<>(Approach.TIMED);

  @Option(
      names = "--growth",
      split = ",",
      paramLabel = "ROWS",
      description =
          "Log sizes at which reserve is measured, ascending: one library schema per size, its"
              + " log filled to it, all measured in turn every round; k and M suffixes allowed (1M"
              + " = 1,000,000), or none. 10M takes minutes and about 2 GB of disk. Default: 0,1M.")
  List<String> growth = new ArrayList<>(List.of("0", "1M"));

  @Option(
      names = "--growth-threads",
      paramLabel = "N",
      description = "Threads of the growth measurements. Default: the largest of --threads.")
  Integer growthThreads;

  @Option(
      names = "--max-pool",
      paramLabel = "N",
      description =
          "Largest HikariCP pool: a cell's pool has min(threads, N) connections, the same for"
              + " every approach. Default: 64.")
  int maxPool = 64;

  @Option(
      names = "--synchronous-commit",
      paramLabel = "VALUE",
      description =
          "synchronous_commit of the benchmark's sessions: on, off, local, remote_write,"
              + " remote_apply, or server (keep the server's). Default: on (the embedded"
              + " PostgreSQL's own default is off).")
  String synchronousCommit = "on";

  @Option(
      names = "--uniform-skus",
      paramLabel = "N",
      description = "SKUs of the uniform workload. Default: 100000.")
  int uniformSkus = 100_000;

  @Option(
      names = "--cart-skus",
      paramLabel = "N",
      description = "SKUs the carts draw from. Default: 10000.")
  int cartSkus = 10_000;

  @Option(
      names = "--cart-lines",
      paramLabel = "N",
      description = "Lines per cart (distinct SKUs, one unit each). Default: 3.")
  int cartLines = 3;

  @Option(
      names = "--levels-keys",
      paramLabel = "N",
      description = "Keys per levels() call in the growth section. Default: 1000.")
  int levelsKeys = 1000;

  @Option(
      names = "--correctness-stock",
      paramLabel = "UNITS",
      description = "Units on the key the buyers race for in the correctness table. Default: 100.")
  long correctnessStock = 100;

  @Option(
      names = "--correctness-buyers",
      paramLabel = "N",
      description =
          "Concurrent buyers in the correctness table. Default: the largest of --threads.")
  Integer correctnessBuyers;

  @Option(
      names = "--profile-ops",
      paramLabel = "N",
      description =
          "Operations per approach in the one-thread profile (statements, round trips and rows"
              + " per operation); 0 skips it. Default: 300.")
  int profileOps = 300;

  @Option(
      names = "--schema-prefix",
      paramLabel = "NAME",
      description = "Prefix of the schemas the run drops and creates. Default: inventory_bench.")
  String schemaPrefix = "inventory_bench";

  @Option(
      names = "--keep-schemas",
      description = "Keep the schemas after the run (default: drop them, the log may be large).")
  boolean keepSchemas;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the request sequences. Default: 42.")
  long seed = 42;

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
  private static final Pattern COUNT = Pattern.compile("(\\d+)([kKmM]?)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final List<String> SYNC_VALUES =
      List.of("on", "off", "local", "remote_write", "remote_apply", "server");

  /** The options, checked and converted. */
  record Plan(
      List<Workload> workloads,
      List<Op> ops,
      List<Integer> threads,
      Duration duration,
      Duration warmup,
      List<String> approaches,
      List<Long> growth,
      int growthThreads,
      int correctnessBuyers) {}

  @Override
  public Integer call() throws Exception {
    Plan plan = plan();
    // The pools, Flyway and the embedded server log every start at INFO; the tables matter here.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Report report = new Report(System.out);
    Workload.Keys keys = new Workload.Keys(uniformSkus, cartSkus, cartLines);
    BenchSchemas schemas = new BenchSchemas(schemaPrefix);
    CellRunner runner = new CellRunner(keys, plan.warmup(), plan.duration());
    String runTag = Long.toString(System.currentTimeMillis(), 36);

    ExampleDatabase opened;
    try {
      opened = ExampleDatabase.open(url, 4);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      System.err.println("bench: cannot open the database: " + root.getMessage());
      return 1;
    }
    try (ExampleDatabase db = opened) {
      HikariDataSource admin = db.pool();
      BenchPools pools = new BenchPools(admin, synchronousCommit);
      report.progress("Setting up schemas %s_* on %s ...", schemaPrefix, db.description());
      schemas.dropAll(admin);
      for (String approach : Approach.ALL) {
        BenchSchemas.create(admin, schemas.of(approach));
        BenchSchemas.seed(admin, schemas.of(approach), keys);
        BenchSchemas.vacuumAnalyze(admin, schemas.of(approach));
      }
      Environment env;
      try (HikariDataSource one = pools.open(1)) {
        env = Environment.read(db.description(), one);
      }
      report.line("Inventory reservations benchmark");
      env.lines().forEach(report::line);
      report.line(
          "run:                workloads=%s ops=%s threads=%s duration=%s warm-up=%s rounds=%d"
              + " max-pool=%d approaches=%s",
          plan.workloads(),
          plan.ops(),
          plan.threads(),
          duration,
          warmup,
          rounds,
          maxPool,
          plan.approaches());

      correctness(report, pools, admin, schemas, plan, runTag);
      matrix(report, pools, admin, schemas, runner, plan, runTag);
      if (profileOps > 0) {
        // After the matrix, so that the JIT has compiled every approach's path.
        profile(report, admin, schemas, keys, plan, runTag);
      }
      report.printCorrectness();
      report.printProfile();
      report.printMatrix(plan.workloads(), plan.ops(), plan.threads(), plan.approaches());
      report.printWaits(
          plan.workloads(), plan.ops(), Collections.max(plan.threads()), plan.approaches());
      if (!plan.growth().isEmpty()) {
        growth(report, env, pools, admin, schemas, keys, runner, plan, runTag);
      }
      List<Workload> chartWorkloads = new ArrayList<>();
      for (Workload w : plan.workloads()) {
        if (w != Workload.CART) {
          chartWorkloads.add(w);
        }
      }
      report.line("");
      report.line(
          "Wrote results.csv, correctness.csv, profile.csv, summary.txt and throughput.svg"
              + " to "
              + out.toAbsolutePath().normalize());
      report.writeFiles(out, env, chartWorkloads, plan.ops(), plan.threads(), plan.approaches());
      if (!keepSchemas) {
        schemas.dropAll(admin);
      }
    }
    return 0;
  }

  // ------------------------------------------------------------------ sections

  private void correctness(
      Report report,
      BenchPools pools,
      DataSource admin,
      BenchSchemas schemas,
      Plan plan,
      String runTag)
      throws SQLException, InterruptedException {
    int buyers = plan.correctnessBuyers();
    report.progress(
        "Correctness: %d buyers race for %d units with each approach ...",
        buyers, correctnessStock);
    try (HikariDataSource pool = pools.open(Math.min(buyers, maxPool))) {
      Map<String, Approach> all = approaches(pool, schemas, Approach.ALL);
      report.addCorrectness(
          Correctness.run(all, admin, schemas, correctnessStock, buyers, runTag + "-"));
    }
  }

  private void profile(
      Report report,
      HikariDataSource admin,
      BenchSchemas schemas,
      Workload.Keys keys,
      Plan plan,
      String runTag)
      throws SQLException, InterruptedException {
    Profile profile = new Profile(admin, synchronousCommit, keys);
    int n = 0;
    for (Workload w : plan.workloads()) {
      for (Op op : plan.ops()) {
        for (String approach : plan.approaches()) {
          report.progress("Profile: %s %s %s ...", w, op, approach);
          Function<DataSource, Approach> factory =
              ds -> approaches(ds, schemas, List.of(approach)).get(approach);
          report.addProfile(
              profile.run(
                  approach,
                  schemas.of(approach),
                  factory,
                  w,
                  op,
                  profileOps,
                  runTag + "-p" + (n++) + "-"));
        }
        if (op == Op.RESERVE
            && w != Workload.CART
            && plan.approaches().contains(Approach.LIBRARY)) {
          // The library's own statement through plain JDBC, in the library's schema: Java layers
          // versus SQL.
          report.progress("Profile: %s %s %s ...", w, op, LibrarySqlApproach.NAME);
          String schema = schemas.of(Approach.LIBRARY);
          report.addProfile(
              profile.run(
                  LibrarySqlApproach.NAME,
                  schema,
                  ds -> new LibrarySqlApproach(ds, schema),
                  w,
                  op,
                  profileOps,
                  runTag + "-p" + (n++) + "-"));
        }
      }
    }
  }

  private void matrix(
      Report report,
      BenchPools pools,
      DataSource admin,
      BenchSchemas schemas,
      CellRunner runner,
      Plan plan,
      String runTag)
      throws SQLException {
    int cellNo = 0;
    int total =
        plan.threads().size()
            * plan.workloads().size()
            * plan.ops().size()
            * rounds
            * plan.approaches().size();
    for (int threadCount : plan.threads()) {
      int poolSize = Math.min(threadCount, maxPool);
      try (HikariDataSource pool = pools.open(poolSize)) {
        TimedDataSource timed = new TimedDataSource(pool);
        Map<String, Approach> approaches = approaches(timed, schemas, plan.approaches());
        for (Workload w : plan.workloads()) {
          for (Op op : plan.ops()) {
            for (int round = 1; round <= rounds; round++) {
              long cellSeed =
                  seed * 7919
                      + w.ordinal() * 1_000_003L
                      + op.ordinal() * 10_007L
                      + threadCount * 101L
                      + round;
              for (String name : plan.approaches()) {
                cellNo++;
                CellRunner.Cell cell =
                    new CellRunner.Cell(
                        w, op, threadCount, round, cellSeed, runTag + "-" + cellNo + "-");
                CellResult result =
                    measure(runner, approaches.get(name), cell, timed, poolSize, admin, null);
                report.add(Report.SECTION_BENCH, result);
                report.progress(
                    "[%d/%d] %-7s %-7s %3d threads  round %d  %-18s %9.0f ops/s  p50 %6.2f ms"
                        + "  p99 %7.2f ms%s",
                    cellNo,
                    total,
                    w,
                    op,
                    threadCount,
                    round,
                    name,
                    result.opsPerSecond(),
                    result.p50Millis(),
                    result.p99Millis(),
                    result.errors() > 0 ? "  errors " + result.errors() : "");
              }
            }
          }
        }
      }
    }
  }

  private CellResult measure(
      CellRunner runner,
      Approach approach,
      CellRunner.Cell cell,
      TimedDataSource timed,
      int poolSize,
      DataSource admin,
      Long logRows) {
    long borrowsBefore = timed.borrows();
    long waitBefore = timed.waitNanos();
    WaitSampler sampler = new WaitSampler(admin, BenchPools.APPLICATION_NAME);
    sampler.start();
    CellRunner.Outcome o = runner.run(approach, cell);
    Map<String, Double> waits = sampler.stop();
    // Borrows and pool waits are counted over warm-up and measurement alike: per op of both.
    double allOps = Math.max(o.allOps(), 1);
    if (o.firstError() != null) {
      System.err.println("  first error of " + approach.name() + ": " + o.firstError());
    }
    return new CellResult(
        cell.workload().label,
        cell.op().label,
        cell.threads(),
        approach.name(),
        cell.round(),
        poolSize,
        o.ops(),
        o.seconds(),
        o.opsPerSecond(),
        o.p50Millis(),
        o.p99Millis(),
        o.errors(),
        o.shorts(),
        (timed.borrows() - borrowsBefore) / allOps,
        (timed.waitNanos() - waitBefore) / allOps / 1e6,
        logRows,
        waits);
  }

  private void growth(
      Report report,
      Environment env,
      BenchPools pools,
      HikariDataSource admin,
      BenchSchemas schemas,
      Workload.Keys keys,
      CellRunner runner,
      Plan plan,
      String runTag)
      throws SQLException {
    // One library schema per log size, all measured in every round, in turn, so the smallest log
    // is the control. Measured one size after the other, a larger log also met the holds the
    // earlier cells had left and whatever the machine was doing by then: a 0.4 M log measured
    // after an empty one read -5 % (hot) and -17 % (uniform) with the log barely grown.
    Growth growth = new Growth(admin, keys);
    List<String> schemaNames = new ArrayList<>();
    List<Long> logRows = new ArrayList<>();
    for (long size : plan.growth()) {
      String schema = schemas.growth(schemaNames.size());
      BenchSchemas.create(admin, schema);
      BenchSchemas.seed(admin, schema, keys);
      BenchSchemas.vacuumAnalyze(admin, schema);
      report.progress("Growth: filling the log of %s to %,d rows ...", schema, size);
      long started = System.nanoTime();
      growth.fillLog(schema, size);
      long rows = growth.logRows(schema);
      report.progress(
          "Growth: log of %s at %,d rows (filled in %.0f s)",
          schema, rows, (System.nanoTime() - started) / 1e9);
      schemaNames.add(schema);
      logRows.add(rows);
    }
    growth.checkpoint();
    int threadCount = plan.growthThreads();
    int poolSize = Math.min(threadCount, maxPool);
    List<Workload> workloads = List.of(Workload.HOT, Workload.UNIFORM);
    int cellNo = 0;
    try (HikariDataSource pool = pools.open(poolSize)) {
      TimedDataSource timed = new TimedDataSource(pool);
      List<Inventory> inventories = new ArrayList<>();
      for (String schema : schemaNames) {
        inventories.add(JdbcInventory.builder(timed).schema(schema).migrate(false).build());
      }
      for (Workload w : workloads) {
        for (int round = 1; round <= rounds; round++) {
          long cellSeed = seed * 31 + w.ordinal() * 1_000_003L + round;
          for (int i = 0; i < schemaNames.size(); i++) {
            cellNo++;
            CellRunner.Cell cell =
                new CellRunner.Cell(
                    w, Op.RESERVE, threadCount, round, cellSeed, runTag + "-g" + cellNo + "-");
            Approach library = new LibraryApproach(Approach.LIBRARY, inventories.get(i));
            CellResult result =
                measure(runner, library, cell, timed, poolSize, admin, logRows.get(i));
            report.add(Report.SECTION_GROWTH, result);
            report.progress(
                "Growth: log %,d  %-7s round %d  library %9.0f ops/s  p50 %6.2f ms  p99 %7.2f ms",
                logRows.get(i),
                w,
                round,
                result.opsPerSecond(),
                result.p50Millis(),
                result.p99Millis());
          }
        }
      }
      report.printGrowth(workloads, threadCount);
      String largest = schemaNames.get(schemaNames.size() - 1);
      report.line(
          "the largest log's key index (id / 262144, sku, location, id) is %s; appends touch only"
              + " its newest era; shared_buffers is %s.",
          growth.keyIndexSize(largest), env.sharedBuffers());

      // levels() of 1,000 keys and expireDue on the largest log, with the growth cells' holds.
      Approach levels = growth.levelsProbe(inventories.get(inventories.size() - 1), levelsKeys);
      for (int round = 1; round <= rounds; round++) {
        CellRunner.Cell cell =
            new CellRunner.Cell(Workload.UNIFORM, Op.RESERVE, 1, round, round, "unused-");
        CellResult r = measure(runner, levels, cell, timed, poolSize, admin, null);
        report.add(Report.SECTION_LEVELS, relabel(r, "uniform", "levels-" + levelsKeys));
      }
      report.printSection(
          Report.SECTION_LEVELS,
          "levels() of " + levelsKeys + " keys at 1 thread (calls per second)");

      // expireDue: the holds of the growth cells, expired with a clock past their TTL.
      for (int round = 1; round <= rounds; round++) {
        double[] e = Growth.expire(timed, largest, 1000, runner.duration());
        if (e[0] == 0) {
          break;
        }
        double seconds = e[1] / 1e9;
        report.add(
            Report.SECTION_EXPIRE,
            new CellResult(
                "uniform",
                "expireDue-1000",
                1,
                Approach.LIBRARY,
                round,
                poolSize,
                (long) e[0],
                seconds,
                e[0] / seconds,
                e[2] / 1e6,
                e[3] / 1e6,
                0,
                0,
                Double.NaN,
                Double.NaN,
                null,
                Map.of()));
      }
      report.printSection(
          Report.SECTION_EXPIRE,
          "expireDue(1000) at 1 thread (holds expired per second; latency per call)");
    }
  }

  private static CellResult relabel(CellResult r, String workload, String op) {
    return new CellResult(
        workload,
        op,
        r.threads(),
        r.approach(),
        r.round(),
        r.poolSize(),
        r.ops(),
        r.seconds(),
        r.opsPerSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.errors(),
        r.shorts(),
        r.borrowsPerOp(),
        r.poolWaitMillisPerOp(),
        r.logRows(),
        r.waits());
  }

  /** The approaches by name, each on its own schema, all on this pool. */
  private Map<String, Approach> approaches(
      DataSource pool, BenchSchemas schemas, List<String> names) {
    Map<String, Approach> built = new LinkedHashMap<>();
    for (String name : names) {
      String schema = schemas.of(name);
      switch (name) {
        case Approach.LIBRARY:
        case Approach.LIBRARY_UNCOMBINED:
          built.put(
              name,
              new LibraryApproach(
                  name,
                  JdbcInventory.builder(pool)
                      .schema(schema)
                      .migrate(false)
                      .combining(!name.equals(Approach.LIBRARY_UNCOMBINED))
                      .build()));
          break;
        case Approach.RAW_UPDATE:
          built.put(name, new RawUpdateApproach(pool, schema, false));
          break;
        case Approach.RAW_UPDATE_LOG:
          built.put(name, new RawUpdateApproach(pool, schema, true));
          break;
        case Approach.SELECT_FOR_UPDATE:
          built.put(name, new SelectForUpdateApproach(pool, schema, cartLines));
          break;
        case Approach.NAIVE:
          built.put(name, new NaiveApproach(pool, schema));
          break;
        default:
          throw new IllegalArgumentException("unknown approach " + name);
      }
    }
    return built;
  }

  // ------------------------------------------------------------------ options

  /** The values in order, each once; a value the parser refuses is a usage error. */
  private <T> List<T> parseDistinct(String option, List<String> values, Function<String, T> parse) {
    List<T> parsed = new ArrayList<>();
    for (String value : values) {
      T one;
      try {
        one = parse.apply(value.trim());
      } catch (IllegalArgumentException e) {
        throw bad(option + ": " + e.getMessage());
      }
      if (!parsed.contains(one)) {
        parsed.add(one);
      }
    }
    return parsed;
  }

  Plan plan() {
    List<Workload> ws = parseDistinct("--workload", workloads, Workload::parse);
    List<Op> os = parseDistinct("--op", ops, Op::parse);
    List<Integer> ts = new ArrayList<>();
    for (int t : threads) {
      if (t < 1 || t > 512) {
        throw bad("--threads: each count must be between 1 and 512, but was " + t);
      }
      if (!ts.contains(t)) {
        ts.add(t);
      }
    }
    if (ws.isEmpty() || os.isEmpty() || ts.isEmpty()) {
      throw bad("--workload, --op and --threads need at least one value each");
    }
    Duration d = duration("--duration", duration);
    Duration wu = duration("--warmup", warmup);
    if (d.isZero()) {
      throw bad("--duration must be positive, but was " + duration);
    }
    if (rounds < 3 || rounds > 100) {
      throw bad(
          "--rounds must be between 3 and 100 (a median of fewer than 3 rounds is not robust),"
              + " but was "
              + rounds);
    }
    List<String> as = new ArrayList<>();
    for (String a : approaches) {
      String name = a.trim();
      if (name.equals(Approach.NAIVE)) {
        throw bad("--approach: naive is never timed (it oversells); see the correctness table");
      }
      if (!Approach.TIMED.contains(name)) {
        throw bad("--approach: unknown approach '" + name + "': expected one of " + Approach.TIMED);
      }
      if (!as.contains(name)) {
        as.add(name);
      }
    }
    if (as.isEmpty()) {
      throw bad("--approach needs at least one approach");
    }
    List<Long> gs = new ArrayList<>();
    if (!(growth.size() == 1 && growth.get(0).trim().equalsIgnoreCase("none"))) {
      long previous = -1;
      for (String g : growth) {
        long rows = count("--growth", g);
        if (rows <= previous) {
          throw bad("--growth: sizes must be ascending, but " + g + " follows " + previous);
        }
        gs.add(rows);
        previous = rows;
      }
    }
    int gt = growthThreads != null ? growthThreads : Collections.max(ts);
    range("--growth-threads", gt, 1, 512);
    range("--max-pool", maxPool, 1, 512);
    if (!SYNC_VALUES.contains(synchronousCommit)) {
      throw bad(
          "--synchronous-commit must be one of "
              + SYNC_VALUES
              + ", but was '"
              + synchronousCommit
              + "'");
    }
    range("--uniform-skus", uniformSkus, 1, 10_000_000);
    range("--cart-skus", cartSkus, 1, 10_000_000);
    range("--levels-keys", levelsKeys, 1, 100_000);
    if (cartLines < 1 || cartLines > Math.min(100, cartSkus)) {
      throw bad("--cart-lines must be between 1 and min(100, --cart-skus), but was " + cartLines);
    }
    range("--correctness-stock", correctnessStock, 1, 1_000_000);
    int buyers = correctnessBuyers != null ? correctnessBuyers : Collections.max(ts);
    range("--correctness-buyers", buyers, 1, 512);
    range("--profile-ops", profileOps, 0, 1_000_000);
    if (!IDENTIFIER.matcher(schemaPrefix).matches()) {
      throw bad(
          "--schema-prefix must be a plain lower-case SQL identifier of at most 40 characters"
              + " (a-z, 0-9, _), but was '"
              + schemaPrefix
              + "'");
    }
    return new Plan(ws, os, ts, d, wu, as, gs, gt, buyers);
  }

  private void range(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw bad(option + " must be between " + min + " and " + max + ", but was " + value);
    }
  }

  private Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw bad(option + ": invalid duration '" + text + "': use e.g. 500ms, 5s or 1m");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = amount * ("ms".equals(unit) ? 1 : "s".equals(unit) ? 1_000 : 60_000);
    if (millis > 3_600_000) {
      throw bad(option + " must be at most 1 hour, but was " + text);
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private long count(String option, String text) {
    Matcher m = COUNT.matcher(text.trim());
    if (!m.matches()) {
      throw bad(option + ": invalid row count '" + text + "': use e.g. 0, 500000, 1M or 10M");
    }
    long n = Long.parseLong(m.group(1));
    String suffix = m.group(2).toLowerCase(java.util.Locale.ROOT);
    long rows = "k".equals(suffix) ? n * 1_000 : "m".equals(suffix) ? n * 1_000_000 : n;
    if (rows > 1_000_000_000L) {
      throw bad(option + ": at most 1000M rows, but was " + text);
    }
    return rows;
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
