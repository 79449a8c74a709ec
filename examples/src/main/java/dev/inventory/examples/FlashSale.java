package dev.inventory.examples;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * One crowd of buyers, run twice against PostgreSQL: the naive checkout, then the library's. Both
 * runs are real: the naive one really reads, checks in Java and writes back, and oversells when two
 * buyers read the same stock.
 */
final class FlashSale {
  /** The SKU on sale. */
  static final StockKey SKU = StockKey.of("FLASH-1212");

  /** A SKU with plenty of stock, for the unmeasured warm-up of each approach. */
  private static final StockKey WARM_UP_SKU = StockKey.of("WARM-UP");

  private static final int WARM_UP_BUYERS = 200;
  private static final long OBSERVE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long CROWD_TIMEOUT_MINUTES = 30;

  private FlashSale() {}

  /** How the naive checkout writes the stock back after checking it in Java. */
  enum NaiveWrite {
    /** {@code UPDATE ... SET on_hand = on_hand - q}: concurrent buyers drive the stock negative. */
    DECREMENT("SELECT on_hand, check in Java, UPDATE SET on_hand = on_hand - q"),
    /**
     * {@code UPDATE ... SET on_hand = <read value - q>}: concurrent buyers overwrite each other's
     * writes, so more is sold than the stock while the table still shows stock left.
     */
    OVERWRITE("SELECT on_hand, check in Java, UPDATE SET on_hand = <value - q>");

    final String method;

    NaiveWrite(String method) {
      this.method = method;
    }
  }

  /** What one crowd is: the same for both approaches. */
  record Settings(long units, int buyers, int threads, long quantity, NaiveWrite naiveWrite) {}

  /**
   * What one approach did with the crowd.
   *
   * @param sold units sold (buyers served × quantity)
   * @param minStock the lowest stock any read or write of the run saw (library: available)
   * @param endStock on-hand at the end
   * @param endReserved reserved at the end (always 0 for the naive table, which has none)
   * @param latencies per-buyer latency in nanoseconds, sorted
   */
  record Result(
      String approach,
      String method,
      Settings settings,
      long served,
      long sold,
      long refused,
      long errors,
      Throwable firstError,
      long minStock,
      long endStock,
      long endReserved,
      long wallNanos,
      long[] latencies) {

    long oversold() {
      return Math.max(0, sold - settings.units());
    }

    double opsPerSecond() {
      return settings.buyers() / (wallNanos / 1e9);
    }

    double p50Millis() {
      return percentileMillis(0.50);
    }

    double p99Millis() {
      return percentileMillis(0.99);
    }

    /** Nearest rank: the smallest sample with at least {@code p} of all samples at or below it. */
    private double percentileMillis(double p) {
      if (latencies.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(p * latencies.length);
      return latencies[Math.max(0, rank - 1)] / 1e6;
    }
  }

  /** Runs the naive checkout in {@code schema} (created, empty): its own one-table shop. */
  static Result runNaive(DataSource pool, String schema, Settings settings, Progress progress)
      throws SQLException, InterruptedException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      // No CHECK (on_hand >= 0): the naive shop trusts its Java code.
      s.execute(
          "CREATE TABLE "
              + schema
              + ".naive_stock (sku text PRIMARY KEY, on_hand bigint NOT NULL)");
      s.execute(
          "INSERT INTO "
              + schema
              + ".naive_stock VALUES ('"
              + SKU.sku()
              + "', "
              + settings.units()
              + "), ('"
              + WARM_UP_SKU.sku()
              + "', 1000000000000)");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    String read = "SELECT on_hand FROM " + schema + ".naive_stock WHERE sku = ?";
    String write =
        settings.naiveWrite() == NaiveWrite.DECREMENT
            ? "UPDATE "
                + schema
                + ".naive_stock SET on_hand = on_hand - ? WHERE sku = ?"
                + " RETURNING on_hand"
            : "UPDATE " + schema + ".naive_stock SET on_hand = ? WHERE sku = ? RETURNING on_hand";
    MinTracker min = new MinTracker();
    NaiveCheckout warmUp = new NaiveCheckout(pool, read, write, settings, WARM_UP_SKU, 1, null);
    runCrowd(Math.min(WARM_UP_BUYERS, settings.buyers()), settings.threads(), warmUp::buy, null);

    NaiveCheckout checkout =
        new NaiveCheckout(pool, read, write, settings, SKU, settings.quantity(), min);
    Crowd crowd;
    Observer observer = Observer.start(() -> checkout.read(SKU), min);
    try {
      crowd = runCrowd(settings.buyers(), settings.threads(), checkout::buy, progress);
    } finally {
      observer.stop();
    }
    long end = checkout.read(SKU);
    min.observe(end);
    return new Result(
        "naive",
        settings.naiveWrite().method,
        settings,
        crowd.served(),
        crowd.served() * settings.quantity(),
        crowd.refused(),
        crowd.errors(),
        crowd.firstError(),
        min.get(),
        end,
        0,
        crowd.wallNanos(),
        crowd.latencies());
  }

