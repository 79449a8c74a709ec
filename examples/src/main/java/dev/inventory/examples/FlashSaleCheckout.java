package dev.inventory.examples;

import static dev.inventory.examples.FlashSale.count;

import dev.inventory.AuditReport;
import dev.inventory.ExpirySweeper;
import dev.inventory.HistoryPage;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.StockLevel;
import dev.inventory.examples.FlashSale.MinTracker;
import dev.inventory.examples.FlashSale.NaiveWrite;
import dev.inventory.examples.FlashSale.Observer;
import dev.inventory.examples.FlashSale.Progress;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * {@code flash-sale --checkout}: the whole checkout per buyer, run twice against PostgreSQL (the
 * naive shop, then the library). A buyer who gets a hold in the cart then pays and confirms,
 * cancels (release), or abandons the cart, whose hold an expiry sweeper expires once its TTL has
 * run out. The crowd arrives in waves, so that units of cancelled and abandoned carts go back on
 * sale to later buyers while the sale runs.
 */
final class FlashSaleCheckout {
  private static final StockKey SKU = FlashSale.SKU;

  /** A SKU with plenty of stock, for the unmeasured warm-up of each approach. */
  private static final StockKey WARM_UP_SKU = StockKey.of("WARM-UP");

  private static final int WARM_UP_BUYERS = 200;

  /** The fractional part of the golden ratio: its multiples spread evenly over [0, 1). */
  private static final double GOLDEN = 0.6180339887498949;

  private static final long FINISH_TIMEOUT_MINUTES = 30;

  private FlashSaleCheckout() {}

  /** What a buyer who got a hold does next. */
  enum Fate {
    /** Pays, then confirms: the sale. */
    PAY,
    /** Changes their mind, then cancels: the hold is released. */
    CANCEL,
    /** Closes the tab: the hold runs out and a sweeper expires it. */
    ABANDON
  }

  /** What one sale is: the same for both approaches. */
  record Settings(
      long units,
      int buyers,
      int threads,
      long quantity,
      NaiveWrite naiveWrite,
      int waves,
      Duration waveGap,
      Duration ttl,
      Duration pay,
      Duration sweepEvery,
      int abandonPercent,
      int cancelPercent) {

    /**
     * The fate of the {@code hold}-th hold (0-based). Multiples of the golden ratio spread evenly,
     * so the shares hold for every run and every prefix of it, small runs included.
     */
    Fate fate(long hold) {
      double percent = ((hold + 1) * GOLDEN % 1.0) * 100;
      if (percent < abandonPercent) {
        return Fate.ABANDON;
      }
      return percent < abandonPercent + cancelPercent ? Fate.CANCEL : Fate.PAY;
    }

    /** The buyers of wave {@code wave} (0-based): the crowd split evenly, the first waves first. */
    int waveSize(int wave) {
      return buyers / waves + (wave < buyers % waves ? 1 : 0);
    }
  }

