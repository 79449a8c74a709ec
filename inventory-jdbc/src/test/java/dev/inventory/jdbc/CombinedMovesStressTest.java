package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Combined moves under load: three library instances (three pools, flash-sale mode on) confirm,
 * release and sweep the holds of one hot key at once, each hold asked for by several callers on
 * several instances, while part of the holds have run out. Every hold must end in exactly one final
 * state, each caller must have been told that state (or refused with it), and the books must
 * balance.
 */
@DisplayName("Combined confirms, releases and sweeps on one hot key, from three instances")
class CombinedMovesStressTest {
  private static final int HOLDS = 900;
  private static final int MOVERS_PER_INSTANCE = 12;

  private static HikariDataSource admin;
  private static final List<HikariDataSource> pools = new ArrayList<>();
  private static final List<JdbcInventoryStore> stores = new ArrayList<>();
  private static String schema;
  private static Jdbi jdbi;
  private static final MutableClock clock = MutableClock.startingAt("2031-05-01T10:00:00Z");

  @BeforeAll
  static void open() {
    admin = TestDatabase.pool(2);
    schema = TestDatabase.newSchema(CombinedMovesStressTest.class);
    JdbcInventory.builder(admin).schema(schema).build();
    for (int i = 0; i < 3; i++) {
      HikariDataSource pool = TestDatabase.pool(6);
      pools.add(pool);
      stores.add(
          JdbcInventory.builder(pool)
              .schema(schema)
              .clock(clock)
              .migrate(false)
              .allowNoTimeouts(true)
              .buildStore());
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
      "every hold ends in exactly one final state, each caller hears it, the stock equals the"
          + " log's replay and nothing is oversold")
  void everyHoldEndsOnce() throws Exception {
    StockKey hot = StockKey.of("HOT-MOVES");
    Inventory first = stores.get(0).inventory();
    first.receive(hot, 5_000, "delivery");
    List<String> ids = new ArrayList<>();
    Map<String, Long> quantity = new ConcurrentHashMap<>();
    for (int i = 0; i < HOLDS; i++) {
      String id = "hold-" + i;
      long q = 1 + i % 3;
      // A third of the holds run out before the crowd comes.
      Duration ttl = i % 3 == 0 ? Duration.ofMinutes(1) : Duration.ofHours(1);
      stores
          .get(i % 3)
          .inventory()
          .reserve(ReservationRequest.builder(id).line(hot, q).ttl(ttl).build());
      ids.add(id);
      quantity.put(id, q);
    }
    clock.advance(Duration.ofMinutes(2));

    // What each caller was told: the final status its call saw.
    Map<String, List<Status>> told = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean sweeping = new AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(3 * MOVERS_PER_INSTANCE + 3);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> movers = new ArrayList<>();
    for (int t = 0; t < 3 * MOVERS_PER_INSTANCE; t++) {
      Inventory inventory = stores.get(t % 3).inventory();
      Random random = new Random(7_000 + t);
      List<String> order = new ArrayList<>(ids);
      Collections.shuffle(order, random);
      movers.add(
          threads.submit(
              () -> {
                start.await();
                // Each thread asks for a third of the holds, so each is asked for about four
                // times, by confirms and releases from different instances.
                for (String id : order.subList(0, HOLDS / 3)) {
                  Status heard = move(inventory, id, random.nextBoolean());
                  told.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                      .add(heard);
                  calls.incrementAndGet();
                }
                return null;
              }));
    }
    List<Future<Integer>> sweepers = new ArrayList<>();
    for (JdbcInventoryStore store : stores) {
      sweepers.add(
          threads.submit(
              () -> {
                start.await();
                int expired = 0;
                while (sweeping.get()) {
                  expired += store.inventory().expireDue(25);
                }
                return expired;
              }));
    }
    start.countDown();
    for (Future<?> f : movers) {
      f.get(3, TimeUnit.MINUTES);
    }
    sweeping.set(false);
    int swept = 0;
    for (Future<Integer> f : sweepers) {
      swept += f.get(1, TimeUnit.MINUTES);
    }
    threads.shutdown();
    // Holds no caller asked for, and due ones a move found first, are expired by now or next.
    while (first.expireDue(100) > 0) {
      swept++;
    }

    long sold = 0;
    for (String id : ids) {
      Reservation r = first.findReservation(id).orElseThrow();
      assertThat(r.status().isFinal()).as(id).isTrue();
      boolean due = Integer.parseInt(id.substring("hold-".length())) % 3 == 0;
      if (due) {
        assertThat(r.status()).as("%s ran out before any move", id).isEqualTo(Status.EXPIRED);
      }
      assertThat(told.getOrDefault(id, List.of()))
          .as("what the callers of %s heard", id)
          .allMatch(heard -> heard == r.status());
      assertThat(finalEntries(id)).as("final log entries of %s", id).isEqualTo(1);
      if (r.status() == Status.CONFIRMED) {
        sold += quantity.get(id);
      }
    }
    assertThat(calls.get()).isEqualTo(3 * MOVERS_PER_INSTANCE * (HOLDS / 3));
    assertThat(swept).as("holds expired by the sweepers").isPositive();

    StockLevel level = first.level(hot);
    assertThat(level.reserved()).isZero();
    assertThat(level.onHand()).isEqualTo(5_000 - sold);
    AuditReport audit = stores.get(1).ledger().audit(List.of(hot));
    assertThat(audit.discrepancies()).as("the stock row against the log's replay").isEmpty();
  }

  /** Confirms or releases, and returns the final status the call saw (returned or refused with). */
  private static Status move(Inventory inventory, String id, boolean confirm) {
    try {
      Reservation r = confirm ? inventory.confirm(id) : inventory.release(id);
      assertThat(r.status()).isEqualTo(confirm ? Status.CONFIRMED : Status.RELEASED);
      return r.status();
    } catch (ReservationExpiredException e) {
      return Status.EXPIRED;
    } catch (ReservationStateException e) {
      assertThat(e.status()).isNotEqualTo(confirm ? Status.CONFIRMED : Status.RELEASED);
      return e.status();
    }
  }

  /** The CONFIRM, RELEASE and EXPIRE entries of one reservation: exactly one if it moved once. */
  private static long finalEntries(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM "
                        + schema
                        + ".inventory_log WHERE reservation_id = :id"
                        + " AND kind IN ('CONFIRM', 'RELEASE', 'EXPIRE')")
                .bind("id", id)
                .mapTo(Long.class)
                .one());
  }
}
