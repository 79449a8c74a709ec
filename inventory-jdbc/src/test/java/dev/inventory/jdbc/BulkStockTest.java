package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.BulkResult.Refusal;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.MutableClock;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.StockLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Bulk stock on PostgreSQL")
class BulkStockTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(8);

  private static final AtomicInteger TESTS = new AtomicInteger();

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private JdbcInventoryStore store;
  private Inventory inventory;
  private StockLedger ledger;
  private String prefix;

  @BeforeEach
  void build() {
    store = DB.store(clock);
    inventory = store.inventory();
    ledger = store.ledger();
    prefix = "t" + TESTS.incrementAndGet() + "-";
  }

  private StockKey key(String name) {
    return StockKey.of(prefix + name);
  }

  private List<StockKey> keys(int n) {
    return IntStream.range(0, n).mapToObj(i -> key(String.format("K%05d", i))).toList();
  }

  private List<LogEntry> log(StockKey key) {
    return DB.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after,"
                            + " reason FROM "
                            + DB.name()
                            + ".inventory_log WHERE sku = :sku AND location = :location ORDER BY id")
                    .bind("sku", key.sku())
                    .bind("location", key.location())
                    .map(
                        (rs, ctx) ->
                            new LogEntry(
                                1,
                                Instant.EPOCH,
                                key,
                                LogEntry.Kind.valueOf(rs.getString("kind")),
                                rs.getLong("on_hand_delta"),
                                rs.getLong("reserved_delta"),
                                rs.getLong("on_hand_after"),
                                rs.getLong("reserved_after"),
                                null,
                                rs.getString("reason")))
                    .list());
  }

  private long logRowsWithPrefix() {
    return DB.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM "
                            + DB.name()
                            + ".inventory_log WHERE sku LIKE :prefix")
                    .bind("prefix", prefix + "%")
                    .mapTo(Long.class)
                    .one());
  }

  @Nested
  @DisplayName("receiveAll")
  class ReceiveAll {
    @Test
    @DisplayName("receives 10,000 keys in one call, each with one RECEIVE log entry")
    void receivesTenThousandKeys() {
      List<StockKey> keys = keys(10_000);
      List<BulkEntry> entries = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        entries.add(BulkEntry.of(keys.get(i), 1 + i % 7));
      }
      Collections.shuffle(entries, new Random(42));

      BulkResult result = ledger.receiveAll(entries, "warehouse file 7");

      assertThat(result.isComplete()).isTrue();
      assertThat(result.applied()).isEqualTo(10_000);
      assertThat(result.mode()).isEqualTo(BulkMode.ATOMIC);
      Map<StockKey, StockLevel> levels = inventory.levels(keys);
      for (int i = 0; i < keys.size(); i++) {
        assertThat(levels.get(keys.get(i)).onHand()).isEqualTo(1 + i % 7);
      }
      assertThat(logRowsWithPrefix()).isEqualTo(10_000);
    }

    @Test
    @DisplayName("adds to existing stock and logs the delta and the level it left")
    void addsToExistingStock() {
      StockKey a = key("A");
      inventory.receive(a, 5, "first");
      inventory.reserve(ReservationRequest.builder(prefix + "cart").line(a, 2).build());

      ledger.receiveAll(List.of(BulkEntry.of(a, 10), BulkEntry.of(key("B"), 3)), "delivery");

      assertThat(inventory.level(a)).isEqualTo(new StockLevel(a, 15, 2));
      assertThat(inventory.level(key("B"))).isEqualTo(new StockLevel(key("B"), 3, 0));
      LogEntry last = log(a).get(log(a).size() - 1);
      assertThat(last.kind()).isEqualTo(LogEntry.Kind.RECEIVE);
      assertThat(last.onHandDelta()).isEqualTo(10);
      assertThat(last.onHandAfter()).isEqualTo(15);
      assertThat(last.reservedAfter()).isEqualTo(2);
      assertThat(last.reason()).isEqualTo("delivery");
    }

    @Test
    @DisplayName("a key twice in one call is refused before anything is written")
    void duplicateKeyIsRefused() {
      List<BulkEntry> entries =
          List.of(BulkEntry.of(key("A"), 1), BulkEntry.of(key("B"), 1), BulkEntry.of(key("A"), 2));

      assertThatThrownBy(() -> ledger.receiveAll(entries, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(key("A").toString())
          .hasMessageContaining("entries[0]")
          .hasMessageContaining("entries[2]");
      assertThat(logRowsWithPrefix()).isZero();
    }

    @Test
    @DisplayName("a quantity out of the bounds of receive is refused, naming the entry")
    void outOfBoundsQuantityIsRefused() {
      List<BulkEntry> entries = List.of(BulkEntry.of(key("A"), 1), BulkEntry.of(key("B"), 0));

      assertThatThrownBy(() -> ledger.receiveAll(entries, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("entries[1]")
          .hasMessageContaining("between 1 and 1000000000");
      assertThat(logRowsWithPrefix()).isZero();
    }

    @Test
    @DisplayName("a reason with control characters is refused before anything is written")
    void badReasonIsRefused() {
      assertThatThrownBy(() -> ledger.receiveAll(List.of(BulkEntry.of(key("A"), 1)), "a\nb"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(logRowsWithPrefix()).isZero();
    }

    @Test
    @DisplayName("an empty call writes nothing and reports nothing")
    void emptyCall() {
      assertThat(ledger.receiveAll(List.of(), null))
          .isEqualTo(new BulkResult(BulkMode.ATOMIC, 0, 0, List.of()));
    }
  }

  @Nested
  @DisplayName("setOnHandAll")
  class SetOnHandAll {
    @Test
    @DisplayName("sets new and existing keys and logs each difference as SET")
    void setsAndLogsDifferences() {
      StockKey a = key("A");
      StockKey b = key("B");
      inventory.receive(a, 10, null);

      BulkResult result =
          ledger.setOnHandAll(
              List.of(BulkEntry.of(b, 4), BulkEntry.of(a, 7)), "stock-take", BulkMode.ATOMIC);

      assertThat(result.isComplete()).isTrue();
      assertThat(inventory.levels(List.of(a, b)))
          .containsEntry(a, new StockLevel(a, 7, 0))
          .containsEntry(b, new StockLevel(b, 4, 0));
      LogEntry setA = log(a).get(1);
      assertThat(setA.kind()).isEqualTo(LogEntry.Kind.SET);
      assertThat(setA.onHandDelta()).isEqualTo(-3);
      assertThat(setA.onHandAfter()).isEqualTo(7);
      assertThat(setA.reason()).isEqualTo("stock-take");
      assertThat(log(b)).singleElement().extracting(LogEntry::onHandDelta).isEqualTo(4L);
    }

    @Test
    @DisplayName("ATOMIC: one key below what is reserved refuses the whole call; nothing changes")
    void atomicRefusesEverything() {
      List<StockKey> keys = keys(2500); // three batches
      List<BulkEntry> stock = keys.stream().map(k -> BulkEntry.of(k, 10)).toList();
      ledger.receiveAll(stock, null);
      StockKey low = keys.get(1700);
      inventory.reserve(ReservationRequest.builder(prefix + "cart").line(low, 6).build());
      long logBefore = logRowsWithPrefix();

      List<BulkEntry> counted = keys.stream().map(k -> BulkEntry.of(k, 5)).toList();
      BulkResult result = ledger.setOnHandAll(counted, "count", BulkMode.ATOMIC);

      assertThat(result.applied()).isZero();
      assertThat(result.refused())
          .containsExactly(new Refusal(low, Refusal.Reason.BELOW_RESERVED, 5, 10, 6));
      assertThat(inventory.levels(keys).values()).allMatch(level -> level.onHand() == 10);
      assertThat(logRowsWithPrefix()).isEqualTo(logBefore);
    }

    @Test
    @DisplayName("ATOMIC: every refused key is reported, in key order, with its numbers")
    void atomicReportsEveryRefusedKey() {
      StockKey a = key("A");
      StockKey b = key("B");
      StockKey c = key("C");
      ledger.receiveAll(
          List.of(BulkEntry.of(a, 10), BulkEntry.of(b, 10), BulkEntry.of(c, 10)), null);
      inventory.reserve(ReservationRequest.builder(prefix + "c1").line(c, 4).build());
      inventory.reserve(ReservationRequest.builder(prefix + "c2").line(a, 3).build());

      BulkResult result =
          ledger.setOnHandAll(
              List.of(BulkEntry.of(c, 1), BulkEntry.of(b, 0), BulkEntry.of(a, 2)),
              null,
              BulkMode.ATOMIC);

      assertThat(result.refused())
          .containsExactly(
              new Refusal(a, Refusal.Reason.BELOW_RESERVED, 2, 10, 3),
              new Refusal(c, Refusal.Reason.BELOW_RESERVED, 1, 10, 4));
      assertThat(result.refused().get(0).toString()).contains("on-hand 2", "3 units reserved");
      assertThat(inventory.level(b).onHand()).isEqualTo(10);
    }

    @Test
    @DisplayName("PARTIAL: the other keys are applied, the refused ones reported and unchanged")
    void partialAppliesTheRest() {
      StockKey a = key("A");
      StockKey b = key("B");
      ledger.receiveAll(List.of(BulkEntry.of(a, 10), BulkEntry.of(b, 10)), null);
      inventory.reserve(ReservationRequest.builder(prefix + "cart").line(a, 8).build());

      BulkResult result =
          ledger.setOnHandAll(
              List.of(BulkEntry.of(a, 5), BulkEntry.of(b, 5), BulkEntry.of(key("C"), 5)),
              null,
              BulkMode.PARTIAL);

      assertThat(result.applied()).isEqualTo(2);
      assertThat(result.refused())
          .containsExactly(new Refusal(a, Refusal.Reason.BELOW_RESERVED, 5, 10, 8));
      assertThat(inventory.level(a)).isEqualTo(new StockLevel(a, 10, 8));
      assertThat(inventory.level(b).onHand()).isEqualTo(5);
      assertThat(inventory.level(key("C")).onHand()).isEqualTo(5);
    }

    @Test
    @DisplayName("a figure exactly at what is reserved is accepted")
    void figureAtReservedIsAccepted() {
      StockKey a = key("A");
      inventory.receive(a, 10, null);
      inventory.reserve(ReservationRequest.builder(prefix + "cart").line(a, 4).build());

      BulkResult result = ledger.setOnHandAll(List.of(BulkEntry.of(a, 4)), null, BulkMode.ATOMIC);

      assertThat(result.isComplete()).isTrue();
      assertThat(inventory.level(a)).isEqualTo(new StockLevel(a, 4, 4));
    }

    @Test
    @DisplayName("holds past their expiry do not block a stock-take: they are expired first")
    void dueHoldsAreExpiredFirst() {
      StockKey a = key("A");
      inventory.receive(a, 10, null);
      String cart = prefix + "cart";
      inventory.reserve(
          ReservationRequest.builder(cart).line(a, 6).ttl(Duration.ofMinutes(1)).build());
      clock.advance(Duration.ofMinutes(2));

      BulkResult result = ledger.setOnHandAll(List.of(BulkEntry.of(a, 3)), null, BulkMode.ATOMIC);

      assertThat(result.isComplete()).isTrue();
      assertThat(inventory.level(a)).isEqualTo(new StockLevel(a, 3, 0));
      assertThat(log(a)).extracting(LogEntry::kind).contains(LogEntry.Kind.EXPIRE);
      assertThat(inventory.findReservation(cart).orElseThrow().status())
          .isEqualTo(dev.inventory.Reservation.Status.EXPIRED);
    }

    @Test
    @DisplayName("a refusal reports reserved without the holds past their expiry")
    void refusalCountsOnlyLiveHolds() {
      StockKey a = key("A");
      inventory.receive(a, 10, null);
      inventory.reserve(
          ReservationRequest.builder(prefix + "old").line(a, 2).ttl(Duration.ofMinutes(1)).build());
      clock.advance(Duration.ofMinutes(2));
      inventory.reserve(ReservationRequest.builder(prefix + "new").line(a, 5).build());

      BulkResult result = ledger.setOnHandAll(List.of(BulkEntry.of(a, 4)), null, BulkMode.ATOMIC);

      assertThat(result.refused())
          .containsExactly(new Refusal(a, Refusal.Reason.BELOW_RESERVED, 4, 10, 5));
    }

    @Test
    @DisplayName("a negative figure cannot even be an entry")
    void negativeFigureIsRefused() {
      assertThatThrownBy(() -> BulkEntry.of(key("A"), -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
    }

    @Test
    @DisplayName("a null mode or a null entry is refused before anything is written")
    void nullsAreRefused() {
      List<BulkEntry> withNull = new ArrayList<>();
      withNull.add(BulkEntry.of(key("A"), 1));
      withNull.add(null);
      assertThatThrownBy(() -> ledger.setOnHandAll(withNull, null, BulkMode.PARTIAL))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("entries[1]");
      assertThatThrownBy(() -> ledger.setOnHandAll(List.of(), null, null))
          .isInstanceOf(NullPointerException.class);
      assertThat(logRowsWithPrefix()).isZero();
    }
  }

  @Test
  @DisplayName("a key changed while the bulk set waited for its lock is set from its newest value")
  void keyChangedWhileWaitingIsSetExactly() throws Exception {
    StockKey a = key("A");
    StockKey b = key("B");
    ledger.receiveAll(List.of(BulkEntry.of(a, 10), BulkEntry.of(b, 10)), null);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (java.sql.Connection holder = DB.pool().getConnection()) {
      holder.setAutoCommit(false);
      int holderPid;
      try (java.sql.Statement s = holder.createStatement()) {
        java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()");
        rs.next();
        holderPid = rs.getInt(1);
        // A change the bulk statement's snapshot will not see, committed while it waits.
        s.executeUpdate(
            "UPDATE "
                + DB.name()
                + ".stock_level SET on_hand = 13 WHERE sku = '"
                + b.sku()
                + "' AND location = 'default'");
      }
      Future<BulkResult> result =
          thread.submit(
              () ->
                  ledger.setOnHandAll(
                      List.of(BulkEntry.of(a, 4), BulkEntry.of(b, 4)), "count", BulkMode.ATOMIC));
      awaitBlockedBy(holderPid, result);
      holder.commit();

      assertThat(result.get(1, TimeUnit.MINUTES).isComplete()).isTrue();
    } finally {
      thread.shutdownNow();
    }

    assertThat(inventory.levels(List.of(a, b)).values()).allMatch(level -> level.onHand() == 4);
    LogEntry setB = log(b).get(log(b).size() - 1);
    assertThat(setB.kind()).isEqualTo(LogEntry.Kind.SET);
    // 13 (the committed value), not 10 (the snapshot's): the log stays a faithful replay.
    assertThat(setB.onHandDelta()).isEqualTo(-9);
    // The direct UPDATE bypassed the log, so only the audit of a can be clean.
    assertThat(ledger.audit(List.of(a)).isClean()).isTrue();
  }

  /** Waits (bounded) until some session is blocked by the holder's locks. */
  private static void awaitBlockedBy(int holderPid, Future<?> call) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      assertThat(call.isDone()).as("the bulk call must wait for the lock").isFalse();
      int blocked =
          DB.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT count(*) FROM pg_stat_activity"
                                  + " WHERE :pid = ANY(pg_blocking_pids(pid))")
                          .bind("pid", holderPid)
                          .mapTo(Integer.class)
                          .one());
      if (blocked > 0) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the bulk call never waited for the lock");
  }

  @Test
  @DisplayName("bulk calls racing with carts on the same keys leave books that balance")
  void racingWithCartsKeepsTheBooks() throws Exception {
    List<StockKey> keys = keys(40);
    ledger.receiveAll(keys.stream().map(k -> BulkEntry.of(k, 50)).toList(), null);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = t;
        work.add(
            threads.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 40; i++) {
                    StockKey k = keys.get(random.nextInt(keys.size()));
                    String id = prefix + "cart-" + seed + "-" + i;
                    try {
                      inventory.reserve(ReservationRequest.builder(id).line(k, 3).build());
                      if (random.nextBoolean()) {
                        inventory.confirm(id);
                      } else {
                        inventory.release(id);
                      }
                    } catch (dev.inventory.InsufficientStockException ignored) {
                      // stock-takes may have counted it low
                    }
                  }
                }));
      }
      for (int t = 0; t < 2; t++) {
        int seed = 100 + t;
        work.add(
            threads.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 5; i++) {
                    List<BulkEntry> counted =
                        keys.stream().map(k -> BulkEntry.of(k, random.nextInt(60))).toList();
                    ledger.setOnHandAll(counted, "count", BulkMode.PARTIAL);
                    ledger.receiveAll(
                        counted.stream().map(e -> BulkEntry.of(e.key(), 1)).toList(), null);
                  }
                }));
      }
      for (Future<?> f : work) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(ledger.audit(keys).discrepancies()).isEmpty();
  }
}
