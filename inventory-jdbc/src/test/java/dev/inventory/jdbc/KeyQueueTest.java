package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * V13: a one-line request waits for a contended key in the key's queue (a transaction-level
 * advisory lock), so that at most one of them waits on the stock row itself; PostgreSQL wakes every
 * waiter of a row each time its holder commits, and only one of an advisory lock's. What each test
 * forces: a transaction of the test holds the key's row, so the library's calls surely wait.
 */
@DisplayName("One-line requests on a contended key")
class KeyQueueTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(8);

  private static String schema;
  private static JdbcInventoryStore store;
  private static ExecutorService buyers;
  private static final MutableClock clock = MutableClock.startingAt("2026-12-06T00:00:00Z");

  @BeforeAll
  static void open() {
    schema = DB.name();
    store = store(schema, Duration.ZERO).buildStore();
    buyers = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void close() {
    buyers.shutdownNow();
  }

  /**
   * Flash-sale mode off, so that every request is one call of the function; one attempt, so that a
   * deadlock or a timeout is not retried away, and passes unseen.
   */
  private static JdbcInventory.Builder store(String schema, Duration lockTimeout) {
    return JdbcInventory.builder(DB.pool())
        .schema(schema)
        .clock(clock)
        .combining(false)
        .attempts(1)
        .lockTimeout(lockTimeout);
  }

  @Test
  @DisplayName(
      "wait in the key's queue: one waits for the row, the others for their turn, and each is"
          + " placed once the row is free")
  void waitersQueueForTheKeyNotForTheRow() throws Exception {
    Inventory inventory = store.inventory();
    StockKey k = StockKey.of("QUEUED");
    inventory.receive(k, 10, null);

    List<CompletableFuture<Reservation>> placed = new ArrayList<>();
    try (RowLocks locks = new RowLocks(DB.pool())) {
      locks.lock(schema, k, "updated_at = updated_at");
      for (int i = 0; i < 4; i++) {
        placed.add(reserveAsync(inventory, "queued-" + i, k, 1));
      }
      awaitWaiting(locks, 4, "all four calls wait");

      // The one at the head of the queue waits for the row's holder (its transaction id), the
      // other three for the advisory lock; before V13 all four waited for the row.
      assertThat(locks.waitingFor(placeOneLine()))
          .containsEntry("advisory", 3)
          .containsEntry("transactionid", 1)
          .hasSize(2);
    }

    for (CompletableFuture<Reservation> f : placed) {
      assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
    }
    assertThat(inventory.level(k).reserved()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "refused as short, never wait in the queue: a sold-out key's refusals run while a request"
          + " waits its turn")
  void refusalsDoNotQueue() throws Exception {
    Inventory inventory = store.inventory();
    StockKey k = StockKey.of("NEARLY-GONE");
    inventory.receive(k, 1, null);

    withTheQueueTaken(
        k,
        "last-unit",
        () -> {
          // Two units of a key with one: refused at once, while the queue is taken and the row
          // held. (So it was before V13 too: this guards the order of V13's check and its lock.)
          CompletableFuture<Reservation> tooMany = reserveAsync(inventory, "too-many", k, 2);
          assertThat(tooMany)
              .failsWithin(Duration.ofSeconds(20))
              .withThrowableOfType(ExecutionException.class)
              .havingCause()
              .isInstanceOf(InsufficientStockException.class);
        });

    assertThat(inventory.level(k).available()).isZero();
  }

  @Test
  @DisplayName(
      "in a caller's transaction that already changed the key, go straight to the row: no"
          + " deadlock with a request queued behind that transaction")
  void aTransactionThatWroteDoesNotQueue() throws Exception {
    Inventory inventory = store.inventory();
    StockKey k = StockKey.of("RESTOCKED");
    inventory.receive(k, 1, null);

    CompletableFuture<Reservation> queued;
    try (Connection caller = DB.pool().getConnection();
        RowLocks locks = new RowLocks(DB.pool())) {
      caller.setAutoCommit(false);
      TransactionalInventory bound = store.inTransaction(caller);
      bound.receive(k, 5, "restock"); // the caller's transaction now holds the key's row

      queued = reserveAsync(inventory, "queued", k, 1);
      awaitWaiting(locks, 1, "the autocommit request holds the queue and waits for the row");

      // Queueing here would wait for the request above, which waits for this transaction:
      // PostgreSQL would end one of them with a deadlock after deadlock_timeout.
      Reservation mine =
          bound.reserve(ReservationRequest.builder("in-transaction").line(k, 2).build());
      assertThat(mine.status()).isEqualTo(Status.HELD);
      caller.commit();
    }

    assertThat(queued.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
    assertThat(inventory.level(k).onHand()).isEqualTo(6);
    assertThat(inventory.level(k).reserved()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "in a caller's transaction, a call that failed leaves the key's queue at once, not when the"
          + " transaction ends")
  void aFailedCallLeavesTheQueue() throws Exception {
    Inventory inventory = store.inventory();
    StockKey k = StockKey.of("CONFLICT");
    inventory.receive(k, 5, null);
    inventory.reserve(ReservationRequest.builder("taken").line(k, 1).build());

    try (Connection caller = DB.pool().getConnection()) {
      caller.setAutoCommit(false);
      TransactionalInventory bound = store.inTransaction(caller);
      // It queued and took the stock (it had written nothing), then found its id taken: the
      // library rolls back to its savepoint, which ends the call's hold on the queue too.
      assertThatThrownBy(
              () -> bound.reserve(ReservationRequest.builder("taken").line(k, 2).build()))
          .isInstanceOf(IdempotencyConflictException.class);

      // The caller's transaction is still open; the key's next buyer does not wait for it.
      assertThat(reserveAsync(inventory, "next", k, 1))
          .succeedsWithin(Duration.ofSeconds(20))
          .extracting(Reservation::status)
          .isEqualTo(Status.HELD);
      caller.rollback();
    }
    assertThat(inventory.level(k).reserved()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "wait only behind their own schema's buyers: the same key in another schema has a queue of"
          + " its own")
  void schemasDoNotShareQueues() throws Exception {
    StockKey k = StockKey.of("SAME-NAME");
    store.inventory().receive(k, 5, null);
    String other = TestDatabase.newSchema(KeyQueueTest.class);
    try {
      Inventory elsewhere = store(other, Duration.ZERO).build();
      elsewhere.receive(k, 5, null);

      withTheQueueTaken(
          k,
          "here",
          () ->
              assertThat(reserveAsync(elsewhere, "there", k, 1))
                  .succeedsWithin(Duration.ofSeconds(20))
                  .extracting(Reservation::status)
                  .isEqualTo(Status.HELD));
    } finally {
      TestDatabase.dropSchema(DB.pool(), other);
    }
  }

  @Test
  @DisplayName(
      "waiting for their turn past lock_timeout, fail with InventoryTimeoutException and change"
          + " nothing")
  void aTurnWaitedPastLockTimeoutFails() throws Exception {
    StockKey k = StockKey.of("SLOW-TURN");
    store.inventory().receive(k, 5, null);
    // lockTimeout runs the call in a transaction (SET LOCAL first): it still queues.
    Inventory impatient = store(schema, Duration.ofMillis(300)).build();

    withTheQueueTaken(
        k,
        "first",
        () ->
            assertThat(reserveAsync(impatient, "impatient", k, 1))
                .failsWithin(Duration.ofSeconds(20))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(InventoryTimeoutException.class));

    assertThat(store.inventory().findReservation("impatient")).isEmpty();
    assertThat(store.inventory().level(k).reserved()).isEqualTo(1);
  }

  /** Work of a test that may throw. */
  private interface Body {
    void run() throws Exception;
  }

  /**
   * Runs the body while a request for one unit of the key holds the key's queue: the test holds the
   * key's row, so the request waits for it at the head of the queue. Then checks that the request
   * was still waiting when the body ended, frees the row, and checks that it was placed.
   */
  private static void withTheQueueTaken(StockKey key, String id, Body body) throws Exception {
    CompletableFuture<Reservation> head;
    try (RowLocks locks = new RowLocks(DB.pool())) {
      locks.lock(schema, key, "updated_at = updated_at");
      head = reserveAsync(store.inventory(), id, key, 1);
      awaitWaiting(locks, 1, id + " holds the key's queue and waits for the row");
      body.run();
      assertThat(head).isNotDone();
    }
    assertThat(head.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
  }

  /** What the library's one-line statement names, with this class's schema: no other class's. */
  private static String placeOneLine() {
    return schema + ".inventory_place_one_line";
  }

  /** Waits until this many of this schema's one-line calls wait for a lock. */
  private static void awaitWaiting(RowLocks locks, int calls, String what) {
    RowLocks.awaitUntil(() -> locks.waiting(placeOneLine()) == calls, what);
  }

  private static CompletableFuture<Reservation> reserveAsync(
      Inventory inventory, String id, StockKey key, long quantity) {
    return CompletableFuture.supplyAsync(
        () ->
            inventory.reserve(
                ReservationRequest.builder(id)
                    .line(key, quantity)
                    .ttl(Duration.ofHours(1))
                    .build()),
        buyers);
  }
}