  /**
   * What one approach did with the sale.
   *
   * @param holds holds taken, as the store records them (library: its log; naive: its holds table)
   * @param confirmed holds confirmed (sold), as the store records them
   * @param released holds released (cancelled), as the store records them
   * @param expired holds expired (abandoned, or paid for too late), as the store records them
   * @param stillHeld holds still held at the end, after the last sweep (should be none)
   * @param told what the buyers were told, for the cross-check against the store's own records
   * @param minAvailable the lowest on-hand minus reserved any read or write of the run saw
   * @param books what is wrong with the books at the end; empty if they balance
   * @param booksSummary one line on the books, balanced or not
   * @param sweptInSale holds the sweeper expired while the crowd was still checking out
   * @param wallNanos from the first wave to the last buyer's last step
   * @param reserveNanos the sum over the waves of the time from a wave's arrival to the answer of
   *     its last reserve
   * @param latencies per buyer, the time of its database steps in nanoseconds, sorted
   */
  record Result(
      String approach,
      String method,
      Settings settings,
      long holds,
      long confirmed,
      long released,
      long expired,
      long stillHeld,
      Told told,
      long minAvailable,
      long endOnHand,
      long endReserved,
      List<String> books,
      String booksSummary,
      long sweptInSale,
      long wallNanos,
      long reserveNanos,
      long[] latencies) {

    long sold() {
      return confirmed * settings.quantity();
    }

    long oversold() {
      return Math.max(0, sold() - settings.units());
    }

    boolean booksBalance() {
      return books.isEmpty();
    }

    /** Reserves answered per second while a wave was arriving. */
    double reservesPerSecond() {
      return reserveNanos == 0 ? 0 : settings.buyers() / (reserveNanos / 1e9);
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

  /**
   * What the buyers were told: holds granted and refused, confirms and releases that went through,
   * and those that came too late (the hold had run out), and what the holders meant to do.
   */
  record Told(
      long holds,
      long refused,
      long confirmed,
      long released,
      long late,
      long abandoned,
      long cancelling,
      long errors,
      Throwable firstError) {}

  /** One store's checkout steps, for one buyer each. */
  private interface Shop {
    /** Holds the units for this cart; false if refused (sold out). */
    boolean reserve(String cart) throws Exception;

    /** Confirms the cart's hold; false if it had run out. */
    boolean confirm(String cart) throws Exception;

    /** Releases the cart's hold; false if it had run out. */
    boolean release(String cart) throws Exception;
  }

  // ------------------------------------------------------------------------------------------
  // The library

  /** Runs the library's checkout in {@code schema} (created, empty). */
  static Result runLibrary(DataSource pool, String schema, Settings settings, Progress progress)
      throws InterruptedException {
    JdbcInventoryStore store = JdbcInventory.builder(pool).schema(schema).buildStore();
    Inventory inventory = store.inventory();
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    inventory.receive(SKU, settings.units(), "flash sale stock");
    inventory.receive(WARM_UP_SKU, 1_000_000_000L, "warm-up stock");
    warmUp(settings, new LibraryShop(inventory, WARM_UP_SKU, 1, settings.ttl()));

    MinTracker min = new MinTracker();
    Sale sale;
    long sweptInSale;
    try (ExpirySweeper sweeper =
        ExpirySweeper.builder(inventory)
            .period(settings.sweepEvery())
            .threadName("flash-sale-expiry-sweeper")
            .start()) {
      Observer observer = Observer.start(() -> inventory.level(SKU).available(), min);
      try {
        sale =
            runSale(
                new LibraryShop(inventory, SKU, settings.quantity(), settings.ttl()),
                settings,
                progress);
      } finally {
        observer.stop();
      }
      sweptInSale = sweeper.expiredCount();
      // The holds abandoned last run out after the crowd has gone: wait for them, then sweep.
      sale.awaitLastExpiry();
      sweeper.sweepNow();
    }

    StockLevel end = inventory.level(SKU);
    min.observe(end.available());
    StockLedger ledger = store.ledger();
    Map<LogEntry.Kind, Long> log = countLog(ledger, started);
    long holds = log.get(LogEntry.Kind.RESERVE);
    long confirmed = log.get(LogEntry.Kind.CONFIRM);
    long released = log.get(LogEntry.Kind.RELEASE);
    long expired = log.get(LogEntry.Kind.EXPIRE);
    long stillHeld = holds - confirmed - released - expired;
    AuditReport audit = ledger.audit(List.of(SKU, WARM_UP_SKU));

    Told told = sale.told();
    List<String> books = books(settings, confirmed, stillHeld, end.onHand(), end.reserved());
    if (told.errors() == 0) {
      // After a failed call, what the buyer was told proves nothing (the run exits 1 instead).
      check(books, "holds in the log", holds, "holds granted to buyers", told.holds());
      check(books, "confirms in the log", confirmed, "confirms buyers were told", told.confirmed());
      check(books, "releases in the log", released, "releases buyers were told", told.released());
      check(
          books,
          "expiries in the log",
          expired,
          "abandoned carts and late payments",
          told.abandoned() + told.late());
    }
    for (AuditReport.Discrepancy d : audit.discrepancies()) {
      books.add("the audit found " + d);
    }
    String summary =
        books.isEmpty()
            ? "on hand "
                + count(end.onHand())
                + " = "
                + count(settings.units())
                + " - "
                + count(confirmed * settings.quantity())
                + " sold, nothing reserved, every hold ended as its buyer was told; the audit"
                + " replayed "
                + count(audit.logEntries())
                + " log entries: no discrepancy"
            : String.join("; ", books);
    return new Result(
        "library",
        "inventory.reserve (with a TTL), confirm, release: each one conditional UPDATE with its log"
            + " entry; an ExpirySweeper every "
            + show(settings.sweepEvery())
            + " expires abandoned holds",
        settings,
        holds,
        confirmed,
        released,
        expired,
        stillHeld,
        told,
        min.get(),
        end.onHand(),
        end.reserved(),
        List.copyOf(books),
        summary,
        sweptInSale,
        sale.wallNanos(),
        sale.reserveNanos(),
        sale.latencies());
  }

  /** The library's steps: one call each. */
  private record LibraryShop(Inventory inventory, StockKey key, long quantity, Duration ttl)
      implements Shop {
    @Override
    public boolean reserve(String cart) {
      try {
        inventory.reserve(ReservationRequest.builder(cart).line(key, quantity).ttl(ttl).build());
        return true;
      } catch (InsufficientStockException soldOut) {
        return false;
      }
    }

    @Override
    public boolean confirm(String cart) {
      try {
        inventory.confirm(cart);
        return true;
      } catch (ReservationExpiredException late) {
        return false;
      }
    }

    @Override
    public boolean release(String cart) {
      try {
        inventory.release(cart);
        return true;
      } catch (ReservationExpiredException late) {
        return false;
      }
    }
  }

  /** The entries of the sale's SKU in the log since {@code from}, counted by kind. */
  private static Map<LogEntry.Kind, Long> countLog(StockLedger ledger, Instant from) {
    Map<LogEntry.Kind, Long> counts = new EnumMap<>(LogEntry.Kind.class);
    for (LogEntry.Kind kind : LogEntry.Kind.values()) {
      counts.put(kind, 0L);
    }
    Instant to = Instant.now().plus(1, ChronoUnit.HOURS);
    String cursor = null;
    do {
      HistoryPage page = ledger.history(SKU, from, to, StockLedger.MAX_PAGE_SIZE, cursor);
      for (LogEntry entry : page.entries()) {
        counts.merge(entry.kind(), 1L, Long::sum);
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return counts;
  }

  // ------------------------------------------------------------------------------------------
  // The naive shop

  /** Runs the naive checkout in {@code schema} (created, empty): its own two-table shop. */
  static Result runNaive(DataSource pool, String schema, Settings settings, Progress progress)
      throws SQLException, InterruptedException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      // No CHECK constraints: the naive shop trusts its Java code.
      s.execute(
          "CREATE TABLE "
              + schema
              + ".naive_stock (sku text PRIMARY KEY, on_hand bigint NOT NULL,"
              + " reserved bigint NOT NULL)");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".naive_hold (id text PRIMARY KEY, sku text NOT NULL, quantity bigint NOT NULL,"
              + " status text NOT NULL, expires_at timestamptz NOT NULL)");
      s.execute(
          "INSERT INTO "
              + schema
              + ".naive_stock VALUES ('"
              + SKU.sku()
              + "', "
              + settings.units()
              + ", 0), ('"
              + WARM_UP_SKU.sku()
              + "', 1000000000000, 0)");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    MinTracker min = new MinTracker();
    warmUp(settings, new NaiveShop(pool, schema, settings, WARM_UP_SKU, 1, null));

    NaiveShop shop = new NaiveShop(pool, schema, settings, SKU, settings.quantity(), min);
    NaiveSweeper sweeper = NaiveSweeper.start(shop, settings.sweepEvery());
    Sale sale;
    long sweptInSale;
    try {
      Observer observer = Observer.start(shop::available, min);
      try {
        sale = runSale(shop, settings, progress);
      } finally {
        observer.stop();
      }
      sweptInSale = sweeper.expired.get();
      sale.awaitLastExpiry();
    } finally {
      sweeper.stop();
    }
    shop.sweep(Instant.now()); // the last sweep, as the library's sweepNow()

    long[] end = shop.stock();
    long onHand = end[0];
    long reserved = end[1];
    min.observe(onHand - reserved);
    Map<String, Long> holds = shop.holdsByStatus();
    long confirmed = holds.getOrDefault("confirmed", 0L);
    long released = holds.getOrDefault("released", 0L);
    long expired = holds.getOrDefault("expired", 0L);
    long stillHeld = holds.getOrDefault("held", 0L);
    long taken = confirmed + released + expired + stillHeld;
    List<String> books = books(settings, confirmed, stillHeld, onHand, reserved);
    String summary =
        books.isEmpty()
            ? "on hand "
                + count(onHand)
                + " = "
                + count(settings.units())
                + " - "
                + count(confirmed * settings.quantity())
                + " sold, nothing reserved"
            : String.join("; ", books);
    return new Result(
        "naive",
        settings.naiveWrite() == NaiveWrite.OVERWRITE
            ? "each step reads on_hand and reserved, checks in Java, and writes the row back"
                + " (UPDATE SET on_hand = <value>, reserved = <value>, as an ORM saves an"
                + " entity); a sweeper thread every "
                + show(settings.sweepEvery())
                + " expires due holds the same way"
            : "each step reads on_hand and reserved, checks in Java, and writes a difference"
                + " (UPDATE SET reserved = reserved + q; confirm: on_hand - q, reserved - q);"
                + " a sweeper thread every "
                + show(settings.sweepEvery())
                + " expires due holds the same way",
        settings,
        taken,
        confirmed,
        released,
        expired,
        stillHeld,
        sale.told(),
        min.get(),
        onHand,
        reserved,
        List.copyOf(books),
        summary,
        sweptInSale,
        sale.wallNanos(),
        sale.reserveNanos(),
        sale.latencies());
  }

  /**
   * The naive shop: a stock row (on_hand, reserved) and a table of holds, every step a read, a
   * check in Java and a write back, in autocommit. Between the read and the write, other buyers
   * (and the sweeper) may change the same row.
   */
  private static final class NaiveShop implements Shop {
    private final DataSource pool;
    private final Settings settings;
    private final StockKey key;
    private final long quantity;
    private final MinTracker min;
    private final String readStock;
    private final String writeStock;
    private final String insertHold;
    private final String readHold;
    private final String writeHold;
    private final String dueHolds;
    private final String countHolds;

    NaiveShop(
        DataSource pool,
        String schema,
        Settings settings,
        StockKey key,
        long quantity,
        MinTracker min) {
      this.pool = pool;
      this.settings = settings;
      this.key = key;
      this.quantity = quantity;
      this.min = min;
      this.readStock = "SELECT on_hand, reserved FROM " + schema + ".naive_stock WHERE sku = ?";
      this.writeStock =
          settings.naiveWrite() == NaiveWrite.OVERWRITE
              ? "UPDATE "
                  + schema
                  + ".naive_stock SET on_hand = ?, reserved = ? WHERE sku = ?"
                  + " RETURNING on_hand, reserved"
              : "UPDATE "
                  + schema
                  + ".naive_stock SET on_hand = on_hand + ?, reserved = reserved + ?"
                  + " WHERE sku = ? RETURNING on_hand, reserved";
      this.insertHold = "INSERT INTO " + schema + ".naive_hold VALUES (?, ?, ?, 'held', ?)";
      this.readHold = "SELECT status FROM " + schema + ".naive_hold WHERE id = ?";
      this.writeHold = "UPDATE " + schema + ".naive_hold SET status = ? WHERE id = ?";
      this.dueHolds =
          "SELECT id FROM "
              + schema
              + ".naive_hold WHERE sku = ? AND status = 'held' AND expires_at <= ?"
              + " ORDER BY expires_at, id";
      this.countHolds =
          "SELECT status, count(*) FROM " + schema + ".naive_hold WHERE sku = ? GROUP BY status";
    }

    @Override
    public boolean reserve(String cart) throws SQLException {
      try (Connection c = pool.getConnection()) {
        long[] stock = readStock(c);
        if (stock[0] - stock[1] < quantity) {
          return false; // sold out, as far as this buyer can tell
        }
        // Between the read above and this write, other buyers may have taken the same units.
        writeStock(c, stock, 0, quantity);
        try (PreparedStatement insert = c.prepareStatement(insertHold)) {
          insert.setString(1, cart);
          insert.setString(2, key.sku());
          insert.setLong(3, quantity);
          insert.setTimestamp(4, Timestamp.from(Instant.now().plus(settings.ttl())));
          insert.executeUpdate();
        }
        return true;
      }
    }

    @Override
    public boolean confirm(String cart) throws SQLException {
      return finish(cart, "confirmed", -quantity);
    }

    @Override
    public boolean release(String cart) throws SQLException {
      return finish(cart, "released", 0);
    }

    /**
     * Ends a held cart: checks in Java that it is still held, then writes the stock back (reserved
     * down, and on-hand down by {@code onHandDelta}), then the cart's status.
     */
    private boolean finish(String cart, String status, long onHandDelta) throws SQLException {
      try (Connection c = pool.getConnection()) {
        try (PreparedStatement read = c.prepareStatement(readHold)) {
          read.setString(1, cart);
          try (ResultSet rs = read.executeQuery()) {
            if (!rs.next() || !"held".equals(rs.getString(1))) {
              return false; // the sweeper got there first
            }
          }
        }
        // Between the check above and these writes, the sweeper may expire the same cart.
        writeStock(c, readStock(c), onHandDelta, -quantity);
        writeHold(c, cart, status);
        return true;
      }
    }

    /** The naive sweeper's run: every held cart due at {@code now}, one by one. */
    int sweep(Instant now) throws SQLException {
      List<String> due = new ArrayList<>();
      try (Connection c = pool.getConnection()) {
        try (PreparedStatement select = c.prepareStatement(dueHolds)) {
          select.setString(1, key.sku());
          select.setTimestamp(2, Timestamp.from(now));
          try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
              due.add(rs.getString(1));
            }
          }
        }
        for (String cart : due) {
          writeStock(c, readStock(c), 0, -quantity);
          writeHold(c, cart, "expired");
        }
      }
      return due.size();
    }

    long available() {
      try (Connection c = pool.getConnection()) {
        long[] stock = readStock(c);
        return stock[0] - stock[1];
      } catch (SQLException e) {
        throw new IllegalStateException("could not read the naive stock: " + e.getMessage(), e);
      }
    }

    long[] stock() throws SQLException {
      try (Connection c = pool.getConnection()) {
        return readStock(c);
      }
    }

    Map<String, Long> holdsByStatus() throws SQLException {
      Map<String, Long> counts = new java.util.HashMap<>();
      try (Connection c = pool.getConnection();
          PreparedStatement s = c.prepareStatement(countHolds)) {
        s.setString(1, key.sku());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            counts.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      return counts;
    }

    private long[] readStock(Connection c) throws SQLException {
      try (PreparedStatement read = c.prepareStatement(readStock)) {
        read.setString(1, key.sku());
        long[] stock = pair(read);
        observe(stock);
        return stock;
      }
    }

    /**
     * Writes the stock back after a read: the values computed in Java ({@code overwrite}), or the
     * differences ({@code decrement}).
     */
    private void writeStock(Connection c, long[] read, long onHandDelta, long reservedDelta)
        throws SQLException {
      try (PreparedStatement write = c.prepareStatement(writeStock)) {
        if (settings.naiveWrite() == NaiveWrite.OVERWRITE) {
          write.setLong(1, read[0] + onHandDelta);
          write.setLong(2, read[1] + reservedDelta);
        } else {
          write.setLong(1, onHandDelta);
          write.setLong(2, reservedDelta);
        }
        write.setString(3, key.sku());
        observe(pair(write));
      }
    }

    private void writeHold(Connection c, String cart, String status) throws SQLException {
      try (PreparedStatement write = c.prepareStatement(writeHold)) {
        write.setString(1, status);
        write.setString(2, cart);
        write.executeUpdate();
      }
    }

    private void observe(long[] stock) {
      if (min != null) {
        min.observe(stock[0] - stock[1]);
      }
    }

    private static long[] pair(PreparedStatement statement) throws SQLException {
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("no stock row");
        }
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  /** The naive shop's sweeper: a thread that runs {@link NaiveShop#sweep} every period. */
  private static final class NaiveSweeper {
    final AtomicLong expired = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;

    private NaiveSweeper(NaiveShop shop, Duration period) {
      this.thread =
          new Thread(
              () -> {
                while (!stop) {
                  try {
                    expired.addAndGet(shop.sweep(Instant.now()));
                  } catch (SQLException | RuntimeException e) {
                    // The next run tries again, as the library's sweeper does.
                  }
                  LockSupport.parkNanos(period.toNanos());
                }
              },
              "naive-expiry-sweeper");
      thread.setDaemon(true);
    }

    static NaiveSweeper start(NaiveShop shop, Duration period) {
      NaiveSweeper sweeper = new NaiveSweeper(shop, period);
      sweeper.thread.start();
      return sweeper;
    }

    void stop() throws InterruptedException {
      stop = true;
      LockSupport.unpark(thread);
      thread.join();
    }
  }

  // ------------------------------------------------------------------------------------------
  // The sale, the same for both

  /** What the crowd did: the tallies, the times, and when the last hold runs out. */
  private record Sale(
      Told told, long wallNanos, long reserveNanos, long[] latencies, Instant lastExpiry) {

    /** Waits until every hold of the sale has run out (by the clock of this JVM). */
    void awaitLastExpiry() throws InterruptedException {
      long millis = Duration.between(Instant.now(), lastExpiry).toMillis();
      if (millis > 0) {
        TimeUnit.MILLISECONDS.sleep(millis + 1);
      }
    }
  }

  /** The warm-up: a few hundred carts reserved and confirmed at once, unmeasured. */
  private static void warmUp(Settings settings, Shop shop) throws InterruptedException {
    FlashSale.runCrowd(
        Math.min(WARM_UP_BUYERS, settings.buyers()),
        settings.threads(),
        buyer -> shop.reserve("warm-up-" + buyer) && shop.confirm("warm-up-" + buyer),
        null);
  }

  /**
   * Runs the sale: the waves arrive {@code waveGap} apart, each all at once, into a pool of {@code
   * threads} threads (the shop's request threads). A buyer who gets a hold meets its fate: pays or
   * cancels after a random delay up to {@code pay} (a later request, so a paying buyer holds no
   * thread), or abandons the cart.
   */
  private static Sale runSale(Shop shop, Settings settings, Progress progress)
      throws InterruptedException {
    int buyers = settings.buyers();
    long[] latencies = new long[buyers];
    AtomicLong holds = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong confirmed = new AtomicLong();
    AtomicLong released = new AtomicLong();
    AtomicLong late = new AtomicLong();
    AtomicLong abandoned = new AtomicLong();
    AtomicLong cancelling = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    AtomicReference<Instant> lastExpiry = new AtomicReference<>(Instant.now());
    AtomicInteger done = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(buyers);
    long[] waveStarted = new long[settings.waves()];
    long[] waveAnswered = new long[settings.waves()];
    AtomicInteger[] waveLeft = new AtomicInteger[settings.waves()];
    long payNanos = settings.pay().toNanos();

    AtomicInteger threadNumber = new AtomicInteger();
    ScheduledThreadPoolExecutor threads =
        new ScheduledThreadPoolExecutor(
            settings.threads(),
            runnable -> {
              Thread thread = new Thread(runnable, "buyer-" + threadNumber.getAndIncrement());
              thread.setDaemon(true);
              return thread;
            });
    threads.prestartAllCoreThreads();
    if (progress != null) {
      progress.start(buyers, done);
    }
    long started = System.nanoTime();
    try {
      int buyer = 0;
      for (int wave = 0; wave < settings.waves(); wave++) {
        long due = started + wave * settings.waveGap().toNanos();
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        int size = settings.waveSize(wave);
        waveLeft[wave] = new AtomicInteger(size);
        waveStarted[wave] = System.nanoTime();
        for (int i = 0; i < size; i++, buyer++) {
          int b = buyer;
          int w = wave;
          String cart = "cart-" + b;
          threads.execute(
              () -> {
                Fate fate = null;
                long t0 = System.nanoTime();
                try {
                  boolean held = shop.reserve(cart);
                  latencies[b] = System.nanoTime() - t0;
                  if (held) {
                    lastExpiry.accumulateAndGet(
                        Instant.now().plus(settings.ttl()), (a, n) -> a.isAfter(n) ? a : n);
                    fate = settings.fate(holds.getAndIncrement());
                  } else {
                    refused.incrementAndGet();
                  }
                } catch (Exception e) {
                  latencies[b] = System.nanoTime() - t0;
                  // A hold may have been taken all the same: wait for its expiry too.
                  lastExpiry.accumulateAndGet(
                      Instant.now().plus(settings.ttl()), (a, n) -> a.isAfter(n) ? a : n);
                  errors.incrementAndGet();
                  firstError.compareAndSet(null, e);
                }
                if (waveLeft[w].decrementAndGet() == 0) {
                  waveAnswered[w] = System.nanoTime();
                }
                if (fate == null || fate == Fate.ABANDON) {
                  if (fate == Fate.ABANDON) {
                    abandoned.incrementAndGet();
                  }
                  done.incrementAndGet();
                  finished.countDown();
                  return;
                }
                boolean pays = fate == Fate.PAY;
                if (!pays) {
                  cancelling.incrementAndGet();
                }
                long delay = payNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(payNanos + 1);
                threads.schedule(
                    () -> {
                      long t1 = System.nanoTime();
                      try {
                        boolean ok = pays ? shop.confirm(cart) : shop.release(cart);
                        if (!ok) {
                          late.incrementAndGet();
                        } else if (pays) {
                          confirmed.incrementAndGet();
                        } else {
                          released.incrementAndGet();
                        }
                      } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                      }
                      latencies[b] += System.nanoTime() - t1;
                      done.incrementAndGet();
                      finished.countDown();
                    },
                    delay,
                    TimeUnit.NANOSECONDS);
              });
        }
      }
      if (!finished.await(FINISH_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "the sale did not finish within " + FINISH_TIMEOUT_MINUTES + " minutes");
      }
    } finally {
      threads.shutdownNow();
      threads.awaitTermination(1, TimeUnit.MINUTES);
      if (progress != null) {
        progress.finish();
      }
    }
    long wall = System.nanoTime() - started;
    long reserveNanos = 0;
    for (int wave = 0; wave < settings.waves(); wave++) {
      reserveNanos += waveAnswered[wave] - waveStarted[wave];
    }
    Arrays.sort(latencies);
    Told told =
        new Told(
            holds.get(),
            refused.get(),
            confirmed.get(),
            released.get(),
            late.get(),
            abandoned.get(),
            cancelling.get(),
            errors.get(),
            firstError.get());
    return new Sale(told, wall, reserveNanos, latencies, lastExpiry.get());
  }

  // ------------------------------------------------------------------------------------------
  // The books

  /**
   * What is wrong with the books of either shop at the end, in words; empty if nothing. The books
   * balance when on hand is the stock minus what was sold and reserved is what the held carts hold
   * (none, after the last sweep). Overselling is another matter: a shop that sold 103 of 100 and
   * shows -3 on hand keeps true books of a broken promise.
   */
  private static List<String> books(
      Settings settings, long confirmed, long stillHeld, long onHand, long reserved) {
    List<String> problems = new ArrayList<>();
    long sold = confirmed * settings.quantity();
    long expectedOnHand = settings.units() - sold;
    if (onHand != expectedOnHand) {
      problems.add(
          "on hand is "
              + count(onHand)
              + ", but "
              + count(settings.units())
              + " - "
              + count(sold)
              + " sold = "
              + count(expectedOnHand));
    }
    long held = stillHeld * settings.quantity();
    if (reserved != held) {
      problems.add(
          "reserved is "
              + count(reserved)
              + ", but "
              + (held == 0 ? "no hold is left" : count(held) + " units are in held carts"));
    } else if (held != 0) {
      problems.add(count(stillHeld) + " carts are still held after the last sweep");
    }
    return problems;
  }

  private static void check(
      List<String> problems, String what, long value, String against, long expected) {
    if (value != expected) {
      problems.add(what + ": " + count(value) + ", but " + against + ": " + count(expected));
    }
  }

  /** {@code 250 ms}, {@code 1.5 s} */
  static String show(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0).replaceAll("\\.?0+$", "") + " s";
  }
}
