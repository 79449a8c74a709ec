package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Flash-sale mode under load: two library instances (two pools) hammering one key, and many keys
 * with carts, purchases and releases crossing the combined statements.
 */
@DisplayName("Combining requests under load")
class CombiningStressTest {
  private static final int THREADS_PER_INSTANCE = 24;
  private static HikariDataSource admin;
  private static HikariDataSource poolA;
  private static HikariDataSource poolB;
  private static String schema;
  private static Inventory a;
  private static Inventory b;
  private static Jdbi jdbi;

  @BeforeAll
  static void open() {
    admin = TestDatabase.pool(2);
    schema = TestDatabase.newSchema(CombiningStressTest.class);
    JdbcInventory.builder(admin).schema(schema).build();
    poolA = TestDatabase.pool(8);
    poolB = TestDatabase.pool(8);
    a = JdbcInventory.builder(poolA).schema(schema).migrate(false).build();
    b = JdbcInventory.builder(poolB).schema(schema).migrate(false).build();
    jdbi = Jdbi.create(admin);
  }

  @AfterAll
  static void close() {
    poolA.close();
    poolB.close();
    TestDatabase.dropSchema(admin, schema);
    admin.close();
  }

  /** Every thread reserves {@code perThread} times; returns the units each granted reserve got. */
  private static long crowd(StockKey key, int perThread, boolean mixedQuantities) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong granted = new AtomicLong();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 2 * THREADS_PER_INSTANCE; t++) {
      Inventory inventory = t % 2 == 0 ? a : b;
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  long quantity = mixedQuantities ? 1 + (thread + i) % 3 : 1;
                  String id = key.sku() + "-" + thread + "-" + i;
                  try {
                    Reservation r =
                        inventory.reserve(
                            ReservationRequest.builder(id).line(key, quantity).build());
                    assertThat(r.lines().get(0).quantity()).isEqualTo(quantity);
                    granted.addAndGet(quantity);
                  } catch (InsufficientStockException refused) {
                    assertThat(refused.shortages()).hasSize(1);
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();
    return granted.get();
  }

  private static List<Map<String, Object>> log(StockKey key) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT kind, at, on_hand_delta, reserved_delta, on_hand_after, reserved_after FROM "
                        + schema
                        + ".inventory_log WHERE sku = :sku ORDER BY id")
                .bind("sku", key.sku())
                .mapToMap()
                .list());
  }

  private static long lines(StockKey key, String status) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT coalesce(sum(l.quantity), 0) FROM "
                        + schema
                        + ".reservation_line l JOIN "
                        + schema
                        + ".reservation r ON r.id = l.reservation_id"
                        + " WHERE l.sku = :sku AND r.status = :status")
                .bind("sku", key.sku())
                .bind("status", status)
                .mapTo(Long.class)
                .one());
  }

  /** The log of a key replays to its level, and no row ever shows more reserved than on hand. */
  private static void assertLogReplays(StockKey key, StockLevel level) {
    long onHand = 0;
    long reserved = 0;
    for (Map<String, Object> row : log(key)) {
      onHand += (Long) row.get("on_hand_delta");
      reserved += (Long) row.get("reserved_delta");
      assertThat((Long) row.get("on_hand_after")).isEqualTo(onHand);
      assertThat((Long) row.get("reserved_after")).isEqualTo(reserved);
      assertThat(reserved).isBetween(0L, onHand);
    }
    assertThat(onHand).isEqualTo(level.onHand());
    assertThat(reserved).isEqualTo(level.reserved());
  }

  @Test
  @DisplayName("sells exactly the stock to 48 threads on two instances, and the log replays")
  void exactlyTheStockIsSold() throws Exception {
    StockKey key = StockKey.of("FLASH-1");
    a.receive(key, 300, "flash sale");

    long granted = crowd(key, 40, false);

    StockLevel level = a.level(key);
    assertThat(granted).isEqualTo(300);
    assertThat(level).isEqualTo(new StockLevel(key, 300, 300));
    assertThat(lines(key, "HELD")).isEqualTo(300);
    assertLogReplays(key, level);
    // Combining happened: some statements carried several reservations (one `at` for a batch).
    assertThat(log(key).stream().map(r -> r.get("at")).distinct().count())
        .isLessThan(log(key).size());
  }

  @Test
  @DisplayName("with mixed quantities: never oversold, nothing left that a request could take")
  void mixedQuantitiesNeverOversell() throws Exception {
    StockKey key = StockKey.of("FLASH-2");
    a.receive(key, 500, "flash sale");

    long granted = crowd(key, 30, true);

    StockLevel level = b.level(key);
    assertThat(level.reserved()).isEqualTo(granted);
    assertThat(level.available()).isZero();
    assertThat(lines(key, "HELD")).isEqualTo(granted);
    assertLogReplays(key, level);
  }

  @Test
  @DisplayName(
      "on many keys, with carts, purchases and releases crossing combined statements: every key"
          + " adds up, the log replays, and statements carried several keys")
  void manyKeysWithCartsAddUp() throws Exception {
    List<StockKey> keys = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      StockKey key = StockKey.of("MANY-" + k, k % 2 == 0 ? "hub" : "store-" + k);
      keys.add(key);
      a.receive(key, 40, "many keys");
    }
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 2 * THREADS_PER_INSTANCE; t++) {
      Inventory inventory = t % 2 == 0 ? a : b;
      Random random = new Random(t);
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                List<String> held = new ArrayList<>();
                List<ReservationRequest> granted = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                  String id = "many-" + thread + "-" + i;
                  int dice = random.nextInt(100);
                  try {
                    if (dice >= 92 && !granted.isEmpty()) {
                      // A replay (a client's retry), in a batch with other keys' requests.
                      ReservationRequest again = granted.get(random.nextInt(granted.size()));
                      Reservation replayed = inventory.reserve(again);
                      assertThat(replayed.id()).isEqualTo(again.id());
                      assertThat(replayed.lines()).isEqualTo(again.lines());
                    } else if (dice < 10 && !held.isEmpty()) {
                      inventory.release(held.remove(random.nextInt(held.size())));
                    } else if (dice < 25) {
                      // A cart, its lines in no particular order: the library locks in key order.
                      ReservationRequest.Builder cart = ReservationRequest.builder(id);
                      List<StockKey> shuffled = new ArrayList<>(keys);
                      Collections.shuffle(shuffled, random);
                      shuffled.subList(0, 2 + random.nextInt(2)).forEach(k -> cart.line(k, 1));
                      held.add(inventory.reserve(cart.build()).id());
                    } else {
                      StockKey key = keys.get(random.nextInt(keys.size()));
                      ReservationRequest one =
                          ReservationRequest.builder(id).line(key, 1 + random.nextInt(2)).build();
                      if (dice < 40) {
                        inventory.purchase(one);
                      } else {
                        held.add(inventory.reserve(one).id());
                      }
                      granted.add(one);
                    }
                  } catch (InsufficientStockException refused) {
                    assertThat(refused.shortages()).isNotEmpty();
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();

    for (StockKey key : keys) {
      StockLevel level = a.level(key);
      assertThat(level.reserved()).as("reserved of %s", key).isEqualTo(lines(key, "HELD"));
      assertThat(level.onHand()).as("on hand of %s", key).isEqualTo(40 - lines(key, "CONFIRMED"));
      assertThat(level.available()).as("available of %s", key).isNotNegative();
      assertLogReplays(key, level);
    }
    long sharedStatements =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        // One-line reservations only (a cart's lines share a time of their own).
                        "SELECT count(*) FROM (SELECT g.at FROM "
                            + schema
                            + ".inventory_log g WHERE g.sku LIKE 'MANY-%'"
                            + " AND g.kind IN ('RESERVE', 'CONFIRM') AND (SELECT count(*) FROM "
                            + schema
                            + ".reservation_line l WHERE l.reservation_id = g.reservation_id) = 1"
                            + " GROUP BY g.at HAVING count(DISTINCT g.sku) > 1) s")
                    .mapTo(Long.class)
                    .one());
    assertThat(sharedStatements).isPositive();
  }

  @Test
  @DisplayName(
      "carts only, from two instances on six scarce keys: each cart all of its lines or none,"
          + " every key adds up, the log replays, and carts shared statements")
  void combinedCartsAreAllOrNothing() throws Exception {
    List<StockKey> keys = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      StockKey key = StockKey.of("CART-" + k, k % 2 == 0 ? "hub" : "store");
      keys.add(key);
      a.receive(key, 60, "carts");
    }
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);
    CountDownLatch start = new CountDownLatch(1);
    Map<String, ReservationRequest> placed = new ConcurrentHashMap<>();
    Map<String, ReservationRequest> refused = new ConcurrentHashMap<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 2 * THREADS_PER_INSTANCE; t++) {
      Inventory inventory = t % 2 == 0 ? a : b;
      Random random = new Random(1000 + t);
      int thread = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                  ReservationRequest.Builder builder =
                      ReservationRequest.builder("cart-" + thread + "-" + i);
                  List<StockKey> shuffled = new ArrayList<>(keys);
                  Collections.shuffle(shuffled, random);
                  shuffled
                      .subList(0, 2 + random.nextInt(2))
                      .forEach(k -> builder.line(k, 1 + random.nextInt(3)));
                  ReservationRequest cart = builder.build();
                  try {
                    Reservation r =
                        random.nextInt(4) == 0 ? inventory.purchase(cart) : inventory.reserve(cart);
                    assertThat(r.lines()).isEqualTo(cart.lines());
                    placed.put(cart.id(), cart);
                    if (random.nextInt(5) == 0 && r.status() == Reservation.Status.HELD) {
                      inventory.release(r.id());
                    }
                  } catch (InsufficientStockException e) {
                    assertThat(e.shortages()).isNotEmpty();
                    refused.put(cart.id(), cart);
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(2, TimeUnit.MINUTES);
    }
    pool.shutdown();

    assertThat(placed.size() + refused.size()).isEqualTo(2 * THREADS_PER_INSTANCE * 20);
    assertThat(refused).as("the stock ran out").isNotEmpty();
    for (ReservationRequest cart : placed.values()) {
      assertThat(a.findReservation(cart.id()).orElseThrow().lines()).isEqualTo(cart.lines());
    }
    for (String id : refused.keySet()) {
      assertThat(a.findReservation(id)).as("refused cart %s", id).isEmpty();
    }
    for (StockKey key : keys) {
      StockLevel level = a.level(key);
      assertThat(level.reserved()).as("reserved of %s", key).isEqualTo(lines(key, "HELD"));
      assertThat(level.onHand()).as("on hand of %s", key).isEqualTo(60 - lines(key, "CONFIRMED"));
      assertLogReplays(key, level);
    }
    // Carts placed by one call share their instant; alone, each takes its own.
    long cartsInSharedCalls =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM "
                            + schema
                            + ".reservation WHERE id LIKE 'cart-%' GROUP BY created_at"
                            + " HAVING count(*) > 1) s")
                    .mapTo(Long.class)
                    .one());
    assertThat(cartsInSharedCalls).isPositive();
  }
}
