package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.BuyerLimitExceededException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.catalog.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-buyer limits under load: three library instances (three pools, flash-sale mode on) on one
 * database, one hot item with a limit of 2 per buyer, many threads reserving, buying, releasing and
 * confirming for a small crowd of buyers who ask again and again, on two locations of the item.
 * Afterwards, read from the tables: no buyer holds and has bought more than 2, the buyers' counts
 * equal their lines, nothing is oversold, and the stock rows equal the log's replay.
 */
@DisplayName("Per-buyer limits under load, from three instances")
class BuyerLimitStressTest {
  private static final String SKU = "HOT-LIMITED";
  private static final long LIMIT = 2;
  private static final int BUYERS = 60;
  private static final int THREADS_PER_INSTANCE = 12;
  private static final int OPERATIONS_PER_THREAD = 80;

  private static HikariDataSource admin;
  private static final List<HikariDataSource> pools = new ArrayList<>();
  private static final List<JdbcInventoryStore> stores = new ArrayList<>();
  private static String schema;
  private static Jdbi jdbi;

  @BeforeAll
  static void open() {
    admin = TestDatabase.pool(2);
    schema = TestDatabase.newSchema(BuyerLimitStressTest.class);
    JdbcInventory.builder(admin).schema(schema).build();
    for (int i = 0; i < 3; i++) {
      HikariDataSource pool = TestDatabase.pool(6);
      pools.add(pool);
      stores.add(JdbcInventory.builder(pool).schema(schema).migrate(false).buildStore());
    }
    jdbi = Jdbi.create(admin);
  }

  @AfterAll
  static void close() {
    pools.forEach(HikariDataSource::close);
    TestDatabase.dropSchema(admin, schema);
    admin.close();
  }

  @Test
  @DisplayName(
      "no buyer ever holds and buys more than the limit, the counts match the lines, nothing is"
          + " oversold and the stock equals the log's replay")
  void limitHoldsUnderLoad() throws Exception {
    List<StockKey> keys = List.of(StockKey.of(SKU, "default"), StockKey.of(SKU, "hub-2"));
    stores.get(0).catalog().createItem(new Item(SKU, "shop", "seller", "Hot", true, LIMIT));
    Inventory first = stores.get(0).inventory();
    // Less than the buyers could take (60 x 2), so that the stock runs out as well.
    first.receive(keys.get(0), 50, "delivery");
    first.receive(keys.get(1), 40, "delivery");

    Map<String, Queue<String>> heldBy = new ConcurrentHashMap<>();
    AtomicInteger limited = new AtomicInteger();
    AtomicInteger placed = new AtomicInteger();
    AtomicInteger sequence = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(3 * THREADS_PER_INSTANCE);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 3 * THREADS_PER_INSTANCE; t++) {
      Inventory inventory = stores.get(t % 3).inventory();
      Random random = new Random(9_100 + t);
      workers.add(
          threads.submit(
              () -> {
                start.await();
                for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                  String buyer = "buyer-" + random.nextInt(BUYERS);
                  Queue<String> held =
                      heldBy.computeIfAbsent(buyer, b -> new ConcurrentLinkedQueue<>());
                  int dice = random.nextInt(100);
                  try {
                    if (dice < 55 || held.isEmpty() && dice < 80) {
                      String id = "r-" + sequence.incrementAndGet();
                      StockKey key = keys.get(random.nextInt(2));
                      ReservationRequest request =
                          ReservationRequest.builder(id)
                              .line(key, 1 + random.nextInt(2))
                              .buyer(buyer)
                              .build();
                      if (dice < 45) {
                        inventory.reserve(request);
                        held.add(id);
                      } else {
                        inventory.purchase(request);
                      }
                      placed.incrementAndGet();
                    } else if (dice < 85) {
                      String id = held.poll();
                      if (id != null) {
                        inventory.release(id);
                      }
                    } else {
                      String id = held.poll();
                      if (id != null) {
                        inventory.confirm(id);
                      }
                    }
                  } catch (BuyerLimitExceededException e) {
                    assertThat(e.buyer()).isEqualTo(buyer);
                    assertThat(e.limit()).isEqualTo(LIMIT);
                    limited.incrementAndGet();
                  } catch (InsufficientStockException | ReservationStateException e) {
                    // sold out, or a move of a hold another thread moved: both expected
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : workers) {
      f.get(3, TimeUnit.MINUTES);
    }
    threads.shutdown();

    assertThat(placed.get()).as("requests granted").isPositive();
    assertThat(limited.get()).as("requests refused for the limit").isPositive();
    Map<String, Long> lines = unitsByBuyer();
    assertThat(lines.values()).as("held plus bought per buyer").allMatch(units -> units <= LIMIT);
    assertThat(lines.values().stream().mapToLong(Long::longValue).sum()).isPositive();
    assertThat(countedUnits())
        .as("buyer_usage equals each buyer's held and confirmed lines")
        .isEqualTo(lines);
    for (StockKey key : keys) {
      StockLevel level = first.level(key);
      assertThat(level.reserved()).isBetween(0L, level.onHand());
    }
    AuditReport audit = stores.get(1).ledger().audit(keys);
    assertThat(audit.discrepancies()).as("the stock rows against the log's replay").isEmpty();
    for (String buyer : lines.keySet()) {
      long listed =
          first.findReservations(buyer, 1000, null).reservations().stream()
              .filter(r -> r.status() != Reservation.Status.RELEASED)
              .mapToLong(r -> r.lines().get(0).quantity())
              .sum();
      assertThat(listed)
          .as("what findReservations lists for %s", buyer)
          .isEqualTo(lines.get(buyer));
    }
  }

  /** Held and confirmed units of the SKU per buyer, from the reservations and their lines. */
  private static Map<String, Long> unitsByBuyer() {
    Map<String, Long> units = new java.util.TreeMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT r.buyer, sum(l.quantity) AS units FROM "
                        + schema
                        + ".reservation r JOIN "
                        + schema
                        + ".reservation_line l ON l.reservation_id = r.id"
                        + " WHERE r.status IN ('HELD', 'CONFIRMED') AND l.sku = :sku"
                        + " GROUP BY r.buyer")
                .bind("sku", SKU)
                .map((rs, ctx) -> Map.entry(rs.getString("buyer"), rs.getLong("units")))
                .forEach(e -> units.put(e.getKey(), e.getValue())));
    return units;
  }

  /** What buyer_usage counts per buyer on the SKU (rows at 0 left out). */
  private static Map<String, Long> countedUnits() {
    Map<String, Long> units = new java.util.TreeMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT buyer, units FROM "
                        + schema
                        + ".buyer_usage WHERE sku = :sku AND units > 0")
                .bind("sku", SKU)
                .map((rs, ctx) -> Map.entry(rs.getString("buyer"), rs.getLong("units")))
                .forEach(e -> units.put(e.getKey(), e.getValue())));
    return units;
  }
}
