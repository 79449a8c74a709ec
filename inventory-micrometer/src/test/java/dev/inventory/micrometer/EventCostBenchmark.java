package dev.inventory.micrometer;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryListener;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.memory.InMemoryInventory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What events cost on the hot path, measured in pairs: the same workload with no listener and with
 * {@link InventoryMetrics} (and, in memory, a listener that does nothing), in alternating rounds so
 * that the machine's drift hits both alike. Not a test; run it by hand:
 *
 * <pre>{@code
 * mvn -B -ntp -q -pl inventory-micrometer -am test-compile
 * mvn -B -ntp -q -pl inventory-micrometer exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=dev.inventory.micrometer.EventCostBenchmark -Dexec.args="memory postgres"
 * }</pre>
 *
 * <p>{@code memory}: 1 thread, reserve then confirm on InMemoryInventory, 200,000 pairs a round:
 * the library's own cost per call, where the events' share is largest. {@code postgres}: 16
 * threads, reserve then confirm of one line on 64 keys through JdbcInventory (flash-sale mode on),
 * 5 seconds a round, against the test database ({@code INVENTORY_TEST_JDBC_URL} or embedded).
 */
public final class EventCostBenchmark {
  private static final int ROUNDS = 7;

  private EventCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> what = args.length == 0 ? List.of("memory", "postgres") : Arrays.asList(args);
    System.out.println(
        "processors="
            + Runtime.getRuntime().availableProcessors()
            + " java="
            + System.getProperty("java.version"));
    if (what.contains("memory")) {
      memory();
    }
    if (what.contains("postgres")) {
      postgres();
    }
  }

  /** One setting of the pair: a name and how to make its listener (null: none). */
  private record Variant(String name, Function<Integer, InventoryListener> listener) {}

  private static final List<Variant> MEMORY_VARIANTS =
      List.of(
          new Variant("no listener", round -> null),
          new Variant("no-op listener", round -> new InventoryListener() {}),
          new Variant("InventoryMetrics", round -> InventoryMetrics.of(new SimpleMeterRegistry())));

  private static void memory() throws Exception {
    int pairs = 200_000;
    int chunk = 20_000; // a fresh inventory per chunk: the in-memory log stays small
    System.out.println(
        "in memory: 1 thread, "
            + pairs
            + " reserve+confirm a round, a fresh inventory per "
            + chunk);
    double[][] nsPerCall = new double[MEMORY_VARIANTS.size()][ROUNDS + 1];
    for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
      for (int v = 0; v < MEMORY_VARIANTS.size(); v++) {
        int index = (v + round) % MEMORY_VARIANTS.size();
        Variant variant = MEMORY_VARIANTS.get(index);
        long nanos = 0;
        for (int done = 0; done < pairs; done += chunk) {
          InMemoryInventory.Builder builder = InMemoryInventory.builder();
          InventoryListener listener = variant.listener().apply(round);
          if (listener != null) {
            builder.listener(listener);
          }
          nanos += run(builder.build(), 1, chunk, 0, "m" + round + "-" + v + "-" + done);
        }
        nsPerCall[index][round] = nanos / (2.0 * pairs);
      }
    }
    for (int v = 0; v < MEMORY_VARIANTS.size(); v++) {
      double[] rounds = Arrays.copyOfRange(nsPerCall[v], 1, ROUNDS + 1);
      System.out.printf(
          Locale.ROOT,
          "  %-18s median %7.0f ns/call  rounds %s%n",
          MEMORY_VARIANTS.get(v).name(),
          median(rounds),
          Arrays.toString(Arrays.stream(rounds).map(Math::rint).toArray()));
    }
  }

  private static void postgres() throws Exception {
    int threads = 16;
    long roundNanos = 5_000_000_000L;
    try (HikariDataSource pool = TestDatabase.pool(20)) {
      String schema = TestDatabase.newSchema(EventCostBenchmark.class);
      try {
        JdbcInventory.builder(pool).schema(schema).build();
        System.out.println(
            "PostgreSQL: "
                + threads
                + " threads, reserve+confirm of one line on 64 keys, 5 s a round");
        List<String> names = List.of("no listener", "InventoryMetrics");
        double[][] perSecond = new double[2][ROUNDS + 1];
        for (int round = 0; round <= ROUNDS; round++) {
          for (int v = 0; v < 2; v++) {
            int variant = (v + round) % 2;
            JdbcInventory.Builder builder =
                JdbcInventory.builder(pool).schema(schema).migrate(false).allowNoTimeouts(true);
            if (variant == 1) {
              builder.listener(InventoryMetrics.of(new SimpleMeterRegistry()));
            }
            Inventory inventory = builder.build();
            AtomicLong calls = new AtomicLong();
            long nanos = runFor(inventory, threads, roundNanos, calls, "p" + round + v);
            perSecond[variant][round] = calls.get() * 1e9 / nanos;
          }
        }
        for (int v = 0; v < 2; v++) {
          double[] rounds = Arrays.copyOfRange(perSecond[v], 1, ROUNDS + 1);
          System.out.printf(
              Locale.ROOT,
              "  %-18s median %7.0f calls/s  rounds %s%n",
              names.get(v),
              median(rounds),
              Arrays.toString(Arrays.stream(rounds).map(Math::rint).toArray()));
        }
      } finally {
        TestDatabase.dropSchema(pool, schema);
      }
    }
  }

  /** Reserve+confirm pairs on the threads; the wall time of all of them. */
  private static long run(Inventory inventory, int threads, int pairs, long unused, String tag)
      throws Exception {
    List<StockKey> keys = stock(inventory, tag, 64, pairs);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < pairs / threads; i++) {
                  String id = tag + "-" + thread + "-" + i;
                  StockKey key = keys.get(i % keys.size());
                  inventory.reserve(ReservationRequest.builder(id).line(key, 1).build());
                  inventory.confirm(id);
                }
                return null;
              }));
    }
    long began = System.nanoTime();
    start.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    long nanos = System.nanoTime() - began;
    pool.shutdown();
    return nanos;
  }

  /** Reserve+confirm pairs for a fixed time; counts calls. */
  private static long runFor(
      Inventory inventory, int threads, long nanos, AtomicLong calls, String tag) throws Exception {
    List<StockKey> keys = stock(inventory, tag, 64, 1_000_000);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    long[] began = new long[1];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                long deadline = began[0] + nanos;
                for (int i = 0; System.nanoTime() < deadline; i++) {
                  String id = tag + "-" + thread + "-" + i;
                  StockKey key = keys.get((thread * 7 + i) % keys.size());
                  inventory.reserve(ReservationRequest.builder(id).line(key, 1).build());
                  inventory.confirm(id);
                  calls.addAndGet(2);
                }
                return null;
              }));
    }
    began[0] = System.nanoTime();
    start.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    long took = System.nanoTime() - began[0];
    pool.shutdown();
    return took;
  }

  private static List<StockKey> stock(Inventory inventory, String tag, int count, long units) {
    List<StockKey> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StockKey key = StockKey.of("bench-" + tag + "-" + i);
      inventory.receive(key, units, null);
      keys.add(key);
    }
    return keys;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
