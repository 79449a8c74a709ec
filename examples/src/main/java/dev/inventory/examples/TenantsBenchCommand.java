package dev.inventory.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.BulkEntry;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.JdbcTenants;
import dev.inventory.jdbc.Tenant;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tenants-bench}: what one schema per tenant costs, at one tenant and at many. A benchmark,
 * not a test: it prints figures, and checks only that the work was done.
 */
@Command(
    name = "tenants-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Measures the schema-per-tenant model of JdbcTenants: creates one tenant (its schema"
          + " migrated, a role of its own granted it), times the start-up of its inventory and its"
          + " reserves (hot: one SKU; uniform: --skus SKUs); creates the other --tenants - 1"
          + " tenants, timing each; then times start-up and reserves on the first tenant again,"
          + " reserves spread over the first k tenants' inventories for each k of --spread (one"
          + " pool for all), over one and over every tenant with flash-sale mode off, over every"
          + " tenant with a driver that caches 4,096 statements per connection instead of 256,"
          + " and migrateAll.",
      "Drops what it created at the end (schemas, registry, roles) unless --keep."
    })
public final class TenantsBenchCommand implements Callable<Integer> {
  private static final String LOCATION = "bench";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL to measure, as a role that may create schemas and roles. Default:"
              + " INVENTORY_JDBC_URL, else an embedded PostgreSQL started for the run.")
  String url;

  @Option(
      names = "--tenants",
      paramLabel = "N",
      description = "Tenants in the end, 1 to 2000. Default: 500.")
  int tenants = 500;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads that reserve, 1 to 512. Default: 64.")
  int threads = 64;

  @Option(
      names = "--pool",
      paramLabel = "N",
      description = "Connections of the one pool every tenant's inventory shares. Default: 16.")
  int poolSize = 16;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description = "Length of each timed round, e.g. 3s. Default: 3s.")
  String duration = "3s";

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Timed rounds per measurement (the median is shown), 1 to 20. Default: 3.")
  int rounds = 3;

  @Option(
      names = "--skus",
      paramLabel = "N",
      description = "SKUs per tenant, 1 to 100000. Default: 1000.")
  int skus = 1000;

  @Option(
      names = "--prefix",
      paramLabel = "NAME",
      description = "Prefix of every schema and role the run creates. Default: tbench.")
  String prefix = "tbench";

  @Option(
      names = "--spread",
      paramLabel = "K",
      split = ",",
      description =
          "Numbers of tenants to spread reserves over, besides --tenants (always measured)."
              + " Default: 1,10,100.")
  List<Integer> spread = List.of(1, 10, 100);

  @Option(names = "--keep", negatable = false, description = "Keep what the run created.")
  boolean keep;

  private Duration round;

  /** Every reserve the run made, warm-up rounds included. */
  private final java.util.concurrent.atomic.AtomicLong reserved =
      new java.util.concurrent.atomic.AtomicLong();

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    try (ExampleDatabase db = ExampleDatabase.open(url, poolSize)) {
      DataSource pool = db.dataSource();
      out.printf(
          "Database: %s; %d cores, Java %s; %d threads, pool of %d, rounds of %s (median of %d)%n",
          db.description(),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          threads,
          poolSize,
          duration,
          rounds);
      dropAll(pool);
      try {
        run(pool, out);
      } finally {
        if (!keep) {
          dropAll(pool);
        }
      }
      out.flush();
      return 0;
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    OptionChecks.range(cl, "--tenants", tenants, 1, 2000);
    OptionChecks.range(cl, "--threads", threads, 1, 512);
    OptionChecks.range(cl, "--pool", poolSize, 1, 90);
    OptionChecks.range(cl, "--rounds", rounds, 1, 20);
    OptionChecks.range(cl, "--skus", skus, 1, 100_000);
    OptionChecks.schema(cl, "--prefix", prefix);
    OptionChecks.range(cl, "--prefix length", prefix.length(), 1, 20);
    round =
        OptionChecks.duration(
            cl, "--duration", duration, Duration.ofMillis(100), Duration.ofMinutes(10));
  }

  private void run(DataSource pool, PrintWriter out) throws Exception {
    JdbcTenants registry =
        JdbcTenants.builder(pool)
            .registrySchema(prefix + "_registry")
            .schemaPrefix(prefix + "_")
            .build();

    out.printf("%nWith 1 tenant:%n");
    long started = System.nanoTime();
    Tenant first = create(pool, registry, 1);
    out.printf("  %-60s %9.0f ms%n", "create (migrate V1-V13, grant its role)", ms(started));
    seed(pool, registry, first);
    measure(pool, registry, first, out);

    out.printf("%nCreating %,d more tenants, one after the other:%n", tenants - 1);
    double[] creates = new double[tenants - 1];
    long all = System.nanoTime();
    for (int n = 2; n <= tenants; n++) {
      long t = System.nanoTime();
      create(pool, registry, n);
      creates[n - 2] = ms(t);
    }
    if (creates.length > 0) {
      Arrays.sort(creates);
      out.printf(
          "  %-60s %9.0f ms  (median %.0f, p95 %.0f, max %.0f ms per tenant)%n",
          "create each", ms(all), pct(creates, 50), pct(creates, 95), creates[creates.length - 1]);
    }
    out.printf("  %-60s %,9d%n", "relations in the tenants' schemas", relations(pool));

    out.printf("%nWith %,d tenants:%n", tenants);
    measure(pool, registry, first, out);
    List<Tenant> everyone = registry.list();
    for (Tenant tenant : everyone) {
      if (!tenant.name().equals(first.name())) {
        seed(pool, registry, tenant);
      }
    }
    TreeSet<Integer> counts = new TreeSet<>();
    spread.stream().filter(k -> k >= 1 && k < tenants).forEach(counts::add);
    counts.add(tenants);
    for (int k : counts) {
      spread(pool, registry, everyone.subList(0, k), true, "", out);
    }
    // A batch of flash-sale mode never spans two schemas: without it, is there a difference?
    spread(pool, registry, everyone.subList(0, 1), false, ", flash-sale mode off", out);
    spread(pool, registry, everyone, false, ", flash-sale mode off", out);
    if (pool instanceof HikariDataSource hikari) {
      // PgJDBC keeps 256 statements per connection prepared on the server; every tenant's
      // statements are texts of their own (the schema is in them): does the cache decide it?
      HikariConfig config = new HikariConfig();
      hikari.copyStateTo(config);
      config.setPoolName(hikari.getPoolName() + "-cache4096");
      config.addDataSourceProperty("preparedStatementCacheQueries", "4096");
      config.addDataSourceProperty("preparedStatementCacheSizeMiB", "64");
      try (HikariDataSource cached = new HikariDataSource(config)) {
        spread(cached, registry, everyone, true, ", 4,096 stmts cached", out);
      }
    }
    long migrated = System.nanoTime();
    int checked = registry.migrateAll();
    out.printf(
        "  %-60s %9.0f ms  (%d schemas up to date: Flyway's check and the grants)%n",
        "migrateAll", ms(migrated), checked);
  }

  /** Start-up of the first tenant's inventory, and its reserves, hot and uniform. */
  private void measure(DataSource pool, JdbcTenants registry, Tenant tenant, PrintWriter out)
      throws Exception {
    double[] builds = new double[5];
    Inventory inventory = null;
    for (int i = 0; i < builds.length; i++) {
      long t = System.nanoTime();
      inventory = registry.inventoryBuilder(tenant.name(), pool).allowNoTimeouts(true).build();
      builds[i] = ms(t);
    }
    Arrays.sort(builds);
    out.printf(
        "  %-60s %9.1f ms  (median of 5)%n", "start-up: build() of its inventory", builds[2]);
    Inventory only = inventory;
    out.printf(
        "  %-60s %,9.0f /s%n", "reserve, hot (one SKU), first tenant", median(i -> only, k -> 0));
    out.printf(
        "  %-60s %,9.0f /s%n",
        "reserve, uniform (" + skus + " SKUs), first tenant",
        median(i -> only, k -> ThreadLocalRandom.current().nextInt(skus)));
  }

  /** Reserves spread over these tenants' inventories, all on the one pool. */
  private void spread(
      DataSource pool,
      JdbcTenants registry,
      List<Tenant> over,
      boolean combining,
      String note,
      PrintWriter out)
      throws Exception {
    List<Inventory> inventories = new ArrayList<>(over.size());
    for (Tenant tenant : over) {
      inventories.add(
          registry
              .inventoryBuilder(tenant.name(), pool)
              .allowNoTimeouts(true)
              .combining(combining)
              .build());
    }
    long[] before = serverCounters(pool);
    long ops = reserved.get();
    double rate =
        median(
            i -> inventories.get(ThreadLocalRandom.current().nextInt(inventories.size())),
            k -> ThreadLocalRandom.current().nextInt(skus));
    ops = reserved.get() - ops;
    long[] after = serverCounters(pool);
    out.printf(
        "  %-60s %,9.0f /s  (per reserve: %.2f blocks read, %.2f full-page images, %.1f kB"
            + " of WAL)%n",
        "reserve, uniform, spread over " + over.size() + " tenants" + note,
        rate,
        (after[0] - before[0]) / (double) ops,
        (after[1] - before[1]) / (double) ops,
        (after[2] - before[2]) / 1024.0 / ops);
  }

  /**
   * Blocks the run's schemas read from outside shared buffers, and the server's full-page images
   * and WAL bytes so far (the last two: the whole server's, so other work on it shows too). Read
   * after a pause, as PostgreSQL publishes a backend's counters at most once a second.
   */
  private long[] serverCounters(DataSource pool) throws Exception {
    Thread.sleep(1500);
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (SELECT coalesce(sum(coalesce(heap_blks_read, 0)"
                    + " + coalesce(idx_blks_read, 0)), 0)::bigint"
                    + "          FROM pg_statio_user_tables WHERE starts_with(schemaname, ?)),"
                    + " (SELECT wal_fpi FROM pg_stat_wal), (SELECT wal_bytes::bigint FROM"
                    + " pg_stat_wal)")) {
      s.setString(1, prefix + "_");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  /** The median of {@link #rounds} rounds of reserves per second (after a warm-up round). */
  private double median(IntFunction<Inventory> inventoryOf, IntFunction<Integer> skuOf)
      throws Exception {
    reserves(inventoryOf, skuOf);
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      rates[r] = reserves(inventoryOf, skuOf);
    }
    Arrays.sort(rates);
    return rates[rounds / 2];
  }

  private double reserves(IntFunction<Inventory> inventoryOf, IntFunction<Integer> skuOf)
      throws Exception {
    AtomicInteger done = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  long end = window[1];
                  while (System.nanoTime() < end) {
                    Inventory inventory = inventoryOf.apply(0);
                    StockKey key = key(skuOf.apply(0));
                    try {
                      inventory.reserve(
                          ReservationRequest.builder(
                                  "r-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE))
                              .line(key, 1)
                              .ttl(Duration.ofHours(1))
                              .build());
                      done.incrementAndGet();
                      reserved.incrementAndGet();
                    } catch (InsufficientStockException e) {
                      throw new IllegalStateException("the run's stock ran out", e);
                    }
                  }
                  return null;
                }));
      }
      window[0] = System.nanoTime();
      window[1] = window[0] + round.toNanos();
      go.countDown();
      for (Future<?> f : futures) {
        f.get(round.toMillis() + 60_000, TimeUnit.MILLISECONDS);
      }
      return done.get() / ((System.nanoTime() - window[0]) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private Tenant create(DataSource pool, JdbcTenants registry, int n) throws SQLException {
    String role = prefix + "_role_" + n;
    execute(
        pool,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + role
            + "') THEN CREATE ROLE "
            + role
            + " NOLOGIN; END IF; END $$");
    return registry.create(name(n), role);
  }

  private String name(int n) {
    return String.format("t%04d", n);
  }

  /** Gives a tenant's SKUs stock that no run exhausts, in one bulk call. */
  private void seed(DataSource pool, JdbcTenants registry, Tenant tenant) {
    JdbcInventoryStore store =
        registry.inventoryBuilder(tenant.name(), pool).allowNoTimeouts(true).buildStore();
    List<BulkEntry> entries = new ArrayList<>(skus);
    for (int i = 0; i < skus; i++) {
      entries.add(BulkEntry.of(key(i), 1_000_000_000));
    }
    store.ledger().receiveAll(entries, "tenants-bench");
    // As the benchmark prepares its schemas: statistics and a visibility map before timing.
    try {
      execute(pool, "VACUUM ANALYZE " + tenant.schema() + ".stock_level");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StockKey key(int i) {
    return StockKey.of(String.format("SKU-%05d", i), LOCATION);
  }

  /** Tables, indexes and sequences in the run's schemas: what the catalog holds per tenant. */
  private long relations(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace"
                    + " WHERE starts_with(n.nspname, ?)")) {
      s.setString(1, prefix + "_");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Drops every schema and role of this run's prefix. */
  private void dropAll(DataSource pool) throws SQLException {
    List<String> schemas =
        names(pool, "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)");
    for (String schema : schemas) {
      execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    for (String role : names(pool, "SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?)")) {
      execute(pool, "DROP ROLE IF EXISTS " + role);
    }
  }

  private List<String> names(DataSource pool, String sql) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, prefix + "_");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    return names;
  }

  private static void execute(DataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  private static double ms(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e6;
  }

  private static double pct(double[] sorted, int percent) {
    return sorted[
        Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
  }
}