  /**
   * Runs the library's checkout, {@code inventory.purchase}, in {@code schema} (created, empty).
   */
  static Result runLibrary(DataSource pool, String schema, Settings settings, Progress progress)
      throws InterruptedException {
    Inventory inventory = JdbcInventory.builder(pool).schema(schema).build();
    inventory.receive(SKU, settings.units(), "flash sale stock");
    inventory.receive(WARM_UP_SKU, 1_000_000_000L, "warm-up stock");
    runCrowd(
        Math.min(WARM_UP_BUYERS, settings.buyers()),
        settings.threads(),
        buyer -> {
          inventory.purchase(
              ReservationRequest.builder("warm-up-" + buyer).line(WARM_UP_SKU, 1).build());
          return true;
        },
        null);

    MinTracker min = new MinTracker();
    Crowd crowd;
    Observer observer = Observer.start(() -> inventory.level(SKU).available(), min);
    try {
      crowd =
          runCrowd(
              settings.buyers(),
              settings.threads(),
              buyer -> {
                try {
                  // A unique id per buyer: the id is the idempotency key of the order.
                  inventory.purchase(
                      ReservationRequest.builder("buyer-" + buyer)
                          .line(SKU, settings.quantity())
                          .build());
                  return true;
                } catch (InsufficientStockException soldOut) {
                  return false;
                }
              },
              progress);
    } finally {
      observer.stop();
    }
    StockLevel end = inventory.level(SKU);
    min.observe(end.available());
    return new Result(
        "library",
        "inventory.purchase: one conditional UPDATE that also writes the order and its log"
            + " entry (a refusal learns what was left from the same statement); buyers of the"
            + " same SKU that arrive together share one statement",
        settings,
        crowd.served(),
        crowd.served() * settings.quantity(),
        crowd.refused(),
        crowd.errors(),
        crowd.firstError(),
        min.get(),
        end.onHand(),
        end.reserved(),
        crowd.wallNanos(),
        crowd.latencies());
  }

