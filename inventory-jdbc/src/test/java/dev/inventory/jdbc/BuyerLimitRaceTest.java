package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.BuyerLimitExceededException;
import dev.inventory.Inventory;
import dev.inventory.RecordingListener;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.catalog.Item;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.Retried;
import dev.inventory.event.InventoryEvent.StockReceived;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The race a per-buyer limit must win: a request whose statement checked the buyer's units before
 * another request of the same buyer committed, and then waited for the stock row that request held.
 * Its count under the row's lock finds the limit passed; the statement undoes itself (IV002) and
 * the request, tried again, is refused with the committed numbers. Forced here with a caller's
 * transaction that holds the locks until the second request is waiting.
 */
@DisplayName("A buyer's request that raced another of the same buyer under the row lock")
class BuyerLimitRaceTest {
  private static HikariDataSource pool;
  private static String schema;
  private static JdbcInventoryStore store;
  private static Jdbi jdbi;

  private static final RecordingListener recorder = new RecordingListener();

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(6);
    schema = TestDatabase.newSchema(BuyerLimitRaceTest.class);
    store =
        JdbcInventory.builder(pool).schema(schema).combining(false).listener(recorder).buildStore();
    jdbi = Jdbi.create(pool);
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @ParameterizedTest(name = "{0} line(s)")
  @ValueSource(ints = {1, 2})
  @DisplayName("is refused with the committed numbers, and nothing of it is written")
  void racedRequestIsRefused(int lines) throws Exception {
    StockKey k = StockKey.of("RACE-" + lines);
    StockKey other = StockKey.of("RACE-OTHER-" + lines);
    store.catalog().createItem(new Item(k.sku(), "shop", "seller", "Raced", true, 2L));
    Inventory inventory = store.inventory();
    inventory.receive(k, 10, null);
    inventory.receive(other, 10, null);
    String buyer = "buyer-" + lines;

    CompletableFuture<Reservation> second;
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      // The first request: its stock row and the buyer's count stay locked until the commit.
      store
          .inTransaction(c)
          .reserve(ReservationRequest.builder("first-" + lines).line(k, 2).buyer(buyer).build());
      ReservationRequest.Builder request =
          ReservationRequest.builder("second-" + lines).line(k, 1).buyer(buyer);
      if (lines == 2) {
        request.line(other, 1);
      }
      int holder;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        holder = rs.getInt(1);
      }
      second = CompletableFuture.supplyAsync(() -> inventory.reserve(request.build()));
      awaitBlockedBy(holder);
      c.commit();
    }

    Throwable refused = null;
    try {
      second.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      refused = e.getCause();
    }
    assertThat(refused).isInstanceOf(BuyerLimitExceededException.class);
    BuyerLimitExceededException e = (BuyerLimitExceededException) refused;
    assertThat(e.used()).isEqualTo(2);
    assertThat(e.remaining()).isZero();
    assertThat(inventory.level(k).reserved()).isEqualTo(2);
    assertThat(inventory.level(other).reserved()).isZero();
    assertThat(inventory.findReservation("second-" + lines)).isEmpty();
    assertThat(units(buyer, k.sku())).isEqualTo(2);
  }

  @Test
  @DisplayName("a release racing a request of the same buyer deadlocks with nothing")
  void releaseAndRequestOfOneBuyer() throws Exception {
    StockKey k = StockKey.of("RACE-RELEASE");
    store.catalog().createItem(new Item(k.sku(), "shop", "seller", "Raced", true, 2L));
    Inventory inventory = store.inventory();
    inventory.receive(k, 100, null);
    String buyer = "buyer-release";
    for (int round = 0; round < 50; round++) {
      inventory.reserve(
          ReservationRequest.builder("held-" + round).line(k, 2).buyer(buyer).build());
      int r = round;
      CompletableFuture<Reservation> release =
          CompletableFuture.supplyAsync(() -> inventory.release("held-" + r));
      CompletableFuture<Reservation> request =
          CompletableFuture.supplyAsync(
              () ->
                  inventory.reserve(
                      ReservationRequest.builder("next-" + r).line(k, 1).buyer(buyer).build()));
      release.get(30, TimeUnit.SECONDS);
      try {
        request.get(30, TimeUnit.SECONDS);
        inventory.release("next-" + r);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(BuyerLimitExceededException.class);
      }
    }
    assertThat(units(buyer, k.sku())).isZero();
    assertThat(inventory.level(k).reserved()).isZero();
    // The library retries a deadlock (40P01) unseen by the caller: its event tells. Events come in
    // order, so once the marker's has arrived every retry of the rounds above has too.
    StockKey marker = StockKey.of("RACE-RELEASE-END");
    inventory.receive(marker, 1, null);
    List<InventoryEvent> deadlocks =
        recorder.awaitUntil(
            e -> e instanceof Retried r && r.reason() == Retried.Reason.DEADLOCK,
            e -> e instanceof StockReceived r && r.key().equals(marker));
    assertThat(deadlocks).as("deadlocks broken by the database").isEmpty();
  }

  private static long units(String buyer, String sku) {
    return TestDatabase.buyerUnits(pool, schema, buyer, sku);
  }

  /**
   * Waits until a backend waits for a lock that the transaction of {@code holder} (a backend pid)
   * holds: the second request, not some other test's session on the server. Polling: the wait is
   * inside the server, where no latch reaches.
   */
  private static void awaitBlockedBy(int holder) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      boolean blocked =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT EXISTS (SELECT 1 FROM pg_stat_activity"
                              + " WHERE :holder = ANY (pg_blocking_pids(pid)))")
                      .bind("holder", holder)
                      .mapTo(Boolean.class)
                      .one());
      if (blocked) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the second request never waited for the first one's lock");
  }
}
