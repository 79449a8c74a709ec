package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.RecordingListener;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.Location;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flash-sale mode combines carts: carts that queue while a statement is busy are placed together by
 * one call (V9's {@code inventory_place_carts}). Each test makes the batch happen for sure: a cart
 * alone in the only slot ({@code maxInFlight(1)}) waits for a row the test holds locked, the carts
 * under test queue behind it in a known order, and go as one batch when the test lets the row go.
 * Every cart must then get the answer it would have got alone, all of its lines or none.
 */
@DisplayName("Combined carts in flash-sale mode")
class CombinedCartsTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(12);

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final RecordingListener recorder = new RecordingListener();
  private final String run = "cc" + RUNS.incrementAndGet() + "-";
  private final RowLocks locks = new RowLocks(DB.pool());

  /** A schema of its own for known-keys mode, whose guard stays on once built. */
  private String knownKeysSchema;

  private String schema() {
    return knownKeysSchema != null ? knownKeysSchema : DB.name();
  }

  private JdbcInventoryStore store(boolean knownKeysOnly) {
    if (knownKeysOnly) {
      knownKeysSchema = TestDatabase.newSchema(CombinedCartsTest.class);
    }
    return JdbcInventory.builder(DB.pool())
        .schema(schema())
        .migrate(knownKeysOnly)
        .allowNoTimeouts(true)
        .combining(true)
        .maxInFlight(1)
        .knownKeysOnly(knownKeysOnly)
        .listener(recorder)
        .buildStore();
  }

  @AfterEach
  void letGo() throws SQLException {
    locks.close();
    if (knownKeysSchema != null) {
      TestDatabase.dropSchema(DB.pool(), knownKeysSchema);
    }
  }

  private StockKey key(String name) {
    return StockKey.of(run + name);
  }

  private ReservationRequest cart(String id, Object... keysAndQuantities) {
    ReservationRequest.Builder b = ReservationRequest.builder(run + id);
    for (int i = 0; i < keysAndQuantities.length; i += 2) {
      b.line((StockKey) keysAndQuantities[i], (Integer) keysAndQuantities[i + 1]);
    }
    return b.ttl(Duration.ofMinutes(10)).build();
  }

  /**
   * Takes the only slot with a cart that waits for {@code blocked}'s row (locked by the caller),
   * then queues the carts in this order; returns their answers to come.
   */
  private List<CompletableFuture<Reservation>> queueBehind(
      JdbcInventoryStore store,
      StockKey blocked,
      boolean purchase,
      List<ReservationRequest> carts) {
    Inventory inventory = store.inventory();
    CompletableFuture.supplyAsync(
        () -> inventory.reserve(cart("leader-" + blocked.sku(), blocked, 1, key("spare"), 1)));
    RowLocks.awaitUntil(
        () -> 0 < locks.waiting("inventory_place_cart_checked"), "the leader waits");
    List<CompletableFuture<Reservation>> answers = new ArrayList<>();
    for (ReservationRequest cart : carts) {
      int before = queued(store, purchase);
      Supplier<Reservation> call =
          purchase ? () -> inventory.purchase(cart) : () -> inventory.reserve(cart);
      answers.add(CompletableFuture.supplyAsync(call));
      RowLocks.awaitUntil(() -> queued(store, purchase) == before + 1, cart.id() + " queues");
    }
    return answers;
  }

  private static int queued(JdbcInventoryStore store, boolean purchase) {
    return purchase
        ? store.flashSaleStatus().purchasesWaiting()
        : store.flashSaleStatus().reservesWaiting();
  }

  private static Object answer(CompletableFuture<Reservation> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<BatchSent> batchesOf(int size) {
    return recorder.events().stream()
        .filter(BatchSent.class::isInstance)
        .map(BatchSent.class::cast)
        .filter(b -> b.size() == size)
        .toList();
  }

  private static List<LogEntry> history(JdbcInventoryStore store, StockKey key) {
    return store
        .ledger()
        .history(key, Instant.EPOCH, Instant.now().plus(Duration.ofDays(1)), 100, null)
        .entries();
  }

  private void stock(Inventory inventory, StockKey... keys) {
    for (StockKey k : keys) {
      inventory.receive(k, 10, null);
    }
  }

  @Test
  @DisplayName("queued carts go as one call, each with all of its lines, logged cart after cart")
  void queuedCartsArePlacedTogether() throws Exception {
    JdbcInventoryStore store = store(false);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey shared = key("shared");
    StockKey a = key("a");
    StockKey b = key("b");
    stock(inventory, blocked, key("spare"), shared, a, b);
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");

    List<ReservationRequest> carts =
        List.of(
            cart("one", shared, 3, a, 1),
            cart("two", shared, 4, b, 2),
            cart("three", a, 2, b, 1, shared, 3));
    List<CompletableFuture<Reservation>> answers = queueBehind(store, blocked, false, carts);
    lock.rollback();

    for (int i = 0; i < carts.size(); i++) {
      Reservation placed = (Reservation) answer(answers.get(i));
      assertThat(placed.id()).isEqualTo(carts.get(i).id());
      assertThat(placed.status()).isEqualTo(Status.HELD);
      assertThat(placed.lines()).isEqualTo(carts.get(i).lines());
      assertThat(inventory.findReservation(placed.id()).orElseThrow().lines())
          .isEqualTo(carts.get(i).lines());
    }
    // One call: one instant for the three (alone, each takes its own from the clock).
    assertThat(
            carts.stream()
                .map(c -> inventory.findReservation(c.id()).orElseThrow().createdAt())
                .distinct())
        .hasSize(1);
    List<BatchSent> batches = batchesOf(3);
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0).operation()).isEqualTo(Operation.RESERVE);
    assertThat(batches.get(0).keys()).isEqualTo(3);
    assertThat(inventory.level(shared).reserved()).isEqualTo(10);
    assertThat(inventory.level(shared).available()).isZero();
    assertThat(inventory.level(a).reserved()).isEqualTo(3);
    assertThat(inventory.level(b).reserved()).isEqualTo(3);
    // The shared key's log (newest first) reads as if the carts had come one after the other.
    List<LogEntry> sharedLog = history(store, shared);
    assertThat(sharedLog)
        .extracting(LogEntry::reservationId, LogEntry::reservedAfter)
        .containsExactly(
            tuple(run + "three", 10L),
            tuple(run + "two", 7L),
            tuple(run + "one", 3L),
            tuple(null, 0L));
    assertThat(store.ledger().audit(List.of(shared, a, b)).isClean()).isTrue();
  }

  @Test
  @DisplayName("a batch that does not fit answers each cart as alone, in arrival order")
  void aBatchThatDoesNotFitIsAnsweredAsOneAfterTheOther() throws Exception {
    JdbcInventoryStore store = store(false);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey scarce = key("scarce");
    StockKey a = key("a");
    StockKey b = key("b");
    StockKey c = key("c");
    stock(inventory, blocked, key("spare"), a, b, c);
    inventory.receive(scarce, 4, null);
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");

    List<ReservationRequest> carts =
        List.of(
            cart("first", scarce, 3, a, 1),
            cart("second", scarce, 2, b, 1), // 2 of the 1 left: refused, b untouched
            cart("third", scarce, 1, c, 1), // fits what the first left
            cart("elsewhere", a, 1, c, 1), // in nobody's way
            cart("fourth", b, 1, c, 1));
    List<CompletableFuture<Reservation>> answers = queueBehind(store, blocked, false, carts);
    lock.rollback();

    assertThat(answer(answers.get(0))).isInstanceOf(Reservation.class);
    assertThat(answer(answers.get(1)))
        .isInstanceOfSatisfying(
            InsufficientStockException.class,
            e -> assertThat(e.shortages()).containsExactly(new Shortage(scarce, 2, 1)));
    assertThat(answer(answers.get(2))).isInstanceOf(Reservation.class);
    assertThat(answer(answers.get(3))).isInstanceOf(Reservation.class);
    assertThat(answer(answers.get(4))).isInstanceOf(Reservation.class);
    assertThat(inventory.findReservation(run + "second")).isEmpty();
    assertThat(inventory.level(scarce).reserved()).isEqualTo(4);
    assertThat(inventory.level(a).reserved()).isEqualTo(2);
    assertThat(inventory.level(b).reserved()).isEqualTo(1);
    assertThat(inventory.level(c).reserved()).isEqualTo(3);
    assertThat(store.ledger().audit(List.of(scarce, a, b, c)).isClean()).isTrue();
  }

  @Test
  @DisplayName("a replay in a batch gets its reservation, a different cart with its id a conflict")
  void takenIdsInABatchAreAnsweredAsAlone() throws Exception {
    JdbcInventoryStore store = store(false);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey a = key("a");
    StockKey b = key("b");
    stock(inventory, blocked, key("spare"), a, b);
    ReservationRequest original = cart("again", a, 1, b, 1);
    Reservation first = inventory.reserve(original);
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");

    List<CompletableFuture<Reservation>> answers =
        queueBehind(
            store,
            blocked,
            false,
            List.of(
                cart("new", a, 2, b, 2),
                original,
                cart("again", a, 5, b, 1), // the same id, other lines
                cart("newer", a, 1, b, 1)));
    lock.rollback();

    assertThat(answer(answers.get(0))).isInstanceOf(Reservation.class);
    assertThat(answer(answers.get(1))).isEqualTo(first);
    assertThat(answer(answers.get(2))).isInstanceOf(IdempotencyConflictException.class);
    assertThat(answer(answers.get(3))).isInstanceOf(Reservation.class);
    assertThat(inventory.level(a).reserved()).isEqualTo(4);
    assertThat(inventory.level(b).reserved()).isEqualTo(4);
    assertThat(store.ledger().audit(List.of(a, b)).isClean()).isTrue();
  }

  @Test
  @DisplayName("known-keys mode: a cart naming a key the catalog does not know is refused so")
  void unknownKeysInABatchAreNamed() throws Exception {
    JdbcInventoryStore store = store(true);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey a = key("a");
    StockKey b = key("b");
    StockKey unknown = key("unknown");
    List<StockKey> known = List.of(blocked, key("spare"), a, b);
    store.catalog().createLocation(Location.of(a.location(), "main hub"));
    for (StockKey k : known) {
      store.catalog().createItem(Item.of(k.sku(), "t", "s", k.sku()));
    }
    stock(inventory, known.toArray(StockKey[]::new));
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");

    List<CompletableFuture<Reservation>> answers =
        queueBehind(
            store,
            blocked,
            false,
            List.of(cart("fine", a, 1, b, 1), cart("stray", a, 1, unknown, 1), cart("also", b, 2)));
    lock.rollback();

    assertThat(answer(answers.get(0))).isInstanceOf(Reservation.class);
    assertThat(answer(answers.get(1)))
        .isInstanceOfSatisfying(
            UnknownKeysException.class, e -> assertThat(e.keys()).containsExactly(unknown));
    assertThat(answer(answers.get(2))).isInstanceOf(Reservation.class);
    assertThat(inventory.level(a).reserved()).isEqualTo(1);
    assertThat(inventory.level(b).reserved()).isEqualTo(3);
  }

  @Test
  @DisplayName("purchases of carts go together too, and sell at once")
  void purchasedCartsAreSoldTogether() throws Exception {
    JdbcInventoryStore store = store(false);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey a = key("a");
    StockKey b = key("b");
    stock(inventory, blocked, key("spare"), a, b);
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");

    // The leader is a reserve; the purchases queue in the purchase combiner behind their own
    // leader, a purchase that waits for the same row.
    Inventory inv = store.inventory();
    CompletableFuture.supplyAsync(() -> inv.purchase(cart("buy-leader", blocked, 1)));
    RowLocks.awaitUntil(
        () -> 0 < locks.waiting("inventory_place_one_line"), "the purchase leader waits");
    List<CompletableFuture<Reservation>> answers = new ArrayList<>();
    for (ReservationRequest cart : List.of(cart("buy-1", a, 2, b, 1), cart("buy-2", a, 1, b, 3))) {
      int before = queued(store, true);
      answers.add(CompletableFuture.supplyAsync(() -> inv.purchase(cart)));
      RowLocks.awaitUntil(() -> queued(store, true) == before + 1, cart.id() + " queues");
    }
    lock.rollback();

    for (CompletableFuture<Reservation> f : answers) {
      assertThat(((Reservation) answer(f)).status()).isEqualTo(Status.CONFIRMED);
    }
    assertThat(batchesOf(2)).extracting(BatchSent::operation).containsExactly(Operation.PURCHASE);
    assertThat(inventory.level(a).onHand()).isEqualTo(7);
    assertThat(inventory.level(b).onHand()).isEqualTo(6);
    assertThat(inventory.level(a).reserved()).isZero();
    assertThat(store.ledger().audit(List.of(a, b)).isClean()).isTrue();
  }

  @Test
  @DisplayName("a key taken under the row lock after the snapshot: each cart alone, nothing half")
  void aKeyTakenAfterTheSnapshotUndoesTheCallAndTheCartsGoAlone() throws Exception {
    JdbcInventoryStore store = store(false);
    Inventory inventory = store.inventory();
    StockKey blocked = key("blocked");
    StockKey contested = key("contested");
    StockKey a = key("a");
    stock(inventory, blocked, key("spare"), contested, a);
    Connection lock = locks.lock(schema(), blocked, "updated_at = updated_at");
    List<CompletableFuture<Reservation>> answers =
        queueBehind(
            store,
            blocked,
            false,
            List.of(cart("x", a, 1, contested, 2), cart("y", a, 1, contested, 3)));
    // Another transaction takes all of the contested key, uncommitted: the batch's snapshot still
    // sees 10 free, and its UPDATE waits for this lock.
    Connection taker = locks.lock(schema(), contested, "reserved = on_hand");
    lock.rollback();
    RowLocks.awaitUntil(
        () -> 0 < locks.waiting("inventory_place_carts"), "the batch waits for the row");
    taker.commit();

    for (CompletableFuture<Reservation> f : answers) {
      assertThat(answer(f))
          .isInstanceOfSatisfying(
              InsufficientStockException.class,
              e -> assertThat(e.shortages()).extracting(Shortage::key).containsExactly(contested));
    }
    assertThat(inventory.findReservation(run + "x")).isEmpty();
    assertThat(inventory.findReservation(run + "y")).isEmpty();
    assertThat(inventory.level(a).reserved()).isZero();
    assertThat(history(store, a)).hasSize(1); // the receipt only
  }
}