  /** The naive checkout: read the stock, check it in Java, write the new value (autocommit). */
  private record NaiveCheckout(
      DataSource pool,
      String readSql,
      String writeSql,
      Settings settings,
      StockKey key,
      long quantity,
      MinTracker min) {

    boolean buy(int buyer) throws SQLException {
      try (Connection c = pool.getConnection()) {
        long onHand;
        try (PreparedStatement read = c.prepareStatement(readSql)) {
          read.setString(1, key.sku());
          onHand = single(read);
        }
        observe(onHand);
        if (onHand < quantity) {
          return false; // sold out, as far as this buyer can tell
        }
        // Between the read above and this write, other buyers may have bought the same units.
        try (PreparedStatement write = c.prepareStatement(writeSql)) {
          write.setLong(
              1, settings.naiveWrite() == NaiveWrite.DECREMENT ? quantity : onHand - quantity);
          write.setString(2, key.sku());
          observe(single(write));
        }
        return true;
      }
    }

    long read(StockKey which) {
      try (Connection c = pool.getConnection();
          PreparedStatement read = c.prepareStatement(readSql)) {
        read.setString(1, which.sku());
        return single(read);
      } catch (SQLException e) {
        throw new IllegalStateException("could not read the naive stock: " + e.getMessage(), e);
      }
    }

    private void observe(long stock) {
      if (min != null) {
        min.observe(stock);
      }
    }

    private static long single(PreparedStatement statement) throws SQLException {
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no stock row");
        }
        return rs.getLong(1);
      }
    }
  }

  /** One buyer's checkout: true if sold, false if refused; anything thrown counts as an error. */
  @FunctionalInterface
  interface Checkout {
    boolean buy(int buyer) throws Exception;
  }

  /** How far a crowd is; a terminal draws it as a bar. */
  interface Progress {
    void start(int total, AtomicInteger done);

    void finish();
  }

  record Crowd(
      long served,
      long refused,
      long errors,
      Throwable firstError,
      long wallNanos,
      long[] latencies) {}

  /**
   * Releases {@code buyers} checkouts on {@code threads} threads at one instant (a latch), each
   * thread taking the next buyer until none is left, and times every checkout.
   */
  static Crowd runCrowd(int buyers, int threads, Checkout checkout, Progress progress)
      throws InterruptedException {
    long[] latencies = new long[buyers];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong served = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(threads);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] =
          new Thread(
              () -> {
                try {
                  ready.countDown();
                  go.await();
                  for (int buyer = next.getAndIncrement();
                      buyer < buyers;
                      buyer = next.getAndIncrement()) {
                    long started = System.nanoTime();
                    try {
                      if (checkout.buy(buyer)) {
                        served.incrementAndGet();
                      } else {
                        refused.incrementAndGet();
                      }
                    } catch (Exception e) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, e);
                    }
                    latencies[buyer] = System.nanoTime() - started;
                    done.incrementAndGet();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  finished.countDown();
                }
              },
              "buyer-" + t);
      workers[t].setDaemon(true);
      workers[t].start();
    }
    ready.await();
    if (progress != null) {
      progress.start(buyers, done);
    }
    long started = System.nanoTime();
    go.countDown();
    boolean allDone = finished.await(CROWD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    long wall = System.nanoTime() - started;
    if (progress != null) {
      progress.finish();
    }
    if (!allDone) {
      for (Thread worker : workers) {
        worker.interrupt();
      }
      throw new IllegalStateException(
          "the crowd did not finish within " + CROWD_TIMEOUT_MINUTES + " minutes");
    }
    Arrays.sort(latencies);
    return new Crowd(served.get(), refused.get(), errors.get(), firstError.get(), wall, latencies);
  }

  /** The lowest value seen, by any thread. */
  static final class MinTracker {
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);

    void observe(long value) {
      min.accumulateAndGet(value, Math::min);
    }

    long get() {
      return min.get();
    }
  }

  /** Reads the stock every 2 ms while a crowd runs, as a dashboard would, into a tracker. */
  static final class Observer {
    private final Thread thread;
    private volatile boolean stop;

    private Observer(LongSupplier stock, MinTracker min) {
      this.thread =
          new Thread(
              () -> {
                while (!stop) {
                  try {
                    min.observe(stock.getAsLong());
                  } catch (RuntimeException e) {
                    // A dashboard read that failed saw nothing; the buyers' own errors count.
                  }
                  LockSupport.parkNanos(OBSERVE_EVERY_NANOS);
                }
              },
              "stock-observer");
      thread.setDaemon(true);
    }

    static Observer start(LongSupplier stock, MinTracker min) {
      Observer observer = new Observer(stock, min);
      observer.thread.start();
      return observer;
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }

  /** {@code 12,345} */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
