package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import dev.inventory.LogEntry.Kind;
import dev.inventory.Reservation.Status;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.CatalogEntryExistsException;
import dev.inventory.catalog.CatalogEntryNotFoundException;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.LocationQuery;
import dev.inventory.catalog.Page;
import dev.inventory.catalog.UpsertResult;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.Amended;
import dev.inventory.event.InventoryEvent.Completed;
import dev.inventory.event.InventoryEvent.Confirmed;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryEvent.Extended;
import dev.inventory.event.InventoryEvent.Failed;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.event.InventoryEvent.Purchased;
import dev.inventory.event.InventoryEvent.Refused;
import dev.inventory.event.InventoryEvent.Released;
import dev.inventory.event.InventoryEvent.Reserved;
import dev.inventory.event.InventoryEvent.StockAdjusted;
import dev.inventory.event.InventoryEvent.StockReceived;
import dev.inventory.event.InventoryEvent.StockSet;
import dev.inventory.event.InventoryListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link Inventory} must have, as executable sentences. Each implementation's
 * tests extend this class and say how to build the inventory and how to read its log:
 *
 * <pre>{@code
 * class JdbcInventoryContractTest extends InventoryContract {
 *   protected Inventory createInventory(Clock clock) {
 *     return JdbcInventory.builder(dataSource).schema(schemaOfThisClass).clock(clock).build();
 *   }
 *   protected List<LogEntry> logEntries(Collection<StockKey> keys) { ... ORDER BY id ... }
 * }
 * }</pre>
 *
 * <p>Storage may be shared between the tests of one class (the PostgreSQL tests use one schema per
 * class), so every test works on its own keys and reservation ids ({@link #key}, {@link #id}) and
 * never asserts on global counts: other tests' holds may fall due and be expired by this test's
 * {@code expireDue}. Time comes from {@link #clock}, which starts on a whole second in every test
 * and only moves by whole seconds (PostgreSQL keeps microseconds; only {@link Precision} moves it
 * between microseconds, to pin how finer times are cut), forward within a test but back to the
 * start between tests. The few tests that need to know every due hold in the store move the clock
 * to an era no other test uses (see {@link ExpireDue}). Tests run one at a time within a class;
 * racing tests start their own threads.
 *
 * <p>Beyond the design's semantics, the suite pins these choices (see the {@link Inventory}
 * Javadoc): lazy expiry also serves {@code purchase} and decreases by {@code adjust}/{@code
 * setOnHand}; a change still short after counting due holds writes nothing, not even their expiry;
 * every order is {@link StockKey#compareTo} (UTF-16 code units, never a database collation); one
 * change that expires several holds writes their entries in key order, on one key by reservation
 * id; {@code expireDue} takes holds due at one instant in reservation id order ({@link
 * String#compareTo}, again never a collation); times (the clock's now, and now plus a TTL) are
 * truncated to the microsecond.
 *
 * <p>Relies on JUnit's default lifecycle: one instance of the class per test.
 */
public abstract class InventoryContract {
  private static final AtomicLong TESTS = new AtomicLong();

  /** Distinguishes this JVM's run from earlier runs against the same storage. */
  private static final String RUN =
      Long.toString(
          ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** The TTL of the carts in these tests, unless a test says otherwise. */
  protected static final Duration TTL = Duration.ofMinutes(10);

  protected final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  protected Inventory inventory;

  private String token;

  /** Builds the inventory under test, reading time from {@code clock}. Called before every test. */
  protected abstract Inventory createInventory(Clock clock);

  /** All log entries that touch these keys, in log order (ascending id). */
  protected abstract List<LogEntry> logEntries(Collection<StockKey> keys);

  /**
   * Builds an inventory like {@link #createInventory(Clock)} that tells {@code listener} what it
   * does (the builder's {@code listener(...)}), for the {@link Listening} tests. Every
   * implementation overrides it.
   */
  protected Inventory createInventory(Clock clock, InventoryListener listener) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " must override createInventory(Clock, InventoryListener)");
  }

  /**
   * An inventory with the catalog of its store and a reader of its log: what the {@link
   * CatalogEntries} and {@link KnownKeys} tests run on.
   */
  public record Cataloged(
      Inventory inventory, Catalog catalog, Function<Collection<StockKey>, List<LogEntry>> log) {}

  /**
   * Builds an inventory like {@link #createInventory(Clock)}, with the catalog of the same store;
   * with {@code knownKeysOnly}, in known-keys mode (the builder's {@code knownKeysOnly(true)}), on
   * storage that may be its own (the PostgreSQL variants use a second schema, whose guard that mode
   * installs). Every implementation overrides it.
   */
  protected Cataloged createCataloged(Clock clock, boolean knownKeysOnly) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " must override createCataloged(Clock, boolean)");
  }

  @BeforeEach
  void setUpInventory() {
    clock.set(START);
    token = RUN + "-" + TESTS.incrementAndGet();
    inventory = createInventory(clock);
  }

  // ---------------------------------------------------------------------------------------------
  // Fixture helpers

  /** A key no other test uses. */
  protected StockKey key(String name) {
    return StockKey.of(token + "-" + name);
  }

  /** A reservation id no other test uses. */
  protected String id(String name) {
    return token + "-" + name;
  }

  protected static Line line(StockKey key, long quantity) {
    return new Line(key, quantity);
  }

  /** A cart request with the contract's {@link #TTL}. */
  protected static ReservationRequest cart(String id, Line... lines) {
    return ReservationRequest.builder(id).lines(List.of(lines)).ttl(TTL).build();
  }

  protected static ReservationRequest cart(String id, Duration ttl, Line... lines) {
    return ReservationRequest.builder(id).lines(List.of(lines)).ttl(ttl).build();
  }

  protected StockLevel stock(StockKey key, long units) {
    return inventory.receive(key, units, "test stock");
  }

  protected StockLevel level(StockKey key) {
    return inventory.level(key);
  }

  protected List<LogEntry> entries(StockKey... keys) {
    return logEntries(List.of(keys));
  }

  /** The log entries a reservation caused on these keys. */
  protected List<LogEntry> entriesOf(String reservationId, StockKey... keys) {
    return entries(keys).stream()
        .filter(entry -> reservationId.equals(entry.reservationId()))
        .collect(Collectors.toList());
  }

  protected static List<Kind> kinds(List<LogEntry> entries) {
    return entries.stream().map(LogEntry::kind).collect(Collectors.toList());
  }

  protected Status statusOf(String reservationId) {
    return inventory.findReservation(reservationId).orElseThrow().status();
  }

  /** Expires every due hold in the store, however many other tests left behind. */
  protected void expireAllDue() {
    while (inventory.expireDue(1000) > 0) {
      // keep going
    }
  }

  protected static <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("the exception thrown").isInstanceOf(type);
    return type.cast(thrown);
  }

  /** Levels and log entries of some keys: what a refused call must leave exactly as it was. */
  protected record Snapshot(Map<StockKey, StockLevel> levels, List<LogEntry> log) {}

  protected Snapshot snapshot(StockKey... keys) {
    return new Snapshot(new TreeMap<>(inventory.levels(List.of(keys))), entries(keys));
  }

  // ---------------------------------------------------------------------------------------------
  // Racing helpers

  /** What one racer got: a value or an exception. */
  protected record Outcome<T>(T value, Throwable error) {
    boolean succeeded() {
      return error == null;
    }
  }

  /**
   * Runs {@code tasks} calls on {@code threads} threads, released together by one latch, and waits
   * for all of them (a minute at most: a deadlock fails the test instead of hanging it).
   */
  protected static <T> List<Outcome<T>> race(int threads, int tasks, IntFunction<Callable<T>> task)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Outcome<T>>> futures = new ArrayList<>(tasks);
      for (int i = 0; i < tasks; i++) {
        Callable<T> call = task.apply(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    return new Outcome<>(call.call(), null);
                  } catch (Exception | AssertionError e) {
                    return new Outcome<>(null, e);
                  }
                }));
      }
      start.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>(tasks);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      for (Future<Outcome<T>> future : futures) {
        try {
          outcomes.add(future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          throw new AssertionError("racers did not finish within a minute (deadlock?)", e);
        } catch (ExecutionException e) {
          throw new AssertionError("a racer failed outside its task", e.getCause());
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Checks that replaying a key's log from zero reproduces every after-value, never oversold. */
  protected static void assertLogReplays(StockKey key, List<LogEntry> entries, StockLevel now) {
    long onHand = 0;
    long reserved = 0;
    long lastId = Long.MIN_VALUE;
    for (LogEntry entry : entries) {
      assertThat(entry.key()).isEqualTo(key);
      assertThat(entry.id()).as("log ids ascend").isGreaterThan(lastId);
      lastId = entry.id();
      onHand = Math.addExact(onHand, entry.onHandDelta());
      reserved = Math.addExact(reserved, entry.reservedDelta());
      assertThat(entry.onHandAfter()).as("onHandAfter of %s", entry).isEqualTo(onHand);
      assertThat(entry.reservedAfter()).as("reservedAfter of %s", entry).isEqualTo(reserved);
      assertThat(reserved).as("reserved after %s", entry).isBetween(0L, onHand);
    }
    assertThat(onHand).as("on-hand replayed from the log of %s", key).isEqualTo(now.onHand());
    assertThat(reserved).as("reserved replayed from the log of %s", key).isEqualTo(now.reserved());
  }

  // =============================================================================================

  @Nested
  @DisplayName("reserve")
  class Reserve {
    @Test
    @DisplayName("a one-line cart holds its units: reserved rises, on-hand stays")
    void oneLineCartHoldsItsUnits() {
      StockKey a = key("a");
      stock(a, 10);

      inventory.reserve(cart(id("cart"), line(a, 3)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 10, 3));
    }

    @Test
    @DisplayName("a multi-line cart holds every line")
    void multiLineCartHoldsEveryLine() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 5);

      inventory.reserve(cart(id("cart"), line(a, 3), line(b, 5)));

      assertThat(inventory.levels(List.of(a, b)))
          .containsExactly(
              Map.entry(a, new StockLevel(a, 10, 3)), Map.entry(b, new StockLevel(b, 5, 5)));
    }

    @Test
    @DisplayName(
        "a new reservation is HELD, with merged lines in key order, created now, expiring now + ttl")
    void newReservationIsHeld() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 10);
      clock.advance(Duration.ofSeconds(42));

      Reservation reservation =
          inventory.reserve(cart(id("cart"), line(b, 1), line(a, 2), line(b, 3)));

      assertThat(reservation)
          .isEqualTo(
              new Reservation(
                  id("cart"),
                  Status.HELD,
                  List.of(line(a, 2), line(b, 4)),
                  clock.instant(),
                  clock.instant().plus(TTL)));
    }

    @Test
    @DisplayName("a request without a ttl gets the inventory's default, which lies in the future")
    void requestWithoutTtlGetsDefault() {
      StockKey a = key("a");
      stock(a, 1);

      Reservation reservation =
          inventory.reserve(ReservationRequest.builder(id("cart")).line(a, 1).build());

      assertThat(reservation.expiresAt()).isAfter(clock.instant());
    }

    @Test
    @DisplayName("findReservation returns the reservation as reserve returned it")
    void findReturnsTheReservation() {
      StockKey a = key("a");
      stock(a, 1);

      Reservation reservation = inventory.reserve(cart(id("cart"), line(a, 1)));

      assertThat(inventory.findReservation(id("cart"))).contains(reservation);
    }

    @Test
    @DisplayName("a cart may take the last unit: available drops to exactly 0")
    void cartMayTakeTheLastUnit() {
      StockKey a = key("a");
      stock(a, 4);

      inventory.reserve(cart(id("cart"), line(a, 4)));

      assertThat(level(a).available()).isZero();
    }

    @Test
    @DisplayName("units held by one cart are not available to another")
    void heldUnitsAreNotAvailable() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("first"), line(a, 4)));

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.reserve(cart(id("second"), line(a, 2))));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 2, 1));
    }

    @Test
    @DisplayName("all or nothing: a multi-line cart with one short line holds nothing")
    void cartWithOneShortLineHoldsNothing() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 1);
      Snapshot before = snapshot(a, b);

      catchThrowable(() -> inventory.reserve(cart(id("cart"), line(a, 3), line(b, 2))));

      assertThat(snapshot(a, b)).isEqualTo(before);
    }

    @Test
    @DisplayName("a short cart throws InsufficientStockException")
    void shortCartThrows() {
      StockKey a = key("a");
      stock(a, 1);

      assertThat(catchThrowable(() -> inventory.reserve(cart(id("cart"), line(a, 2)))))
          .isInstanceOf(InsufficientStockException.class);
    }

    @Test
    @DisplayName("the refusal lists every short line with requested and available, in key order")
    void refusalListsEveryShortLine() {
      StockKey a = key("a");
      StockKey b = key("b");
      StockKey c = key("c");
      StockKey d = key("d");
      stock(a, 2);
      stock(b, 10);
      stock(d, 7);

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () ->
                  inventory.reserve(
                      cart(id("cart"), line(d, 8), line(c, 3), line(b, 1), line(a, 5))));

      assertThat(e.shortages())
          .containsExactly(new Shortage(a, 5, 2), new Shortage(c, 3, 0), new Shortage(d, 8, 7));
    }

    @Test
    @DisplayName("lines of one key are merged: 2 + 2 against 3 in stock is short, requested 4")
    void linesOfOneKeyAreMergedBeforeTheCheck() {
      StockKey a = key("a");
      stock(a, 3);

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.reserve(cart(id("cart"), line(a, 2), line(a, 2))));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 4, 3));
    }

    @Test
    @DisplayName("a key never stocked reads as 0 available")
    void unknownKeyHasNothingAvailable() {
      StockKey never = key("never-stocked");

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.reserve(cart(id("cart"), line(never, 1))));

      assertThat(e.shortages()).containsExactly(new Shortage(never, 1, 0));
    }

    @Test
    @DisplayName("a refused request leaves no record")
    void refusedRequestLeavesNoRecord() {
      StockKey a = key("a");
      stock(a, 1);

      catchThrowable(() -> inventory.reserve(cart(id("cart"), line(a, 2))));

      assertThat(inventory.findReservation(id("cart"))).isEmpty();
    }

    @Test
    @DisplayName("the id of a refused request can be used again, even with other lines")
    void idOfRefusedRequestCanBeUsedAgain() {
      StockKey a = key("a");
      stock(a, 1);
      catchThrowable(() -> inventory.reserve(cart(id("cart"), line(a, 2))));

      Reservation reservation = inventory.reserve(cart(id("cart"), line(a, 1)));

      assertThat(reservation.lines()).containsExactly(line(a, 1));
    }
  }

  @Nested
  @DisplayName("idempotency: a reservation id names one reservation")
  class Idempotency {
    @Test
    @DisplayName("replaying a reserve returns the same reservation")
    void replayReturnsSameReservation() {
      StockKey a = key("a");
      stock(a, 10);
      Reservation first = inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(Duration.ofSeconds(5));

      Reservation replay = inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(replay).isEqualTo(first);
    }

    @Test
    @DisplayName("replaying a reserve changes neither levels nor log")
    void replayChangesNothing() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      Snapshot before = snapshot(a);

      inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("the same lines in another order, split, or with another ttl are the same request")
    void sameLinesInAnyShapeAreTheSameRequest() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 10);
      Reservation first = inventory.reserve(cart(id("cart"), line(a, 4), line(b, 1)));
      Snapshot before = snapshot(a, b);

      Reservation replay =
          inventory.reserve(
              cart(id("cart"), Duration.ofHours(2), line(b, 1), line(a, 1), line(a, 3)));

      assertThat(replay).isEqualTo(first);
      assertThat(snapshot(a, b)).isEqualTo(before);
    }

    @Test
    @DisplayName("a replay succeeds even when the stock is gone now")
    void replaySucceedsWhenStockIsGone() {
      StockKey a = key("a");
      stock(a, 3);
      Reservation first = inventory.reserve(cart(id("cart"), line(a, 3)));

      assertThat(inventory.reserve(cart(id("cart"), line(a, 3)))).isEqualTo(first);
    }

    @Test
    @DisplayName("a replay after confirm returns the reservation CONFIRMED")
    void replayAfterConfirm() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      inventory.confirm(id("cart"));

      assertThat(inventory.reserve(cart(id("cart"), line(a, 2))).status())
          .isEqualTo(Status.CONFIRMED);
    }

    @Test
    @DisplayName("a replay after release returns the reservation RELEASED and holds nothing")
    void replayAfterRelease() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      inventory.release(id("cart"));

      Reservation replay = inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(replay.status()).isEqualTo(Status.RELEASED);
      assertThat(level(a).reserved()).isZero();
    }

    @Test
    @DisplayName("a replay after expiry returns the reservation EXPIRED and holds nothing")
    void replayAfterExpiry() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(TTL);

      Reservation replay = inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(replay.status()).isEqualTo(Status.EXPIRED);
      assertThat(level(a).reserved()).isZero();
    }

    @Test
    @DisplayName("a replay of the original request after an amend returns the amended reservation")
    void replayAfterAmendReturnsAmended() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      Reservation amended = inventory.amend(id("cart"), List.of(line(a, 5)));
      Snapshot before = snapshot(a);

      assertThat(inventory.reserve(cart(id("cart"), line(a, 2)))).isEqualTo(amended);
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("the same id with other lines throws IdempotencyConflictException")
    void sameIdOtherLinesConflicts() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      IdempotencyConflictException e =
          thrown(
              IdempotencyConflictException.class,
              () -> inventory.reserve(cart(id("cart"), line(b, 1), line(a, 2))));

      assertThat(e.reservationId()).isEqualTo(id("cart"));
      assertThat(e.existingLines()).containsExactly(line(a, 2));
      assertThat(e.requestedLines()).containsExactly(line(a, 2), line(b, 1));
    }

    @Test
    @DisplayName("a conflicting request changes nothing")
    void conflictChangesNothing() {
      StockKey a = key("a");
      stock(a, 10);
      Reservation first = inventory.reserve(cart(id("cart"), line(a, 2)));
      Snapshot before = snapshot(a);

      catchThrowable(() -> inventory.reserve(cart(id("cart"), line(a, 3))));

      assertThat(snapshot(a)).isEqualTo(before);
      assertThat(inventory.findReservation(id("cart"))).contains(first);
    }

    @Test
    @DisplayName("reserve and purchase share one namespace: purchasing a held cart's id replays it")
    void purchaseWithHeldIdReplaysTheHold() {
      StockKey a = key("a");
      stock(a, 10);
      Reservation held = inventory.reserve(cart(id("order"), line(a, 2)));
      Snapshot before = snapshot(a);

      assertThat(inventory.purchase(cart(id("order"), line(a, 2)))).isEqualTo(held);
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("reserve and purchase share one namespace: reserving a purchase's id replays it")
    void reserveWithPurchasedIdReplaysThePurchase() {
      StockKey a = key("a");
      stock(a, 10);
      Reservation sold = inventory.purchase(cart(id("order"), line(a, 2)));

      assertThat(inventory.reserve(cart(id("order"), line(a, 2)))).isEqualTo(sold);
      assertThat(level(a)).isEqualTo(new StockLevel(a, 8, 0));
    }

    @Test
    @DisplayName("reserve and purchase share one namespace: other lines conflict across them")
    void purchaseWithHeldIdAndOtherLinesConflicts() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("order"), line(a, 2)));

      assertThat(catchThrowable(() -> inventory.purchase(cart(id("order"), line(a, 1)))))
          .isInstanceOf(IdempotencyConflictException.class);
    }
  }

  @Nested
  @DisplayName("lazy expiry: holds past their expiry never block a sale")
  class LazyExpiry {
    @Test
    @DisplayName("a hold whose expiresAt has come reads as EXPIRED before any sweep")
    void dueHoldReadsExpired() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(TTL);

      assertThat(statusOf(id("cart"))).isEqualTo(Status.EXPIRED);
    }

    @Test
    @DisplayName("a hold one second before its expiresAt is still HELD")
    void holdBeforeExpiryIsHeld() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(TTL.minusSeconds(1));

      assertThat(statusOf(id("cart"))).isEqualTo(Status.HELD);
    }

    @Test
    @DisplayName("levels count a due hold as available before any sweep")
    void levelsCountDueHoldAsAvailable() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(TTL);

      assertThat(level(a)).isEqualTo(new StockLevel(a, 5, 0));
    }

    @Test
    @DisplayName(
        "reads write nothing: a due hold read by levels and findReservation leaves no EXPIRE entry")
    void readsWriteNothing() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      clock.advance(TTL);
      List<LogEntry> before = entries(a);

      level(a);
      inventory.findReservation(id("cart"));

      assertThat(entries(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("a short reserve first expires the due holds on its keys, then succeeds")
    void shortReserveExpiresDueHoldsAndSucceeds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4)));
      clock.advance(Duration.ofSeconds(30));

      Reservation reservation = inventory.reserve(cart(id("buyer"), line(a, 5)));

      assertThat(reservation.status()).isEqualTo(Status.HELD);
      assertThat(level(a)).isEqualTo(new StockLevel(a, 5, 5));
    }

    @Test
    @DisplayName("the lazy expiry is written: EXPIRE entries for the due hold, before the RESERVE")
    void lazyExpiryIsWritten() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4)));
      clock.advance(Duration.ofSeconds(30));

      inventory.reserve(cart(id("buyer"), line(a, 5)));

      List<LogEntry> log = entries(a);
      assertThat(log.subList(log.size() - 2, log.size()))
          .extracting(LogEntry::kind, LogEntry::reservationId, LogEntry::reservedDelta)
          .containsExactly(
              tuple(Kind.EXPIRE, id("abandoned"), -4L), tuple(Kind.RESERVE, id("buyer"), 5L));
    }

    @Test
    @DisplayName("the lazy expiry expires the whole due reservation, on all of its keys")
    void lazyExpiryExpiresWholeReservation() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 5);
      stock(b, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4), line(b, 1)));
      clock.advance(Duration.ofSeconds(30));

      inventory.reserve(cart(id("buyer"), line(a, 5)));

      assertThat(kinds(entriesOf(id("abandoned"), b))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }

    @Test
    @DisplayName(
        "a lazy expiry of several holds writes its EXPIRE entries in key order, on a key by id")
    void lazyExpiryOfSeveralHoldsInKeyOrder() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 6);
      stock(b, 6);
      // "y" falls due first, yet "x" comes first on each key: entries follow the keys, not holds.
      inventory.reserve(cart(id("y"), Duration.ofSeconds(10), line(a, 1), line(b, 1)));
      inventory.reserve(cart(id("x"), Duration.ofSeconds(20), line(a, 2), line(b, 2)));
      clock.advance(Duration.ofSeconds(20));

      inventory.reserve(cart(id("buyer"), line(a, 6)));

      assertThat(entries(a, b))
          .filteredOn(entry -> entry.kind() == Kind.EXPIRE)
          .extracting(LogEntry::key, LogEntry::reservationId, LogEntry::reservedAfter)
          .containsExactly(
              tuple(a, id("x"), 1L),
              tuple(a, id("y"), 0L),
              tuple(b, id("x"), 1L),
              tuple(b, id("y"), 0L));
    }

    @Test
    @DisplayName("a short purchase first expires the due holds on its keys, then sells")
    void shortPurchaseExpiresDueHolds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4)));
      clock.advance(Duration.ofSeconds(30));

      inventory.purchase(cart(id("order"), line(a, 5)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 0, 0));
      assertThat(kinds(entriesOf(id("abandoned"), a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }

    @Test
    @DisplayName("a short amend first expires the due holds on the growing keys, then grows")
    void shortAmendExpiresDueHolds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 3)));
      inventory.reserve(cart(id("cart"), Duration.ofHours(1), line(a, 2)));
      clock.advance(Duration.ofSeconds(30));

      inventory.amend(id("cart"), List.of(line(a, 5)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 5, 5));
      assertThat(kinds(entriesOf(id("abandoned"), a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }

    @Test
    @DisplayName("a downward adjust first expires the due holds on its key, then applies")
    void downwardAdjustExpiresDueHolds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4)));
      clock.advance(Duration.ofSeconds(30));

      inventory.adjust(a, -5, "write-off");

      assertThat(level(a)).isEqualTo(new StockLevel(a, 0, 0));
      assertThat(kinds(entriesOf(id("abandoned"), a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }

    @Test
    @DisplayName("a setOnHand below the held units first expires the due holds on its key")
    void setOnHandExpiresDueHolds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 4)));
      clock.advance(Duration.ofSeconds(30));

      inventory.setOnHand(a, 1, "count");

      assertThat(level(a)).isEqualTo(new StockLevel(a, 1, 0));
    }

    @Test
    @DisplayName(
        "a request still short after counting due holds writes nothing, not even the expiry")
    void stillShortWritesNothing() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("abandoned"), Duration.ofSeconds(30), line(a, 3)));
      clock.advance(Duration.ofSeconds(30));
      Snapshot before = snapshot(a);

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.reserve(cart(id("greedy"), line(a, 6))));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 6, 5));
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("holds that are not due are never expired to make room")
    void holdsNotDueAreKept() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("fresh"), Duration.ofHours(1), line(a, 3)));
      clock.advance(Duration.ofMinutes(30));

      catchThrowable(() -> inventory.reserve(cart(id("greedy"), line(a, 3))));

      assertThat(statusOf(id("fresh"))).isEqualTo(Status.HELD);
      assertThat(level(a).reserved()).isEqualTo(3);
    }
  }

  @Nested
  @DisplayName("amend: a held cart changes to exactly the new lines, all or nothing")
  class Amend {
    private StockKey a;
    private StockKey b;

    @BeforeEach
    void stockAndCart() {
      a = key("a");
      b = key("b");
      stock(a, 10);
      stock(b, 10);
      inventory.reserve(cart(id("cart"), line(a, 2)));
    }

    @Test
    @DisplayName("growing a line holds the extra units")
    void grow() {
      Reservation amended = inventory.amend(id("cart"), List.of(line(a, 5)));

      assertThat(amended.lines()).containsExactly(line(a, 5));
      assertThat(level(a)).isEqualTo(new StockLevel(a, 10, 5));
    }

    @Test
    @DisplayName("shrinking a line gives units back")
    void shrink() {
      inventory.amend(id("cart"), List.of(line(a, 1)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 10, 1));
    }

    @Test
    @DisplayName("adding a key holds it")
    void addKey() {
      Reservation amended = inventory.amend(id("cart"), List.of(line(b, 3), line(a, 2)));

      assertThat(amended.lines()).containsExactly(line(a, 2), line(b, 3));
      assertThat(level(b)).isEqualTo(new StockLevel(b, 10, 3));
    }

    @Test
    @DisplayName("dropping a key frees all of it")
    void dropKey() {
      inventory.amend(id("cart"), List.of(line(a, 2), line(b, 3)));

      Reservation amended = inventory.amend(id("cart"), List.of(line(b, 3)));

      assertThat(amended.lines()).containsExactly(line(b, 3));
      assertThat(level(a)).isEqualTo(new StockLevel(a, 10, 0));
    }

    @Test
    @DisplayName("the new lines are merged per key")
    void newLinesAreMerged() {
      Reservation amended = inventory.amend(id("cart"), List.of(line(a, 1), line(a, 3)));

      assertThat(amended.lines()).containsExactly(line(a, 4));
    }

    @Test
    @DisplayName("the amended reservation stays HELD and is what findReservation returns")
    void amendedReservationIsFound() {
      Reservation amended = inventory.amend(id("cart"), List.of(line(a, 3)));

      assertThat(amended.status()).isEqualTo(Status.HELD);
      assertThat(inventory.findReservation(id("cart"))).contains(amended);
    }

    @Test
    @DisplayName(
        "short growth throws: requested is the new total, available includes what the cart holds")
    void shortGrowthReportsNewTotalAndHeldUnits() {
      inventory.reserve(cart(id("other"), line(a, 3)));

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.amend(id("cart"), List.of(line(a, 8), line(b, 11))));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 8, 7), new Shortage(b, 11, 10));
    }

    @Test
    @DisplayName("short growth changes nothing, not even the lines that fit")
    void shortGrowthChangesNothing() {
      Snapshot before = snapshot(a, b);
      Reservation reservation = inventory.findReservation(id("cart")).orElseThrow();

      catchThrowable(() -> inventory.amend(id("cart"), List.of(line(a, 1), line(b, 11))));

      assertThat(snapshot(a, b)).isEqualTo(before);
      assertThat(inventory.findReservation(id("cart"))).contains(reservation);
    }

    @Test
    @DisplayName("amend keeps expiresAt as it is")
    void keepsExpiresAt() {
      Instant expiresAt = inventory.findReservation(id("cart")).orElseThrow().expiresAt();
      clock.advance(Duration.ofMinutes(5));

      assertThat(inventory.amend(id("cart"), List.of(line(a, 3))).expiresAt()).isEqualTo(expiresAt);
    }

    @Test
    @DisplayName("amend to the same lines changes nothing")
    void sameLinesChangeNothing() {
      Snapshot before = snapshot(a, b);

      inventory.amend(id("cart"), List.of(line(a, 2)));

      assertThat(snapshot(a, b)).isEqualTo(before);
    }

    @Test
    @DisplayName("amend of an unknown id throws ReservationNotFoundException")
    void unknownId() {
      assertThat(catchThrowable(() -> inventory.amend(id("nope"), List.of(line(a, 1)))))
          .isInstanceOf(ReservationNotFoundException.class);
    }

    @Test
    @DisplayName(
        "amend of a confirmed reservation throws ReservationStateException, status CONFIRMED")
    void confirmed() {
      inventory.confirm(id("cart"));

      ReservationStateException e =
          thrown(
              ReservationStateException.class,
              () -> inventory.amend(id("cart"), List.of(line(a, 1))));

      assertThat(e.status()).isEqualTo(Status.CONFIRMED);
    }

    @Test
    @DisplayName(
        "amend of a released reservation throws ReservationStateException, status RELEASED")
    void released() {
      inventory.release(id("cart"));

      ReservationStateException e =
          thrown(
              ReservationStateException.class,
              () -> inventory.amend(id("cart"), List.of(line(a, 1))));

      assertThat(e.status()).isEqualTo(Status.RELEASED);
    }

    @Test
    @DisplayName("amend to no lines throws IllegalArgumentException (release the cart instead)")
    void emptyLines() {
      Snapshot before = snapshot(a);

      assertThat(catchThrowable(() -> inventory.amend(id("cart"), List.of())))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(snapshot(a)).isEqualTo(before);
    }
  }

  @Nested
  @DisplayName("extend: a held cart's expiry becomes now + ttl")
  class Extend {
    private StockKey a;

    @BeforeEach
    void stockAndCart() {
      a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), Duration.ofMinutes(10), line(a, 2)));
    }

    @Test
    @DisplayName("extend sets expiresAt to now + ttl")
    void setsExpiresAt() {
      clock.advance(Duration.ofMinutes(3));

      Reservation extended = inventory.extend(id("cart"), Duration.ofMinutes(30));

      assertThat(extended.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
      assertThat(inventory.findReservation(id("cart"))).contains(extended);
    }

    @Test
    @DisplayName("extend may shorten a hold")
    void mayShorten() {
      Reservation extended = inventory.extend(id("cart"), Duration.ofSeconds(1));

      assertThat(extended.expiresAt()).isEqualTo(clock.instant().plusSeconds(1));
    }

    @Test
    @DisplayName("an extended hold outlives its first expiry")
    void extendedHoldOutlivesFirstExpiry() {
      clock.advance(Duration.ofMinutes(9));
      inventory.extend(id("cart"), Duration.ofMinutes(10));
      clock.advance(Duration.ofMinutes(5));

      assertThat(statusOf(id("cart"))).isEqualTo(Status.HELD);
      assertThat(level(a).reserved()).isEqualTo(2);
    }

    @Test
    @DisplayName("extend writes no log entry")
    void writesNoLogEntry() {
      List<LogEntry> before = entries(a);

      inventory.extend(id("cart"), Duration.ofMinutes(30));

      assertThat(entries(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("extend of a due hold throws ReservationExpiredException")
    void dueHold() {
      clock.advance(Duration.ofMinutes(10));

      ReservationExpiredException e =
          thrown(
              ReservationExpiredException.class,
              () -> inventory.extend(id("cart"), Duration.ofMinutes(30)));

      assertThat(e.status()).isEqualTo(Status.EXPIRED);
      assertThat(e.expiresAt()).isEqualTo(clock.instant());
    }

    @Test
    @DisplayName(
        "extend of a confirmed reservation throws ReservationStateException, status CONFIRMED")
    void confirmed() {
      inventory.confirm(id("cart"));

      ReservationStateException e =
          thrown(
              ReservationStateException.class,
              () -> inventory.extend(id("cart"), Duration.ofMinutes(30)));

      assertThat(e.status()).isEqualTo(Status.CONFIRMED);
    }

    @Test
    @DisplayName(
        "extend of a released reservation throws ReservationStateException, status RELEASED")
    void released() {
      inventory.release(id("cart"));

      ReservationStateException e =
          thrown(
              ReservationStateException.class,
              () -> inventory.extend(id("cart"), Duration.ofMinutes(30)));

      assertThat(e.status()).isEqualTo(Status.RELEASED);
    }
  }

  @Nested
  @DisplayName("confirm: the sale")
  class Confirm {
    private StockKey a;
    private StockKey b;

    @BeforeEach
    void stockAndCart() {
      a = key("a");
      b = key("b");
      stock(a, 10);
      stock(b, 10);
      inventory.reserve(cart(id("cart"), line(a, 2), line(b, 3)));
    }

    @Test
    @DisplayName("confirm takes every line off on-hand and off reserved")
    void onHandAndReservedDrop() {
      inventory.confirm(id("cart"));

      assertThat(inventory.levels(List.of(a, b)))
          .containsExactly(
              Map.entry(a, new StockLevel(a, 8, 0)), Map.entry(b, new StockLevel(b, 7, 0)));
    }

    @Test
    @DisplayName("confirm returns the reservation CONFIRMED, lines and times unchanged")
    void returnsConfirmed() {
      Reservation held = inventory.findReservation(id("cart")).orElseThrow();

      Reservation confirmed = inventory.confirm(id("cart"));

      assertThat(confirmed)
          .isEqualTo(
              new Reservation(
                  held.id(), Status.CONFIRMED, held.lines(), held.createdAt(), held.expiresAt()));
    }

    @Test
    @DisplayName("a second confirm returns the same reservation")
    void secondConfirmReturnsSame() {
      Reservation first = inventory.confirm(id("cart"));

      assertThat(inventory.confirm(id("cart"))).isEqualTo(first);
    }

    @Test
    @DisplayName("a second confirm changes neither levels nor log")
    void secondConfirmChangesNothing() {
      inventory.confirm(id("cart"));
      Snapshot before = snapshot(a, b);

      inventory.confirm(id("cart"));

      assertThat(snapshot(a, b)).isEqualTo(before);
    }

    @Test
    @DisplayName("confirm past expiresAt throws ReservationExpiredException")
    void pastExpiryThrows() {
      clock.advance(TTL.plusSeconds(1));

      ReservationExpiredException e =
          thrown(ReservationExpiredException.class, () -> inventory.confirm(id("cart")));

      assertThat(e.status()).isEqualTo(Status.EXPIRED);
      assertThat(e.reservationId()).isEqualTo(id("cart"));
    }

    @Test
    @DisplayName("confirm exactly at expiresAt is too late: expires_at <= now is expired")
    void atExpiryThrows() {
      clock.advance(TTL);

      assertThat(catchThrowable(() -> inventory.confirm(id("cart"))))
          .isInstanceOf(ReservationExpiredException.class);
    }

    @Test
    @DisplayName("a confirm that meets a due hold frees its stock and writes the EXPIRE entries")
    void pastExpiryFreesStock() {
      clock.advance(TTL);

      catchThrowable(() -> inventory.confirm(id("cart")));

      assertThat(inventory.levels(List.of(a, b)))
          .containsExactly(
              Map.entry(a, new StockLevel(a, 10, 0)), Map.entry(b, new StockLevel(b, 10, 0)));
      assertThat(kinds(entriesOf(id("cart"), a, b)))
          .containsExactly(Kind.RESERVE, Kind.RESERVE, Kind.EXPIRE, Kind.EXPIRE);
      assertThat(statusOf(id("cart"))).isEqualTo(Status.EXPIRED);
    }

    @Test
    @DisplayName(
        "confirm of a released reservation throws ReservationStateException, status RELEASED")
    void released() {
      inventory.release(id("cart"));

      ReservationStateException e =
          thrown(ReservationStateException.class, () -> inventory.confirm(id("cart")));

      assertThat(e.status()).isEqualTo(Status.RELEASED);
    }

    @Test
    @DisplayName("confirm of an unknown id throws ReservationNotFoundException")
    void unknownId() {
      ReservationNotFoundException e =
          thrown(ReservationNotFoundException.class, () -> inventory.confirm(id("nope")));

      assertThat(e.reservationId()).isEqualTo(id("nope"));
    }
  }

  @Nested
  @DisplayName("release: the cart is cancelled")
  class Release {
    private StockKey a;

    @BeforeEach
    void stockAndCart() {
      a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), line(a, 4)));
    }

    @Test
    @DisplayName("release frees the held units; on-hand stays")
    void reservedDrops() {
      Reservation released = inventory.release(id("cart"));

      assertThat(released.status()).isEqualTo(Status.RELEASED);
      assertThat(level(a)).isEqualTo(new StockLevel(a, 10, 0));
    }

    @Test
    @DisplayName("a second release returns the same reservation and changes nothing")
    void idempotent() {
      Reservation first = inventory.release(id("cart"));
      Snapshot before = snapshot(a);

      assertThat(inventory.release(id("cart"))).isEqualTo(first);
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName(
        "release of a confirmed reservation throws ReservationStateException, status CONFIRMED")
    void confirmed() {
      inventory.confirm(id("cart"));
      Snapshot before = snapshot(a);

      ReservationStateException e =
          thrown(ReservationStateException.class, () -> inventory.release(id("cart")));

      assertThat(e.status()).isEqualTo(Status.CONFIRMED);
      assertThat(e.reservationId()).isEqualTo(id("cart"));
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("release of a due hold throws ReservationExpiredException")
    void dueHold() {
      clock.advance(TTL);

      assertThat(catchThrowable(() -> inventory.release(id("cart"))))
          .isInstanceOf(ReservationExpiredException.class);
    }

    @Test
    @DisplayName("release of an unknown id throws ReservationNotFoundException")
    void unknownId() {
      assertThat(catchThrowable(() -> inventory.release(id("nope"))))
          .isInstanceOf(ReservationNotFoundException.class);
    }
  }

  @Nested
  @DisplayName("the lifecycle table, pair by pair")
  class TransitionTable {
    /** Where the reservation is when the action comes. */
    enum Start {
      HELD,
      CONFIRMED,
      RELEASED,
      /** Expired and written so (by a sweep). */
      EXPIRED,
      /** Held, past its expiresAt, nothing has written the expiry yet. */
      DUE
    }

    enum Act {
      CONFIRM,
      RELEASE,
      EXTEND,
      AMEND,
      EXPIRE_DUE
    }

    enum Result {
      /** The action takes effect. */
      APPLIED,
      /** Already done: the reservation comes back (or stays) unchanged. */
      UNCHANGED,
      /** ReservationStateException (not the expired kind) carrying the current status. */
      REFUSED,
      /** ReservationExpiredException, status EXPIRED. */
      EXPIRED
    }

    static Stream<Arguments> table() {
      return Stream.of(
          row(Start.HELD, Act.CONFIRM, Result.APPLIED, Status.CONFIRMED, Kind.CONFIRM),
          row(Start.HELD, Act.RELEASE, Result.APPLIED, Status.RELEASED, Kind.RELEASE),
          row(Start.HELD, Act.EXTEND, Result.APPLIED, Status.HELD),
          row(Start.HELD, Act.AMEND, Result.APPLIED, Status.HELD, Kind.AMEND),
          row(Start.HELD, Act.EXPIRE_DUE, Result.UNCHANGED, Status.HELD),
          row(Start.CONFIRMED, Act.CONFIRM, Result.UNCHANGED, Status.CONFIRMED),
          row(Start.CONFIRMED, Act.RELEASE, Result.REFUSED, Status.CONFIRMED),
          row(Start.CONFIRMED, Act.EXTEND, Result.REFUSED, Status.CONFIRMED),
          row(Start.CONFIRMED, Act.AMEND, Result.REFUSED, Status.CONFIRMED),
          row(Start.CONFIRMED, Act.EXPIRE_DUE, Result.UNCHANGED, Status.CONFIRMED),
          row(Start.RELEASED, Act.CONFIRM, Result.REFUSED, Status.RELEASED),
          row(Start.RELEASED, Act.RELEASE, Result.UNCHANGED, Status.RELEASED),
          row(Start.RELEASED, Act.EXTEND, Result.REFUSED, Status.RELEASED),
          row(Start.RELEASED, Act.AMEND, Result.REFUSED, Status.RELEASED),
          row(Start.RELEASED, Act.EXPIRE_DUE, Result.UNCHANGED, Status.RELEASED),
          row(Start.EXPIRED, Act.CONFIRM, Result.EXPIRED, Status.EXPIRED),
          row(Start.EXPIRED, Act.RELEASE, Result.EXPIRED, Status.EXPIRED),
          row(Start.EXPIRED, Act.EXTEND, Result.EXPIRED, Status.EXPIRED),
          row(Start.EXPIRED, Act.AMEND, Result.EXPIRED, Status.EXPIRED),
          row(Start.EXPIRED, Act.EXPIRE_DUE, Result.UNCHANGED, Status.EXPIRED),
          row(Start.DUE, Act.CONFIRM, Result.EXPIRED, Status.EXPIRED, Kind.EXPIRE),
          row(Start.DUE, Act.RELEASE, Result.EXPIRED, Status.EXPIRED, Kind.EXPIRE),
          row(Start.DUE, Act.EXTEND, Result.EXPIRED, Status.EXPIRED, Kind.EXPIRE),
          row(Start.DUE, Act.AMEND, Result.EXPIRED, Status.EXPIRED, Kind.EXPIRE),
          row(Start.DUE, Act.EXPIRE_DUE, Result.APPLIED, Status.EXPIRED, Kind.EXPIRE));
    }

    private static Arguments row(
        Start start, Act act, Result result, Status after, Kind... written) {
      return Arguments.of(start, act, result, after, List.of(written));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}, then {3}, writes {4}")
    @MethodSource("table")
    @DisplayName("each starting state under each action")
    void transition(Start start, Act act, Result result, Status after, List<Kind> written) {
      StockKey a = key("a");
      stock(a, 10);
      String id = id("cart");
      inventory.reserve(cart(id, Duration.ofMinutes(1), line(a, 2)));
      switch (start) {
        case HELD -> {}
        case CONFIRMED -> inventory.confirm(id);
        case RELEASED -> inventory.release(id);
        case EXPIRED -> {
          clock.advance(Duration.ofMinutes(2));
          expireAllDue();
        }
        case DUE -> clock.advance(Duration.ofMinutes(2));
      }
      Reservation before = inventory.findReservation(id).orElseThrow();
      int logged = entriesOf(id, a).size();

      List<Reservation> returned = new ArrayList<>();
      Throwable thrown =
          catchThrowable(
              () -> {
                switch (act) {
                  case CONFIRM -> returned.add(inventory.confirm(id));
                  case RELEASE -> returned.add(inventory.release(id));
                  case EXTEND -> returned.add(inventory.extend(id, Duration.ofMinutes(5)));
                  case AMEND -> returned.add(inventory.amend(id, List.of(line(a, 3))));
                  case EXPIRE_DUE -> expireAllDue();
                }
              });

      switch (result) {
        case APPLIED, UNCHANGED -> assertThat(thrown).isNull();
        case REFUSED -> {
          assertThat(thrown)
              .isInstanceOf(ReservationStateException.class)
              .isNotInstanceOf(ReservationExpiredException.class);
          assertThat(((ReservationStateException) thrown).status()).isEqualTo(after);
        }
        case EXPIRED -> {
          assertThat(thrown).isInstanceOf(ReservationExpiredException.class);
          assertThat(((ReservationStateException) thrown).status()).isEqualTo(Status.EXPIRED);
        }
      }
      Reservation now = inventory.findReservation(id).orElseThrow();
      assertThat(now.status()).isEqualTo(after);
      assertThat(returned).allSatisfy(r -> assertThat(r).isEqualTo(now));
      if (result != Result.APPLIED) {
        assertThat(now).as("the reservation is unchanged").isEqualTo(before);
      }
      List<LogEntry> log = entriesOf(id, a);
      assertThat(kinds(log.subList(logged, log.size()))).isEqualTo(written);
    }
  }

  @Nested
  @DisplayName("purchase: a direct order, reserved and confirmed in one step")
  class Purchase {
    private StockKey a;

    @BeforeEach
    void stockAndOtherHold() {
      a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("someone-else"), line(a, 3)));
    }

    @Test
    @DisplayName("a purchase is CONFIRMED at once, created and expiring now")
    void confirmedAtOnce() {
      clock.advance(Duration.ofSeconds(9));

      Reservation order = inventory.purchase(cart(id("order"), line(a, 2)));

      assertThat(order)
          .isEqualTo(
              new Reservation(
                  id("order"),
                  Status.CONFIRMED,
                  List.of(line(a, 2)),
                  clock.instant(),
                  clock.instant()));
    }

    @Test
    @DisplayName("a purchase takes on-hand down and leaves reserved as it was")
    void onHandDropsReservedUnchanged() {
      inventory.purchase(cart(id("order"), line(a, 2)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 8, 3));
    }

    @Test
    @DisplayName("a purchase cannot take units held by carts")
    void cannotTakeHeldUnits() {
      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.purchase(cart(id("order"), line(a, 8))));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 8, 7));
    }

    @Test
    @DisplayName("a short purchase sells nothing and leaves no record")
    void shortSellsNothing() {
      StockKey b = key("b");
      stock(b, 1);
      Snapshot before = snapshot(a, b);

      catchThrowable(() -> inventory.purchase(cart(id("order"), line(a, 1), line(b, 2))));

      assertThat(snapshot(a, b)).isEqualTo(before);
      assertThat(inventory.findReservation(id("order"))).isEmpty();
    }

    @Test
    @DisplayName("replaying a purchase returns it and sells nothing more")
    void idempotent() {
      Reservation order = inventory.purchase(cart(id("order"), line(a, 2)));
      Snapshot before = snapshot(a);
      clock.advance(Duration.ofSeconds(3));

      assertThat(inventory.purchase(cart(id("order"), line(a, 2)))).isEqualTo(order);
      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("confirming a purchase returns it unchanged")
    void confirmOfPurchase() {
      Reservation order = inventory.purchase(cart(id("order"), line(a, 2)));

      assertThat(inventory.confirm(id("order"))).isEqualTo(order);
    }
  }

  @Nested
  @DisplayName("expireDue: the sweep")
  class ExpireDue {
    /**
     * A time before every other test's clock. A test that moves there and first expires whatever
     * earlier eras left due knows that the only holds falling due are its own, so it can assert
     * counts and order exactly even on shared storage. Each such test takes its own era.
     */
    private static final Instant ERA = Instant.parse("2025-06-01T00:00:00Z");

    @Test
    @DisplayName("only due holds are expired; holds still running stay HELD")
    void onlyDueHolds() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("due"), Duration.ofSeconds(10), line(a, 1)));
      inventory.reserve(cart(id("running"), Duration.ofSeconds(11), line(a, 2)));
      clock.advance(Duration.ofSeconds(10));

      expireAllDue();

      assertThat(statusOf(id("due"))).isEqualTo(Status.EXPIRED);
      assertThat(statusOf(id("running"))).isEqualTo(Status.HELD);
    }

    @Test
    @DisplayName("expiring frees the stock and writes one EXPIRE entry per line")
    void freesStockAndLogs() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 10);
      stock(b, 10);
      inventory.reserve(cart(id("cart"), Duration.ofSeconds(10), line(a, 1), line(b, 2)));
      clock.advance(Duration.ofSeconds(10));

      expireAllDue();

      assertThat(inventory.levels(List.of(a, b)))
          .containsExactly(
              Map.entry(a, new StockLevel(a, 10, 0)), Map.entry(b, new StockLevel(b, 10, 0)));
      assertThat(entriesOf(id("cart"), a, b))
          .extracting(LogEntry::kind, LogEntry::key, LogEntry::reservedDelta)
          .containsExactly(
              tuple(Kind.RESERVE, a, 1L),
              tuple(Kind.RESERVE, b, 2L),
              tuple(Kind.EXPIRE, a, -1L),
              tuple(Kind.EXPIRE, b, -2L));
    }

    @Test
    @DisplayName("expireDue returns how many reservations it expired")
    void returnsCount() {
      clock.set(ERA);
      expireAllDue(); // whatever an earlier era left behind
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("due-1"), Duration.ofSeconds(1), line(a, 1)));
      inventory.reserve(cart(id("due-2"), Duration.ofSeconds(2), line(a, 1)));
      inventory.reserve(cart(id("running"), Duration.ofHours(1), line(a, 1)));
      clock.advance(Duration.ofSeconds(5));

      assertThat(inventory.expireDue(100)).isEqualTo(2);
    }

    @Test
    @DisplayName("expireDue expires at most limit reservations")
    void respectsLimit() {
      StockKey a = key("a");
      stock(a, 10);
      for (int i = 0; i < 3; i++) {
        inventory.reserve(cart(id("due-" + i), Duration.ofSeconds(1), line(a, 1)));
      }
      clock.advance(Duration.ofSeconds(5));

      assertThat(inventory.expireDue(2)).isEqualTo(2);
    }

    @Test
    @DisplayName("expireDue takes the earliest expiresAt first")
    void earliestFirst() {
      clock.set(ERA.plus(Duration.ofDays(1)));
      expireAllDue(); // whatever an earlier era left behind
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("third"), Duration.ofSeconds(3), line(a, 1)));
      inventory.reserve(cart(id("first"), Duration.ofSeconds(1), line(a, 1)));
      inventory.reserve(cart(id("second"), Duration.ofSeconds(2), line(a, 1)));
      clock.advance(Duration.ofSeconds(10));

      inventory.expireDue(1);
      inventory.expireDue(1);

      assertThat(entries(a))
          .filteredOn(entry -> entry.kind() == Kind.EXPIRE)
          .extracting(LogEntry::reservationId)
          .containsExactly(id("first"), id("second"));
    }

    @Test
    @DisplayName("one sweep writes its EXPIRE entries in key order, on a key by reservation id")
    void sweepWritesInKeyOrder() {
      clock.set(ERA.plus(Duration.ofDays(2)));
      expireAllDue(); // whatever an earlier era left behind
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 6);
      stock(b, 6);
      // "y" falls due first, yet "x" comes first on each key: entries follow the keys, not holds.
      inventory.reserve(cart(id("y"), Duration.ofSeconds(10), line(a, 1), line(b, 1)));
      inventory.reserve(cart(id("x"), Duration.ofSeconds(20), line(a, 2), line(b, 2)));
      clock.advance(Duration.ofSeconds(20));

      assertThat(inventory.expireDue(100)).isEqualTo(2);

      assertThat(entries(a, b))
          .filteredOn(entry -> entry.kind() == Kind.EXPIRE)
          .extracting(LogEntry::key, LogEntry::reservationId, LogEntry::reservedAfter)
          .containsExactly(
              tuple(a, id("x"), 1L),
              tuple(a, id("y"), 0L),
              tuple(b, id("x"), 1L),
              tuple(b, id("y"), 0L));
    }

    @Test
    @DisplayName(
        "holds due at one instant go in reservation id order: Java's, never a database collation's")
    void tiesInIdOrder() {
      clock.set(ERA.plus(Duration.ofDays(3)));
      expireAllDue(); // whatever an earlier era left behind
      StockKey a = key("a");
      stock(a, 10);
      // By UTF-16 code units "B" < "_" < "a"; a collation such as en-US says "_" < "a" < "B".
      for (String name : List.of("a-tie", "_-tie", "B-tie")) {
        inventory.reserve(cart(id(name), Duration.ofSeconds(5), line(a, 1)));
      }
      clock.advance(Duration.ofSeconds(5));

      for (int i = 0; i < 3; i++) {
        assertThat(inventory.expireDue(1)).isEqualTo(1);
      }

      assertThat(entries(a))
          .filteredOn(entry -> entry.kind() == Kind.EXPIRE)
          .extracting(LogEntry::reservationId)
          .containsExactly(id("B-tie"), id("_-tie"), id("a-tie"));
    }

    @Test
    @DisplayName("a hold is due exactly at its expiresAt")
    void dueAtExpiresAt() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), Duration.ofSeconds(10), line(a, 1)));
      clock.advance(Duration.ofSeconds(10));

      expireAllDue();

      assertThat(kinds(entriesOf(id("cart"), a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }

    @Test
    @DisplayName("a hold already expired by a sweep is not expired again")
    void notExpiredTwice() {
      StockKey a = key("a");
      stock(a, 10);
      inventory.reserve(cart(id("cart"), Duration.ofSeconds(10), line(a, 1)));
      clock.advance(Duration.ofSeconds(10));
      expireAllDue();
      clock.advance(Duration.ofSeconds(10));

      expireAllDue();

      assertThat(kinds(entriesOf(id("cart"), a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
    }
  }

  @Nested
  @DisplayName("time is kept to the microsecond, as PostgreSQL keeps it")
  class Precision {
    private StockKey a;
    private Instant micro;

    /** The clock 1.999 µs past a whole second: the times kept are 1 µs past it. */
    @BeforeEach
    void clockBetweenMicroseconds() {
      a = key("a");
      stock(a, 10);
      Instant second = clock.instant();
      clock.set(second.plusNanos(1_999));
      micro = second.plusNanos(1_000);
    }

    @Test
    @DisplayName(
        "times are the clock's now cut to the microsecond: returned, found and logged alike")
    void nowIsTruncated() {
      Reservation reservation = inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(reservation.createdAt()).isEqualTo(micro);
      assertThat(reservation.expiresAt()).isEqualTo(micro.plus(TTL));
      assertThat(inventory.findReservation(id("cart"))).contains(reservation);
      assertThat(entriesOf(id("cart"), a)).extracting(LogEntry::at).containsExactly(micro);
    }

    @Test
    @DisplayName("a ttl finer than a microsecond: expiresAt is cut to the microsecond, found alike")
    void ttlIsTruncated() {
      Duration ttl = Duration.ofSeconds(5).plusNanos(1_999);

      Reservation reservation = inventory.reserve(cart(id("cart"), ttl, line(a, 2)));

      assertThat(reservation.expiresAt()).isEqualTo(micro.plusSeconds(5).plusNanos(1_000));
      assertThat(inventory.findReservation(id("cart"))).contains(reservation);
    }

    @Test
    @DisplayName("extend by a ttl finer than a microsecond: expiresAt is cut the same way")
    void extendTtlIsTruncated() {
      inventory.reserve(cart(id("cart"), line(a, 2)));
      Duration ttl = Duration.ofSeconds(5).plusNanos(1_999);

      Reservation extended = inventory.extend(id("cart"), ttl);

      assertThat(extended.expiresAt()).isEqualTo(micro.plusSeconds(5).plusNanos(1_000));
      assertThat(inventory.findReservation(id("cart"))).contains(extended);
    }
  }

  @Nested
  @DisplayName("stock movements: receive, adjust, setOnHand")
  class StockMovements {
    @Test
    @DisplayName("receive adds to on-hand and returns the level after")
    void receiveAdds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(inventory.receive(a, 7, "delivery")).isEqualTo(new StockLevel(a, 12, 2));
      assertThat(level(a)).isEqualTo(new StockLevel(a, 12, 2));
    }

    @Test
    @DisplayName(
        "receive, adjust and setOnHand return the level as levels() reads it: due holds free")
    void movementsReturnTheEffectiveLevel() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("due"), Duration.ofSeconds(10), line(a, 2)));
      inventory.reserve(cart(id("fresh"), Duration.ofHours(1), line(a, 1)));
      clock.advance(Duration.ofSeconds(10));

      assertThat(inventory.receive(a, 1, null)).isEqualTo(new StockLevel(a, 6, 1));
      assertThat(inventory.adjust(a, 1, null)).isEqualTo(new StockLevel(a, 7, 1));
      assertThat(inventory.setOnHand(a, 8, null)).isEqualTo(new StockLevel(a, 8, 1));
      assertThat(level(a)).isEqualTo(new StockLevel(a, 8, 1));
    }

    @Test
    @DisplayName("receive creates a key never stocked")
    void receiveCreatesKey() {
      StockKey a = key("a");

      assertThat(inventory.receive(a, 3, null)).isEqualTo(new StockLevel(a, 3, 0));
    }

    @Test
    @DisplayName("adjust up adds to on-hand")
    void adjustUp() {
      StockKey a = key("a");
      stock(a, 5);

      assertThat(inventory.adjust(a, 4, "found")).isEqualTo(new StockLevel(a, 9, 0));
    }

    @Test
    @DisplayName("adjust up creates a key never stocked")
    void adjustUpCreatesKey() {
      StockKey a = key("a");

      assertThat(inventory.adjust(a, 4, "found")).isEqualTo(new StockLevel(a, 4, 0));
    }

    @Test
    @DisplayName("adjust down takes off on-hand, down to exactly what is reserved")
    void adjustDownToReserved() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(inventory.adjust(a, -3, "broken")).isEqualTo(new StockLevel(a, 2, 2));
    }

    @Test
    @DisplayName(
        "adjust down below reserved throws: requested is the decrease, available the unreserved")
    void adjustBelowReserved() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      InsufficientStockException e =
          thrown(InsufficientStockException.class, () -> inventory.adjust(a, -4, "broken"));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 4, 3));
    }

    @Test
    @DisplayName("a refused adjust changes nothing")
    void refusedAdjustChangesNothing() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      Snapshot before = snapshot(a);

      catchThrowable(() -> inventory.adjust(a, -4, "broken"));

      assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    @DisplayName("adjust down of a key never stocked throws with 0 available")
    void adjustDownOfUnknownKey() {
      StockKey never = key("never-stocked");

      InsufficientStockException e =
          thrown(InsufficientStockException.class, () -> inventory.adjust(never, -2, null));

      assertThat(e.shortages()).containsExactly(new Shortage(never, 2, 0));
      assertThat(level(never)).isEqualTo(StockLevel.empty(never));
    }

    @Test
    @DisplayName("setOnHand sets on-hand to the counted figure")
    void setOnHand() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(inventory.setOnHand(a, 3, "count")).isEqualTo(new StockLevel(a, 3, 2));
    }

    @Test
    @DisplayName("setOnHand creates a key never stocked, even at 0")
    void setOnHandCreatesKey() {
      StockKey a = key("a");

      assertThat(inventory.setOnHand(a, 0, "count")).isEqualTo(new StockLevel(a, 0, 0));
      assertThat(kinds(entries(a))).containsExactly(Kind.SET);
    }

    @Test
    @DisplayName(
        "setOnHand below reserved throws: requested is the decrease, available the unreserved")
    void setOnHandBelowReserved() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      Snapshot before = snapshot(a);

      InsufficientStockException e =
          thrown(InsufficientStockException.class, () -> inventory.setOnHand(a, 1, "count"));

      assertThat(e.shortages()).containsExactly(new Shortage(a, 4, 3));
      assertThat(snapshot(a)).isEqualTo(before);
    }
  }

  @Nested
  @DisplayName("levels: every key asked for is answered")
  class Levels {
    @Test
    @DisplayName("a key never stocked reads as 0 on-hand, 0 reserved")
    void unknownKeyIsEmpty() {
      StockKey never = key("never-stocked");

      assertThat(inventory.levels(List.of(never)))
          .containsExactly(Map.entry(never, StockLevel.empty(never)));
    }

    @Test
    @DisplayName("the map holds every key once, in key order, whatever the order asked")
    void keyOrder() {
      StockKey a = key("a");
      StockKey b = key("b");
      StockKey c = key("c");
      stock(b, 2);

      Map<StockKey, StockLevel> levels = inventory.levels(List.of(c, a, b, c));

      assertThat(new ArrayList<>(levels.keySet())).containsExactly(a, b, c);
      assertThat(levels.get(b)).isEqualTo(new StockLevel(b, 2, 0));
    }

    @Test
    @DisplayName("keys at different locations of one SKU are different keys")
    void locationsAreSeparate() {
      StockKey here = StockKey.of(key("a").sku(), "here");
      StockKey there = StockKey.of(key("a").sku(), "there");
      stock(here, 2);

      assertThat(inventory.levels(List.of(here, there)))
          .containsExactly(
              Map.entry(here, new StockLevel(here, 2, 0)),
              Map.entry(there, StockLevel.empty(there)));
    }

    @Test
    @DisplayName("asking for no keys answers an empty map")
    void noKeys() {
      assertThat(inventory.levels(List.of())).isEmpty();
    }

    @Test
    @DisplayName("level(key) is the one-key levels")
    void levelOfOneKey() {
      StockKey a = key("a");
      stock(a, 6);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      assertThat(level(a)).isEqualTo(new StockLevel(a, 6, 2));
      assertThat(level(a).available()).isEqualTo(4);
    }
  }

  @Nested
  @DisplayName(
      "key order is StockKey's order (SKU, then location, by UTF-16 code unit), never a locale's")
  class KeyOrder {
    private StockKey upper;
    private StockKey lower;
    private StockKey accented;
    private StockKey otherLocation;

    @BeforeEach
    void keys() {
      // A locale would sort "a" < "B" < "é"; StockKey.compareTo says "B" < "a" < "é".
      upper = key("B");
      lower = key("a");
      accented = key("é");
      otherLocation = StockKey.of(lower.sku(), "Z");
    }

    private List<StockKey> sorted() {
      List<StockKey> keys = new ArrayList<>(List.of(accented, lower, otherLocation, upper));
      Collections.sort(keys);
      return keys;
    }

    @Test
    @DisplayName("the order the suite relies on is the order of StockKey.compareTo")
    void stockKeyOrder() {
      assertThat(sorted()).containsExactly(upper, otherLocation, lower, accented);
    }

    @Test
    @DisplayName("shortages come in key order")
    void shortages() {
      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () ->
                  inventory.reserve(
                      cart(
                          id("cart"),
                          line(lower, 1),
                          line(accented, 1),
                          line(upper, 1),
                          line(otherLocation, 1))));

      assertThat(e.shortages()).extracting(Shortage::key).containsExactlyElementsOf(sorted());
    }

    @Test
    @DisplayName("levels come in key order")
    void levels() {
      assertThat(inventory.levels(List.of(lower, accented, upper, otherLocation)).keySet())
          .containsExactlyElementsOf(sorted());
    }

    @Test
    @DisplayName("reservation lines and their log entries come in key order")
    void linesAndLog() {
      sorted().forEach(k -> stock(k, 1));

      Reservation reservation =
          inventory.reserve(
              cart(
                  id("cart"),
                  line(accented, 1),
                  line(lower, 1),
                  line(otherLocation, 1),
                  line(upper, 1)));

      assertThat(reservation.lines()).extracting(Line::key).containsExactlyElementsOf(sorted());
      assertThat(inventory.findReservation(id("cart")).orElseThrow().lines())
          .extracting(Line::key)
          .containsExactlyElementsOf(sorted());
      assertThat(entriesOf(id("cart"), upper, lower, accented, otherLocation))
          .extracting(LogEntry::key)
          .containsExactlyElementsOf(sorted());
    }
  }

  @Nested
  @DisplayName("limits: the largest values the API allows are stored exactly")
  class Limits {
    @Test
    @DisplayName("ids, SKUs and locations of 128 characters, and non-ASCII ones, round-trip")
    void longAndNonAsciiNames() {
      String prefix = id("");
      StockKey longKey = StockKey.of(prefix + "s".repeat(128 - prefix.length()), "l".repeat(128));
      StockKey unicode = StockKey.of(key("Größe-€-日本").sku(), "Zürich");
      String longId = prefix + "i".repeat(128 - prefix.length());
      stock(longKey, 5);
      stock(unicode, 5);

      Reservation reservation = inventory.reserve(cart(longId, line(longKey, 1), line(unicode, 2)));

      assertThat(inventory.findReservation(longId)).contains(reservation);
      assertThat(inventory.levels(List.of(longKey, unicode)))
          .containsOnly(
              Map.entry(longKey, new StockLevel(longKey, 5, 1)),
              Map.entry(unicode, new StockLevel(unicode, 5, 2)));
    }

    @Test
    @DisplayName("a line of 1,000,000,000 units can be held")
    void largestLine() {
      StockKey a = key("a");
      stock(a, 1_000_000_000);

      inventory.reserve(cart(id("cart"), line(a, 1_000_000_000)));

      assertThat(level(a).available()).isZero();
    }

    @Test
    @DisplayName("on-hand can be set to 10^18, and units still received on top")
    void largestOnHand() {
      StockKey a = key("a");
      inventory.setOnHand(a, 1_000_000_000_000_000_000L, null);

      assertThat(inventory.receive(a, 1_000_000_000, null).onHand())
          .isEqualTo(1_000_000_001_000_000_000L);
    }

    @Test
    @DisplayName("a cart of 1,000 lines is held in one step")
    void thousandLines() {
      List<StockKey> keys = thousandKeys();
      keys.forEach(k -> stock(k, 1));

      inventory.reserve(
          ReservationRequest.builder(id("cart"))
              .lines(keys.stream().map(k -> line(k, 1)).toList())
              .build());

      assertThat(inventory.levels(keys).values())
          .extracting(StockLevel::available)
          .containsOnly(0L);
    }

    @Test
    @DisplayName("a cart of 1,000 lines short on every key names all 1,000, in key order")
    void thousandShortLines() {
      List<StockKey> keys = thousandKeys();
      List<Line> lines = new ArrayList<>(keys.stream().map(k -> line(k, 1)).toList());
      Collections.reverse(lines);

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class,
              () -> inventory.reserve(ReservationRequest.builder(id("cart")).lines(lines).build()));

      assertThat(e.shortages()).extracting(Shortage::key).containsExactlyElementsOf(keys);
    }

    private List<StockKey> thousandKeys() {
      return IntStream.range(0, 1000).mapToObj(i -> key(String.format("k%04d", i))).toList();
    }
  }

  // =============================================================================================

  /** A call with bad arguments, made against a stocked key and a held reservation. */
  @FunctionalInterface
  protected interface BadCall {
    void call(Inventory inventory, StockKey stocked, String heldId);
  }

  @Nested
  @DisplayName("bad input is refused before anything changes")
  class BadInput {
    private static final String TOO_LONG = "x".repeat(129);

    static Stream<Arguments> badCalls() {
      List<Arguments> cases = new ArrayList<>();
      Map<String, String> badNames = new java.util.LinkedHashMap<>();
      badNames.put("empty", "");
      badNames.put("blank", "   ");
      badNames.put("129 characters", TOO_LONG);
      badNames.put("a NUL character", "a\u0000b");
      badNames.put("a newline", "a\nb");
      badNames.put("a DEL character", "a\u007fb");

      // Null where a value is required: NullPointerException.
      npe(cases, "reserve(null)", (inv, k, r) -> inv.reserve(null));
      npe(cases, "purchase(null)", (inv, k, r) -> inv.purchase(null));
      npe(cases, "a request with a null id", (inv, k, r) -> cartOf(null, k));
      npe(cases, "a key with a null SKU", (inv, k, r) -> inv.receive(StockKey.of(null), 1, null));
      npe(
          cases,
          "a key with a null location",
          (inv, k, r) -> inv.receive(StockKey.of(k.sku(), null), 1, null));
      npe(cases, "a line with a null key", (inv, k, r) -> new Line(null, 1));
      npe(cases, "receive of a null key", (inv, k, r) -> inv.receive(null, 1, null));
      npe(cases, "adjust of a null key", (inv, k, r) -> inv.adjust(null, 1, null));
      npe(cases, "setOnHand of a null key", (inv, k, r) -> inv.setOnHand(null, 1, null));
      npe(cases, "levels(null)", (inv, k, r) -> inv.levels(null));
      npe(cases, "levels with a null key", (inv, k, r) -> inv.levels(Arrays.asList(k, null)));
      npe(cases, "release(null)", (inv, k, r) -> inv.release(null));
      npe(cases, "confirm(null)", (inv, k, r) -> inv.confirm(null));
      npe(cases, "extend(null, ttl)", (inv, k, r) -> inv.extend(null, TTL));
      npe(cases, "amend(null, lines)", (inv, k, r) -> inv.amend(null, List.of(line(k, 1))));
      npe(cases, "findReservation(null)", (inv, k, r) -> inv.findReservation(null));
      npe(cases, "extend with a null ttl", (inv, k, r) -> inv.extend(r, null));
      npe(cases, "amend with null lines", (inv, k, r) -> inv.amend(r, null));
      npe(
          cases,
          "amend with a null line",
          (inv, k, r) -> inv.amend(r, Arrays.asList(line(k, 1), null)));
      npe(
          cases,
          "a request with a null ttl",
          (inv, k, r) -> ReservationRequest.builder(r).line(k, 1).ttl(null));

      // Malformed names: IllegalArgumentException.
      badNames.forEach(
          (what, bad) -> {
            iae(cases, "a SKU of " + what, (inv, k, r) -> inv.receive(StockKey.of(bad), 1, null));
            iae(
                cases,
                "a location of " + what,
                (inv, k, r) -> inv.receive(StockKey.of(k.sku(), bad), 1, null));
            iae(cases, "a reserve id of " + what, (inv, k, r) -> inv.reserve(cartOf(bad, k)));
            iae(cases, "a purchase id of " + what, (inv, k, r) -> inv.purchase(cartOf(bad, k)));
            iae(cases, "release of an id of " + what, (inv, k, r) -> inv.release(bad));
            iae(cases, "confirm of an id of " + what, (inv, k, r) -> inv.confirm(bad));
            iae(cases, "extend of an id of " + what, (inv, k, r) -> inv.extend(bad, TTL));
            iae(
                cases,
                "amend of an id of " + what,
                (inv, k, r) -> inv.amend(bad, List.of(line(k, 1))));
            iae(
                cases,
                "findReservation of an id of " + what,
                (inv, k, r) -> inv.findReservation(bad));
          });

      // Quantities out of range.
      for (long quantity : new long[] {0, -1, 1_000_000_001L}) {
        iae(
            cases,
            "a line of " + quantity + " units",
            (inv, k, r) ->
                inv.reserve(ReservationRequest.builder(r + "-new").line(k, quantity).build()));
        iae(
            cases,
            "receive of " + quantity + " units",
            (inv, k, r) -> inv.receive(k, quantity, null));
      }
      iae(
          cases,
          "lines of one key adding up to more than 1,000,000,000",
          (inv, k, r) -> inv.reserve(cartOf(r + "-new", k, 600_000_000, 600_000_000)));
      iae(
          cases,
          "amend to lines of one key adding up to more than 1,000,000,000",
          (inv, k, r) -> inv.amend(r, List.of(line(k, 600_000_000), line(k, 600_000_000))));
      iae(cases, "adjust by 0", (inv, k, r) -> inv.adjust(k, 0, null));
      iae(cases, "adjust by 1,000,000,001", (inv, k, r) -> inv.adjust(k, 1_000_000_001L, null));
      iae(cases, "adjust by -1,000,000,001", (inv, k, r) -> inv.adjust(k, -1_000_000_001L, null));
      iae(cases, "setOnHand to -1", (inv, k, r) -> inv.setOnHand(k, -1, null));
      iae(
          cases,
          "setOnHand above 10^18",
          (inv, k, r) -> inv.setOnHand(k, 1_000_000_000_000_000_001L, null));
      iae(cases, "expireDue(0)", (inv, k, r) -> inv.expireDue(0));
      iae(cases, "expireDue(-1)", (inv, k, r) -> inv.expireDue(-1));

      // Reasons.
      iae(
          cases,
          "a reason of 1,001 characters",
          (inv, k, r) -> inv.receive(k, 1, "r".repeat(1001)));
      iae(cases, "a reason with a control character", (inv, k, r) -> inv.adjust(k, 1, "a\u0007b"));
      iae(cases, "a setOnHand reason with a newline", (inv, k, r) -> inv.setOnHand(k, 1, "a\nb"));

      // TTLs.
      for (Duration ttl :
          List.of(
              Duration.ZERO,
              Duration.ofMillis(999),
              Duration.ofSeconds(-5),
              Duration.ofDays(30).plusSeconds(1))) {
        iae(
            cases,
            "a request ttl of " + ttl,
            (inv, k, r) ->
                inv.reserve(ReservationRequest.builder(r + "-new").line(k, 1).ttl(ttl).build()));
        iae(
            cases,
            "a request record with a ttl of " + ttl,
            (inv, k, r) ->
                inv.reserve(new ReservationRequest(r + "-new", List.of(line(k, 1)), ttl)));
        iae(cases, "extend by " + ttl, (inv, k, r) -> inv.extend(r, ttl));
      }
      iae(
          cases,
          "extend of an unknown id by a bad ttl (arguments first)",
          (inv, k, r) -> inv.extend(r + "-unknown", Duration.ZERO));

      // Line counts.
      iae(
          cases,
          "a request with no lines",
          (inv, k, r) -> inv.reserve(ReservationRequest.builder(r + "-new").build()));
      iae(
          cases,
          "a request with 1,001 lines",
          (inv, k, r) ->
              inv.reserve(
                  ReservationRequest.builder(r + "-new")
                      .lines(Collections.nCopies(1001, line(k, 1)))
                      .build()));
      iae(cases, "amend to no lines", (inv, k, r) -> inv.amend(r, List.of()));
      iae(
          cases,
          "amend to 1,001 lines",
          (inv, k, r) -> inv.amend(r, Collections.nCopies(1001, line(k, 1))));
      return cases.stream();
    }

    private static ReservationRequest cartOf(String id, StockKey key, long... quantities) {
      ReservationRequest.Builder builder = ReservationRequest.builder(id);
      if (quantities.length == 0) {
        builder.line(key, 1);
      }
      for (long quantity : quantities) {
        builder.line(key, quantity);
      }
      return builder.build();
    }

    private static void npe(List<Arguments> cases, String name, BadCall call) {
      cases.add(
          Arguments.of(
              Named.of(name, call), Named.of("NullPointerException", NullPointerException.class)));
    }

    private static void iae(List<Arguments> cases, String name, BadCall call) {
      cases.add(
          Arguments.of(
              Named.of(name, call),
              Named.of("IllegalArgumentException", IllegalArgumentException.class)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badCalls")
    @DisplayName("each bad argument is refused")
    void refused(BadCall call, Class<? extends Throwable> expected) {
      StockKey stocked = key("stocked");
      stock(stocked, 10);
      Reservation held = inventory.reserve(cart(id("held"), line(stocked, 2)));
      Snapshot before = snapshot(stocked);

      assertThat(catchThrowable(() -> call.call(inventory, stocked, held.id())))
          .isInstanceOf(expected);

      assertThat(snapshot(stocked)).isEqualTo(before);
      assertThat(inventory.findReservation(held.id())).contains(held);
      assertThat(inventory.findReservation(held.id() + "-new")).isEmpty();
    }

    enum IdAction {
      CONFIRM,
      RELEASE,
      EXTEND,
      AMEND
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(IdAction.class)
    @DisplayName(
        "an unknown reservation id throws ReservationNotFoundException and changes nothing")
    void unknownId(IdAction action) {
      StockKey stocked = key("stocked");
      stock(stocked, 10);
      Snapshot before = snapshot(stocked);
      String unknown = id("unknown");

      Throwable thrown =
          catchThrowable(
              () -> {
                switch (action) {
                  case CONFIRM -> inventory.confirm(unknown);
                  case RELEASE -> inventory.release(unknown);
                  case EXTEND -> inventory.extend(unknown, TTL);
                  case AMEND -> inventory.amend(unknown, List.of(line(stocked, 1)));
                }
              });

      assertThat(thrown).isInstanceOf(ReservationNotFoundException.class);
      assertThat(((ReservationNotFoundException) thrown).reservationId()).isEqualTo(unknown);
      assertThat(snapshot(stocked)).isEqualTo(before);
      assertThat(inventory.findReservation(unknown)).isEmpty();
    }

    @Test
    @DisplayName("findReservation of an unknown id is empty")
    void findUnknown() {
      assertThat(inventory.findReservation(id("unknown"))).isEqualTo(Optional.empty());
    }
  }

  @Nested
  @DisplayName("the log: every change, one entry per key, replayable")
  class Log {
    private void assertEntry(
        LogEntry entry,
        StockKey key,
        Kind kind,
        long onHandDelta,
        long reservedDelta,
        long onHandAfter,
        long reservedAfter,
        String reservationId,
        String reason) {
      assertThat(entry)
          .isEqualTo(
              new LogEntry(
                  entry.id(),
                  clock.instant(),
                  key,
                  kind,
                  onHandDelta,
                  reservedDelta,
                  onHandAfter,
                  reservedAfter,
                  reservationId,
                  reason));
    }

    private LogEntry last(StockKey key) {
      List<LogEntry> log = entries(key);
      return log.get(log.size() - 1);
    }

    @Test
    @DisplayName("receive writes RECEIVE: on-hand delta, after-values, reason, time now")
    void receive() {
      StockKey a = key("a");
      stock(a, 5);
      clock.advance(Duration.ofSeconds(7));

      inventory.receive(a, 3, "delivery 17");

      assertEntry(last(a), a, Kind.RECEIVE, 3, 0, 8, 0, null, "delivery 17");
    }

    @Test
    @DisplayName("adjust writes ADJUST with its signed delta")
    void adjust() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 1)));

      inventory.adjust(a, -2, "broken");

      assertEntry(last(a), a, Kind.ADJUST, -2, 0, 3, 1, null, "broken");
    }

    @Test
    @DisplayName("setOnHand writes SET with the difference as its delta")
    void set() {
      StockKey a = key("a");
      stock(a, 5);

      inventory.setOnHand(a, 2, "count");

      assertEntry(last(a), a, Kind.SET, -3, 0, 2, 0, null, "count");
    }

    @Test
    @DisplayName("setOnHand to the current figure still writes a SET, with delta 0")
    void setUnchanged() {
      StockKey a = key("a");
      stock(a, 5);

      inventory.setOnHand(a, 5, "count");

      assertEntry(last(a), a, Kind.SET, 0, 0, 5, 0, null, "count");
    }

    @Test
    @DisplayName("reserve writes one RESERVE per merged line, in key order")
    void reserve() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 5);
      stock(b, 5);

      inventory.reserve(cart(id("cart"), line(b, 1), line(a, 2), line(b, 1)));

      List<LogEntry> log = entriesOf(id("cart"), a, b);
      assertThat(log).hasSize(2);
      assertEntry(log.get(0), a, Kind.RESERVE, 0, 2, 5, 2, id("cart"), null);
      assertEntry(log.get(1), b, Kind.RESERVE, 0, 2, 5, 2, id("cart"), null);
    }

    @Test
    @DisplayName("amend writes one AMEND per key whose quantity changed, with new minus old")
    void amend() {
      StockKey a = key("a");
      StockKey b = key("b");
      StockKey c = key("c");
      stock(a, 5);
      stock(b, 5);
      stock(c, 5);
      inventory.reserve(cart(id("cart"), line(a, 2), line(b, 2)));

      inventory.amend(id("cart"), List.of(line(b, 2), line(c, 3)));

      List<LogEntry> log = entriesOf(id("cart"), a, b, c);
      assertThat(log).hasSize(4);
      assertEntry(log.get(2), a, Kind.AMEND, 0, -2, 5, 0, id("cart"), null);
      assertEntry(log.get(3), c, Kind.AMEND, 0, 3, 5, 3, id("cart"), null);
    }

    @Test
    @DisplayName("confirm writes one CONFIRM per line, taking on-hand and reserved down")
    void confirm() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      inventory.confirm(id("cart"));

      assertEntry(last(a), a, Kind.CONFIRM, -2, -2, 3, 0, id("cart"), null);
    }

    @Test
    @DisplayName("purchase writes one CONFIRM per line, taking on-hand down only")
    void purchase() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 1)));

      inventory.purchase(cart(id("order"), line(a, 2)));

      assertEntry(last(a), a, Kind.CONFIRM, -2, 0, 3, 1, id("order"), null);
    }

    @Test
    @DisplayName("release writes one RELEASE per line")
    void release() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));

      inventory.release(id("cart"));

      assertEntry(last(a), a, Kind.RELEASE, 0, -2, 5, 0, id("cart"), null);
    }

    @Test
    @DisplayName("expiry writes one EXPIRE per line, stamped with the time it was written")
    void expire() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), Duration.ofSeconds(10), line(a, 2)));
      clock.advance(Duration.ofSeconds(15));

      expireAllDue();

      assertEntry(last(a), a, Kind.EXPIRE, 0, -2, 5, 0, id("cart"), null);
    }

    @Test
    @DisplayName("replaying a key's log reproduces every after-value and the current level")
    void replay() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 20);
      stock(b, 20);
      inventory.reserve(cart(id("c1"), line(a, 3), line(b, 4)));
      inventory.reserve(cart(id("c2"), Duration.ofSeconds(30), line(a, 5)));
      inventory.amend(id("c1"), List.of(line(a, 6)));
      inventory.purchase(cart(id("p1"), line(b, 7)));
      inventory.adjust(a, -2, "broken");
      inventory.setOnHand(b, 30, "count");
      clock.advance(Duration.ofSeconds(30));
      inventory.reserve(cart(id("c3"), line(a, 12)));
      inventory.confirm(id("c1"));
      inventory.release(id("c3"));
      inventory.receive(a, 4, null);

      for (StockKey key : List.of(a, b)) {
        assertLogReplays(key, entries(key), level(key));
      }
    }

    @Test
    @DisplayName("entries come in ascending id order")
    void ascendingIds() {
      StockKey a = key("a");
      stock(a, 5);
      inventory.reserve(cart(id("cart"), line(a, 2)));
      inventory.confirm(id("cart"));

      assertThat(entries(a)).extracting(LogEntry::id).isSorted().doesNotHaveDuplicates();
    }

    static Stream<Arguments> failedCalls() {
      BadCall nothing = (inv, k, r) -> {};
      return Stream.of(
          failed(
              "a short reserve", nothing, (inv, k, r) -> inv.reserve(cart(r + "-x", line(k, 99)))),
          failed(
              "a short purchase",
              nothing,
              (inv, k, r) -> inv.purchase(cart(r + "-x", line(k, 99)))),
          failed("a short amend", nothing, (inv, k, r) -> inv.amend(r, List.of(line(k, 99)))),
          failed("an adjust below reserved", nothing, (inv, k, r) -> inv.adjust(k, -9, null)),
          failed("a setOnHand below reserved", nothing, (inv, k, r) -> inv.setOnHand(k, 1, null)),
          failed("a conflicting replay", nothing, (inv, k, r) -> inv.reserve(cart(r, line(k, 1)))),
          failed(
              "a confirm of a released reservation",
              (inv, k, r) -> inv.release(r),
              (inv, k, r) -> inv.confirm(r)),
          failed(
              "a release of a confirmed reservation",
              (inv, k, r) -> inv.confirm(r),
              (inv, k, r) -> inv.release(r)),
          failed(
              "an extend of a released reservation",
              (inv, k, r) -> inv.release(r),
              (inv, k, r) -> inv.extend(r, TTL)),
          failed(
              "an amend of a confirmed reservation",
              (inv, k, r) -> inv.confirm(r),
              (inv, k, r) -> inv.amend(r, List.of(line(k, 1)))));
    }

    private static Arguments failed(String name, BadCall setUp, BadCall call) {
      return Arguments.of(Named.of(name, call), setUp);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedCalls")
    @DisplayName("a failed call writes nothing")
    void failedCallWritesNothing(BadCall call, BadCall setUp) {
      StockKey a = key("a");
      stock(a, 10);
      String id = id("cart");
      inventory.reserve(cart(id, line(a, 2)));
      setUp.call(inventory, a, id);
      List<LogEntry> before = entries(a);

      assertThat(catchThrowable(() -> call.call(inventory, a, id)))
          .isInstanceOf(InventoryException.class);

      assertThat(entries(a)).isEqualTo(before);
    }
  }

  // =============================================================================================

  @Nested
  @DisplayName("concurrency: racing callers never oversell")
  class Concurrency {
    @Test
    @DisplayName("two carts racing for more than the stock: exactly one wins")
    void twoCartsRacing() throws InterruptedException {
      for (int round = 0; round < 20; round++) {
        StockKey a = key("a-" + round);
        stock(a, 5);
        String small = id("small-" + round);
        String large = id("large-" + round);

        List<Outcome<Reservation>> outcomes =
            race(
                2,
                2,
                i ->
                    () -> inventory.reserve(cart(i == 0 ? small : large, line(a, i == 0 ? 3 : 4))));

        assertThat(outcomes.stream().filter(Outcome::succeeded)).as("round %d", round).hasSize(1);
        assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::error))
            .allMatch(InsufficientStockException.class::isInstance);
        Reservation winner =
            outcomes.stream().filter(Outcome::succeeded).findFirst().orElseThrow().value();
        assertThat(level(a)).isEqualTo(new StockLevel(a, 5, winner.lines().get(0).quantity()));
      }
    }

    @Test
    @DisplayName("a flash sale: 2,000 buyers on 32 threads for 100 units, exactly 100 held")
    void flashSale() throws InterruptedException {
      StockKey a = key("hot");
      stock(a, 100);

      List<Outcome<Reservation>> outcomes =
          race(32, 2000, i -> () -> inventory.reserve(cart(id("buyer-" + i), line(a, 1))));

      assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(100);
      assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::error))
          .allMatch(InsufficientStockException.class::isInstance);
      assertThat(level(a)).isEqualTo(new StockLevel(a, 100, 100));
      assertLogReplays(a, entries(a), level(a));
    }

    @Test
    @DisplayName("carts over the same keys in opposite orders all complete: no deadlock")
    void crossOrderedCarts() throws InterruptedException {
      StockKey a = key("a");
      StockKey b = key("b");
      StockKey c = key("c");
      for (StockKey k : List.of(a, b, c)) {
        stock(k, 1_000_000);
      }
      int threads = 8;
      int rounds = 40;

      List<Outcome<Integer>> outcomes =
          race(
              threads,
              threads,
              t ->
                  () -> {
                    for (int round = 0; round < rounds; round++) {
                      String id = id("t" + t + "-r" + round);
                      Line[] lines =
                          t % 2 == 0
                              ? new Line[] {line(a, 1), line(b, 2), line(c, 1)}
                              : new Line[] {line(c, 1), line(b, 2), line(a, 1)};
                      inventory.reserve(cart(id, lines));
                      inventory.amend(
                          id,
                          t % 2 == 0
                              ? List.of(line(b, 1), line(a, 2))
                              : List.of(line(a, 2), line(b, 1)));
                      if (round % 2 == 0) {
                        inventory.confirm(id);
                      } else {
                        inventory.release(id);
                      }
                    }
                    return rounds;
                  });

      assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
      assertThat(inventory.levels(List.of(a, b, c)).values())
          .extracting(StockLevel::reserved)
          .containsOnly(0L);
    }

    @Test
    @DisplayName(
        "confirm, release and expireDue racing for a running hold: exactly one of confirm and release wins")
    void confirmReleaseRace() throws InterruptedException {
      for (int round = 0; round < 20; round++) {
        StockKey a = key("a-" + round);
        stock(a, 5);
        String id = id("cart-" + round);
        inventory.reserve(cart(id, line(a, 2)));

        List<Outcome<Object>> outcomes =
            race(
                3,
                3,
                i ->
                    () ->
                        switch (i) {
                          case 0 -> inventory.confirm(id);
                          case 1 -> inventory.release(id);
                          default -> inventory.expireDue(10);
                        });

        Status winner = statusOf(id);
        Outcome<Object> confirm = outcomes.get(0);
        Outcome<Object> release = outcomes.get(1);
        assertThat(outcomes.get(2).error()).isNull();
        assertThat(confirm.succeeded() ^ release.succeeded()).as("round %d", round).isTrue();
        Outcome<Object> loser = confirm.succeeded() ? release : confirm;
        assertThat(loser.error()).isInstanceOf(ReservationStateException.class);
        assertThat(((ReservationStateException) loser.error()).status()).isEqualTo(winner);
        assertThat(level(a))
            .isEqualTo(
                winner == Status.CONFIRMED ? new StockLevel(a, 3, 0) : new StockLevel(a, 5, 0));
      }
    }

    @Test
    @DisplayName("confirm, release and expireDue racing for a due hold: it is expired exactly once")
    void dueHoldRace() throws InterruptedException {
      for (int round = 0; round < 20; round++) {
        StockKey a = key("a-" + round);
        stock(a, 5);
        String id = id("cart-" + round);
        inventory.reserve(cart(id, Duration.ofSeconds(10), line(a, 2)));
        clock.advance(Duration.ofSeconds(10));

        List<Outcome<Object>> outcomes =
            race(
                4,
                4,
                i ->
                    () ->
                        switch (i) {
                          case 0 -> inventory.confirm(id);
                          case 1 -> inventory.release(id);
                          default -> inventory.expireDue(1000);
                        });

        assertThat(outcomes.get(0).error()).isInstanceOf(ReservationExpiredException.class);
        assertThat(outcomes.get(1).error()).isInstanceOf(ReservationExpiredException.class);
        assertThat(kinds(entriesOf(id, a))).containsExactly(Kind.RESERVE, Kind.EXPIRE);
        assertThat(level(a)).isEqualTo(new StockLevel(a, 5, 0));
      }
    }

    @Test
    @DisplayName("8 threads replaying one reservation id: one reservation, stock taken once")
    void replayRace() throws InterruptedException {
      for (int round = 0; round < 10; round++) {
        StockKey a = key("a-" + round);
        StockKey b = key("b-" + round);
        stock(a, 10);
        stock(b, 10);
        ReservationRequest request = cart(id("cart-" + round), line(a, 3), line(b, 1));

        List<Outcome<Reservation>> outcomes = race(8, 8, i -> () -> inventory.reserve(request));

        assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(outcomes.stream().map(Outcome::value).distinct()).hasSize(1);
        assertThat(inventory.levels(List.of(a, b)))
            .containsExactly(
                Map.entry(a, new StockLevel(a, 10, 3)), Map.entry(b, new StockLevel(b, 10, 1)));
        assertThat(kinds(entriesOf(request.id(), a, b)))
            .containsExactly(Kind.RESERVE, Kind.RESERVE);
      }
    }

    @Test
    @DisplayName("8 threads replaying one purchase id: sold once")
    void purchaseReplayRace() throws InterruptedException {
      StockKey a = key("a");
      stock(a, 10);
      ReservationRequest request = cart(id("order"), line(a, 3));

      List<Outcome<Reservation>> outcomes = race(8, 8, i -> () -> inventory.purchase(request));

      assertThat(outcomes).allSatisfy(o -> assertThat(o.error()).isNull());
      assertThat(level(a)).isEqualTo(new StockLevel(a, 7, 0));
    }
  }

  // =============================================================================================

  @Nested
  @DisplayName("fuzz: random operations on several threads keep every invariant")
  class Fuzz {
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 250;

    @Test
    @DisplayName("never oversold, reserved = held lines, on-hand conserved, the log replays")
    void randomOperations() throws InterruptedException {
      long seed = Long.getLong("inventory.fuzz.seed", new Random().nextLong());
      String why = "fuzz seed " + seed + " (rerun with -Dinventory.fuzz.seed=" + seed + ")";
      List<StockKey> keys = IntStream.range(0, 4).mapToObj(i -> key("k" + i)).toList();
      Map<StockKey, LongAdder> received = new ConcurrentHashMap<>();
      Map<StockKey, LongAdder> adjusted = new ConcurrentHashMap<>();
      for (StockKey k : keys) {
        received.put(k, new LongAdder());
        adjusted.put(k, new LongAdder());
        stock(k, 20);
        received.get(k).add(20);
      }
      Map<String, ReservationRequest> made = new ConcurrentHashMap<>();
      List<String> ids = Collections.synchronizedList(new ArrayList<>());
      Map<String, List<Line>> sold = new ConcurrentHashMap<>();
      List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());

      List<Outcome<Object>> outcomes =
          race(
              THREADS,
              THREADS,
              t ->
                  () -> {
                    Random random = new Random(seed + t);
                    for (int op = 0; op < OPS_PER_THREAD; op++) {
                      try {
                        step(random, t, op, keys, received, adjusted, made, ids, sold);
                      } catch (InsufficientStockException | ReservationStateException e) {
                        // Refusals are part of the game; they must change nothing (checked below).
                      } catch (RuntimeException e) {
                        unexpected.add(e);
                      }
                    }
                    return null;
                  });

      if (!unexpected.isEmpty()) {
        throw new AssertionError(
            why + ": " + unexpected.size() + " unexpected exceptions, the first:",
            unexpected.get(0));
      }
      assertThat(outcomes).as(why).allSatisfy(o -> assertThat(o.error()).isNull());
      Map<StockKey, StockLevel> levels = inventory.levels(keys);
      Map<StockKey, Long> heldLines = new HashMap<>();
      for (String id : ids) {
        Reservation r = inventory.findReservation(id).orElseThrow();
        if (r.status() == Status.HELD) {
          r.lines().forEach(l -> heldLines.merge(l.key(), l.quantity(), Long::sum));
        }
      }
      Map<StockKey, Long> soldUnits = new HashMap<>();
      sold.values()
          .forEach(lines -> lines.forEach(l -> soldUnits.merge(l.key(), l.quantity(), Long::sum)));
      for (StockKey k : keys) {
        StockLevel level = levels.get(k);
        assertThat(level.reserved())
            .as("%s: %s never oversold", why, k)
            .isBetween(0L, level.onHand());
        assertThat(level.reserved())
            .as("%s: reserved of %s = the lines of HELD reservations", why, k)
            .isEqualTo(heldLines.getOrDefault(k, 0L));
        assertThat(level.onHand())
            .as("%s: on-hand of %s = received + adjusted - sold", why, k)
            .isEqualTo(
                received.get(k).sum() + adjusted.get(k).sum() - soldUnits.getOrDefault(k, 0L));
      }

      // Write every due expiry down, so that the log (what was written) matches the levels.
      expireAllDue();
      for (StockKey k : keys) {
        try {
          assertLogReplays(k, entries(k), level(k));
        } catch (AssertionError e) {
          throw new AssertionError(why + ": " + e.getMessage(), e);
        }
      }
    }

    private void step(
        Random random,
        int thread,
        int op,
        List<StockKey> keys,
        Map<StockKey, LongAdder> received,
        Map<StockKey, LongAdder> adjusted,
        Map<String, ReservationRequest> made,
        List<String> ids,
        Map<String, List<Line>> sold) {
      int dice = random.nextInt(100);
      if (dice < 25) {
        ReservationRequest request = randomRequest(random, id("r-" + thread + "-" + op), keys);
        inventory.reserve(request);
        made.put(request.id(), request);
        ids.add(request.id());
      } else if (dice < 35) {
        String id = pick(random, ids);
        if (id != null) {
          inventory.amend(id, randomRequest(random, id, keys).lines());
        }
      } else if (dice < 47) {
        String id = pick(random, ids);
        if (id != null) {
          Reservation confirmed = inventory.confirm(id);
          sold.putIfAbsent(id, confirmed.lines());
        }
      } else if (dice < 55) {
        String id = pick(random, ids);
        if (id != null) {
          inventory.release(id);
        }
      } else if (dice < 61) {
        String id = pick(random, ids);
        if (id != null) {
          inventory.extend(id, Duration.ofSeconds(5 + random.nextInt(120)));
        }
      } else if (dice < 71) {
        ReservationRequest request = randomRequest(random, id("p-" + thread + "-" + op), keys);
        Reservation order = inventory.purchase(request);
        sold.putIfAbsent(order.id(), order.lines());
        made.put(request.id(), request);
        ids.add(request.id());
      } else if (dice < 78) {
        StockKey k = keys.get(random.nextInt(keys.size()));
        long quantity = 1 + random.nextInt(15);
        inventory.receive(k, quantity, "fuzz");
        received.get(k).add(quantity);
      } else if (dice < 85) {
        StockKey k = keys.get(random.nextInt(keys.size()));
        long delta = random.nextBoolean() ? 1 + random.nextInt(8) : -(1 + random.nextInt(8));
        inventory.adjust(k, delta, "fuzz");
        adjusted.get(k).add(delta);
      } else if (dice < 90) {
        inventory.expireDue(1 + random.nextInt(5));
      } else if (dice < 95) {
        String id = pick(random, ids);
        if (id != null) {
          Reservation replay = inventory.reserve(made.get(id));
          assertThat(replay.id()).isEqualTo(id);
        }
      } else {
        clock.advance(Duration.ofSeconds(1 + random.nextInt(20)));
      }
    }

    private String pick(Random random, List<String> ids) {
      synchronized (ids) {
        return ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
      }
    }

    private ReservationRequest randomRequest(Random random, String id, List<StockKey> keys) {
      ReservationRequest.Builder builder =
          ReservationRequest.builder(id).ttl(Duration.ofSeconds(5 + random.nextInt(120)));
      int lines = 1 + random.nextInt(3);
      for (int i = 0; i < lines; i++) {
        builder.line(keys.get(random.nextInt(keys.size())), 1 + random.nextInt(5));
      }
      return builder.build();
    }
  }

  // =============================================================================================

  @Nested
  @DisplayName("listening: a listener is told each call's outcome, after it is written")
  class Listening {
    final RecordingListener recorder = new RecordingListener();
    Inventory listened;

    @BeforeEach
    void listen() {
      listened = createInventory(clock, recorder);
    }

    /** This test's events (they name its ids or keys), up to the one {@code last} matches. */
    List<InventoryEvent> toldUntil(Predicate<InventoryEvent> last) {
      return recorder.awaitUntil(event -> event.toString().contains(token), last);
    }

    /** Receives on a marker key and returns this test's events up to the marker's. */
    List<InventoryEvent> toldBeforeMarker() {
      StockKey marker = key("marker");
      listened.receive(marker, 1, null);
      List<InventoryEvent> told =
          toldUntil(e -> e instanceof StockReceived r && r.key().equals(marker));
      return told.subList(0, told.size() - 1);
    }

    List<String> types(List<InventoryEvent> events) {
      return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    @Test
    @DisplayName("reserve, confirm and release are told with the reservations they returned")
    void lifecycleIsTold() {
      StockKey k = key("k");
      StockLevel stocked = listened.receive(k, 10, "delivery");
      Reservation held = listened.reserve(cart(id("c1"), line(k, 2)));
      Reservation sold = listened.confirm(id("c1"));
      Reservation other = listened.reserve(cart(id("c2"), line(k, 1)));
      Reservation released = listened.release(id("c2"));

      List<InventoryEvent> told = toldUntil(e -> e instanceof Released);

      assertThat(types(told))
          .containsExactly("StockReceived", "Reserved", "Confirmed", "Reserved", "Released");
      assertThat(told.get(0))
          .isInstanceOfSatisfying(
              StockReceived.class,
              e -> {
                assertThat(e.key()).isEqualTo(k);
                assertThat(e.quantity()).isEqualTo(10);
                assertThat(e.level()).isEqualTo(stocked);
              });
      assertThat(((Reserved) told.get(1)).reservation()).isEqualTo(held);
      assertThat(((Confirmed) told.get(2)).reservation()).isEqualTo(sold);
      assertThat(((Reserved) told.get(3)).reservation()).isEqualTo(other);
      assertThat(((Released) told.get(4)).reservation()).isEqualTo(released);
      assertThat(told)
          .allSatisfy(
              e -> {
                Completed call = (Completed) e;
                assertThat(call.outcome()).isEqualTo(InventoryEvent.Outcome.SUCCESS);
                assertThat(call.committed()).as("committed").isTrue();
                assertThat(call.duration().isNegative()).isFalse();
              });
    }

    @Test
    @DisplayName("purchase, amend and extend are told with what they returned")
    void otherMovesAreTold() {
      StockKey k = key("k");
      StockKey k2 = key("k2");
      listened.receive(k, 10, null);
      listened.receive(k2, 10, null);
      Reservation bought = listened.purchase(cart(id("p"), line(k, 1)));
      listened.reserve(cart(id("c"), line(k, 1)));
      Reservation amended = listened.amend(id("c"), List.of(line(k, 2), line(k2, 3)));
      clock.advance(Duration.ofSeconds(5));
      Reservation extended = listened.extend(id("c"), Duration.ofMinutes(20));

      List<InventoryEvent> told = toldUntil(e -> e instanceof Extended);

      assertThat(types(told))
          .containsExactly(
              "StockReceived", "StockReceived", "Purchased", "Reserved", "Amended", "Extended");
      assertThat(((Purchased) told.get(2)).reservation()).isEqualTo(bought);
      assertThat(((Amended) told.get(4)).reservation()).isEqualTo(amended);
      assertThat(((Extended) told.get(5)).reservation()).isEqualTo(extended);
      assertThat(((Completed) told.get(2)).operation()).isEqualTo(Operation.PURCHASE);
    }

    @Test
    @DisplayName("receive, adjust and setOnHand are told with the level after them")
    void stockMovementsAreTold() {
      StockKey k = key("k");
      listened.receive(k, 10, null);
      StockLevel adjusted = listened.adjust(k, -3, "breakage");
      StockLevel counted = listened.setOnHand(k, 4, "stock-take");

      List<InventoryEvent> told = toldUntil(e -> e instanceof StockSet);

      assertThat(types(told)).containsExactly("StockReceived", "StockAdjusted", "StockSet");
      assertThat(told.get(1))
          .isEqualTo(
              new StockAdjusted(k, -3, adjusted, ((Completed) told.get(1)).duration(), true));
      assertThat(told.get(2))
          .isEqualTo(new StockSet(k, 4, counted, ((Completed) told.get(2)).duration(), true));
    }

    @Test
    @DisplayName("a short call is told as Refused with every shortage, and nothing as written")
    void refusalsAreTold() {
      StockKey k = key("k");
      listened.receive(k, 2, null);
      catchThrowable(() -> listened.reserve(cart(id("big"), line(k, 5))));
      catchThrowable(() -> listened.adjust(k, -3, null));

      List<InventoryEvent> told = toldBeforeMarker();

      assertThat(types(told)).containsExactly("StockReceived", "Refused", "Refused");
      Refused reserve = (Refused) told.get(1);
      assertThat(reserve.operation()).isEqualTo(Operation.RESERVE);
      assertThat(reserve.reservationId()).isEqualTo(id("big"));
      assertThat(reserve.shortages()).containsExactly(new Shortage(k, 5, 2));
      assertThat(reserve.committed()).isFalse();
      Refused adjust = (Refused) told.get(2);
      assertThat(adjust.operation()).isEqualTo(Operation.ADJUST);
      assertThat(adjust.reservationId()).isNull();
      assertThat(adjust.shortages()).containsExactly(new Shortage(k, 3, 2));
    }

    @Test
    @DisplayName("failures are told with their outcome: not found, final, expired, conflict")
    void failuresAreTold() {
      StockKey k = key("k");
      listened.receive(k, 10, null);
      catchThrowable(() -> listened.confirm(id("nobody")));
      listened.reserve(cart(id("c"), line(k, 1)));
      listened.confirm(id("c"));
      catchThrowable(() -> listened.release(id("c")));
      catchThrowable(() -> listened.reserve(cart(id("c"), line(k, 2))));
      listened.reserve(cart(id("late"), Duration.ofMinutes(1), line(k, 1)));
      clock.advance(Duration.ofMinutes(1));
      catchThrowable(() -> listened.confirm(id("late")));

      List<InventoryEvent> told = toldBeforeMarker();

      List<Failed> failed =
          told.stream().filter(Failed.class::isInstance).map(Failed.class::cast).toList();
      assertThat(failed)
          .extracting(Failed::operation, Failed::reservationId, Failed::outcome)
          .containsExactly(
              tuple(Operation.CONFIRM, id("nobody"), InventoryEvent.Outcome.NOT_FOUND),
              tuple(Operation.RELEASE, id("c"), InventoryEvent.Outcome.STATE),
              tuple(Operation.RESERVE, id("c"), InventoryEvent.Outcome.CONFLICT),
              tuple(Operation.CONFIRM, id("late"), InventoryEvent.Outcome.EXPIRED));
      assertThat(failed.get(0).failure()).isInstanceOf(ReservationNotFoundException.class);
      assertThat(failed).allSatisfy(f -> assertThat(f.committed()).isFalse());
    }

    @Test
    @DisplayName("expireDue is told as Expired by SWEEP with the count it returned")
    void sweepsAreTold() {
      StockKey k = key("k");
      listened.receive(k, 5, null);
      listened.reserve(cart(id("c"), Duration.ofMinutes(1), line(k, 2)));
      clock.advance(Duration.ofMinutes(1));

      int expired = listened.expireDue(1000);

      assertThat(expired).isPositive();
      List<InventoryEvent> sweeps =
          recorder.awaitUntil(
              e -> e instanceof Expired x && x.by() == Expired.By.SWEEP,
              e -> e instanceof Expired x && x.by() == Expired.By.SWEEP);
      Expired sweep = (Expired) sweeps.get(sweeps.size() - 1);
      assertThat(sweep.reservations()).isEqualTo(expired);
      assertThat(sweep.keys()).isEmpty();
      assertThat(sweep.committed()).isTrue();
    }

    @Test
    @DisplayName("a short reserve that expires due holds tells Expired LAZILY, then Reserved")
    void lazyExpiriesAreTold() {
      StockKey k = key("k");
      listened.receive(k, 1, null);
      listened.reserve(cart(id("abandoned"), Duration.ofMinutes(1), line(k, 1)));
      clock.advance(Duration.ofMinutes(1));
      Reservation next = listened.reserve(cart(id("next"), line(k, 1)));

      List<InventoryEvent> told =
          toldUntil(e -> e instanceof Reserved r && r.reservation().id().equals(id("next")));

      assertThat(types(told)).containsExactly("StockReceived", "Reserved", "Expired", "Reserved");
      Expired lazily = (Expired) told.get(2);
      assertThat(lazily.by()).isEqualTo(Expired.By.LAZILY);
      assertThat(lazily.reservations()).isEqualTo(1);
      assertThat(lazily.keys()).containsExactly(k);
      assertThat(((Reserved) told.get(3)).reservation()).isEqualTo(next);
    }

    @Test
    @DisplayName("invalid arguments are told nothing: the call never started")
    void invalidArgumentsAreNotTold() {
      catchThrowable(() -> listened.confirm(""));
      catchThrowable(() -> listened.receive(key("k"), 0, null));

      assertThat(toldBeforeMarker()).isEmpty();
    }

    @Test
    @DisplayName("a listener that throws fails no call, and is told the events after it")
    void throwingListenerFailsNothing() {
      RecordingListener after = new RecordingListener();
      InventoryListener throwing =
          new InventoryListener() {
            @Override
            public void onReserved(Reserved event) {
              throw new IllegalStateException("listener bug");
            }

            @Override
            public void onStockReceived(StockReceived event) {
              after.onEvent(event);
            }
          };
      Inventory failing = createInventory(clock, InventoryListener.composite(throwing, recorder));
      StockKey k = key("k");
      failing.receive(k, 3, null);

      Reservation held = failing.reserve(cart(id("c"), line(k, 1)));
      failing.receive(key("after"), 1, null);

      assertThat(held.status()).isEqualTo(Status.HELD);
      after.awaitUntil(e -> true, e -> e.toString().contains(key("after").sku()));
      assertThat(types(toldUntil(e -> e.toString().contains(key("after").sku()))))
          .containsExactly("StockReceived", "Reserved", "StockReceived");
    }

    @Test
    @Timeout(60)
    @DisplayName("a listener that blocks holds up no call")
    void blockedListenerHoldsUpNothing() throws InterruptedException {
      CountDownLatch unblock = new CountDownLatch(1);
      RecordingListener after = new RecordingListener();
      InventoryListener blocking =
          new InventoryListener() {
            @Override
            public void onEvent(InventoryEvent event) {
              try {
                unblock.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              after.onEvent(event);
            }
          };
      Inventory held = createInventory(clock, blocking);
      StockKey k = key("k");

      for (int i = 0; i < 20; i++) {
        held.receive(k, 1, null);
      }
      assertThat(held.level(k).onHand()).isEqualTo(20);

      unblock.countDown();
      List<InventoryEvent> told =
          after.awaitUntil(
              e -> e instanceof StockReceived,
              e -> e instanceof StockReceived r && r.level().onHand() == 20);
      assertThat(told).hasSize(20);
    }
  }

  // =============================================================================================
  // The catalog, and known-keys mode

  @Nested
  @DisplayName("catalog: locations and items, created, updated, deactivated, listed page by page")
  class CatalogEntries {
    Catalog catalog;

    /** This test's own tenant: a listing by tenant sees this test's items only. */
    String tenant;

    @BeforeEach
    void openCatalog() {
      catalog = createCataloged(clock, false).catalog();
      tenant = id("tenant");
    }

    /** An active item of this test's tenant, seller "s1", no per-buyer limit. */
    Item item(String name) {
      return Item.of(id(name), tenant, "s1", "Item " + name);
    }

    List<String> skus(List<Item> items) {
      return items.stream().map(Item::sku).toList();
    }

    /** Every page of a listing, the cursor of each page passed to the next. */
    List<Item> allPages(ItemQuery query) {
      List<Item> all = new ArrayList<>();
      String cursor = null;
      do {
        Page<Item> page = catalog.items(query, cursor);
        assertThat(page.entries().size()).isLessThanOrEqualTo(query.pageSize());
        all.addAll(page.entries());
        cursor = page.nextCursor();
      } while (cursor != null);
      return all;
    }

    @Test
    @DisplayName("a location is created, then found and got by its code")
    void createLocation() {
      Location hub = Location.of(id("hub"), "Hub 7, Bengaluru");

      assertThat(catalog.createLocation(hub)).isEqualTo(hub);
      assertThat(catalog.findLocation(hub.code())).contains(hub);
      assertThat(catalog.getLocation(hub.code())).isEqualTo(hub);
    }

    @Test
    @DisplayName("creating a location whose code is taken is refused, unless it is the same")
    void createLocationTwice() {
      Location hub = catalog.createLocation(Location.of(id("hub"), "first"));
      assertThat(catalog.createLocation(hub)).as("the same again: a safe retry").isEqualTo(hub);

      CatalogEntryExistsException e =
          thrown(
              CatalogEntryExistsException.class,
              () -> catalog.createLocation(Location.of(hub.code(), "second")));

      assertThat(e.kind()).isEqualTo(Catalog.EntryKind.LOCATION);
      assertThat(e.code()).isEqualTo(hub.code());
      assertThat(e).hasMessageContaining(hub.code());
      assertThat(catalog.getLocation(hub.code())).isEqualTo(hub);
    }

    @Test
    @DisplayName("a location not in the catalog: find is empty, get and every change are not found")
    void unknownLocation() {
      String code = id("nowhere");

      assertThat(catalog.findLocation(code)).isEmpty();
      for (ThrowingCallable call :
          List.<ThrowingCallable>of(
              () -> catalog.getLocation(code),
              () -> catalog.updateLocation(Location.of(code, "x")),
              () -> catalog.deactivateLocation(code))) {
        CatalogEntryNotFoundException e = thrown(CatalogEntryNotFoundException.class, call);
        assertThat(e.kind()).isEqualTo(Catalog.EntryKind.LOCATION);
        assertThat(e.code()).isEqualTo(code);
      }
      assertThat(catalog.findLocation(code)).isEmpty();
    }

    @Test
    @DisplayName(
        "updating a location replaces its name and active flag; deactivating is idempotent")
    void updateAndDeactivateLocation() {
      Location hub = catalog.createLocation(Location.of(id("hub"), "Hub"));

      Location renamed = catalog.updateLocation(hub.withName("Hub, new address"));
      assertThat(renamed).isEqualTo(new Location(hub.code(), "Hub, new address", true));

      Location off = catalog.deactivateLocation(hub.code());
      assertThat(off).isEqualTo(renamed.withActive(false));
      assertThat(catalog.deactivateLocation(hub.code())).isEqualTo(off);
      assertThat(catalog.getLocation(hub.code())).isEqualTo(off);

      assertThat(catalog.updateLocation(off.withActive(true))).isEqualTo(renamed);
      assertThat(catalog.getLocation(hub.code())).isEqualTo(renamed);
    }

    @Test
    @DisplayName("an item is created with its tenant, seller, name and per-buyer limit")
    void createItem() {
      Item limited = new Item(id("mug"), tenant, "s1", "Blue mug", true, 2L);
      Item plain = item("plate");

      assertThat(catalog.createItem(limited)).isEqualTo(limited);
      assertThat(catalog.createItem(plain)).isEqualTo(plain);

      assertThat(catalog.getItem(limited.sku())).isEqualTo(limited);
      assertThat(catalog.findItem(plain.sku())).contains(plain);
      assertThat(catalog.getItem(plain.sku()).perBuyerLimit()).isNull();
    }

    @Test
    @DisplayName("creating an item whose SKU is taken is refused, unless it is the same")
    void createItemTwice() {
      Item mug = catalog.createItem(item("mug"));
      assertThat(catalog.createItem(mug)).as("the same again: a safe retry").isEqualTo(mug);

      CatalogEntryExistsException e =
          thrown(CatalogEntryExistsException.class, () -> catalog.createItem(mug.withName("two")));

      assertThat(e.kind()).isEqualTo(Catalog.EntryKind.ITEM);
      assertThat(e.code()).isEqualTo(mug.sku());
      assertThat(catalog.getItem(mug.sku())).isEqualTo(mug);
    }

    @Test
    @DisplayName("an item not in the catalog: find is empty, get and every change are not found")
    void unknownItem() {
      Item ghost = item("ghost");

      assertThat(catalog.findItem(ghost.sku())).isEmpty();
      for (ThrowingCallable call :
          List.<ThrowingCallable>of(
              () -> catalog.getItem(ghost.sku()),
              () -> catalog.updateItem(ghost),
              () -> catalog.deactivateItem(ghost.sku()))) {
        CatalogEntryNotFoundException e = thrown(CatalogEntryNotFoundException.class, call);
        assertThat(e.kind()).isEqualTo(Catalog.EntryKind.ITEM);
        assertThat(e.code()).isEqualTo(ghost.sku());
      }
      assertThat(catalog.findItem(ghost.sku())).isEmpty();
    }

    @Test
    @DisplayName("updating an item replaces every value but its SKU; deactivating keeps the rest")
    void updateAndDeactivateItem() {
      Item mug = catalog.createItem(new Item(id("mug"), tenant, "s1", "Mug", true, 5L));

      Item changed = new Item(mug.sku(), id("other-tenant"), "s2", "Big mug", true, null);
      assertThat(catalog.updateItem(changed)).isEqualTo(changed);
      assertThat(catalog.getItem(mug.sku())).isEqualTo(changed);

      Item off = catalog.deactivateItem(mug.sku());
      assertThat(off).isEqualTo(changed.withActive(false));
      assertThat(catalog.deactivateItem(mug.sku())).isEqualTo(off);
      assertThat(catalog.getItem(mug.sku())).isEqualTo(off);
    }

    @Test
    @DisplayName("items are listed by tenant, seller, SKU codes and active, in SKU order")
    void filters() {
      Item a = catalog.createItem(item("a"));
      Item b = catalog.createItem(item("b").withSeller("s2"));
      Item c = catalog.createItem(item("c").withActive(false));
      Item d = catalog.createItem(item("d").withSeller("s2").withActive(false));
      catalog.createItem(Item.of(id("elsewhere"), id("other-tenant"), "s1", "not ours"));
      ItemQuery ours = ItemQuery.all().withTenant(tenant);

      assertThat(catalog.items(ours, null).entries()).containsExactly(a, b, c, d);
      assertThat(catalog.items(ours, null).hasNext()).isFalse();
      assertThat(catalog.items(ours.withSeller("s2"), null).entries()).containsExactly(b, d);
      assertThat(catalog.items(ours.withActive(true), null).entries()).containsExactly(a, b);
      assertThat(catalog.items(ours.withActive(false), null).entries()).containsExactly(c, d);
      assertThat(catalog.items(ours.withSeller("s1").withActive(false), null).entries())
          .containsExactly(c);
      assertThat(
              catalog
                  .items(ItemQuery.all().withSkus(List.of(d.sku(), a.sku(), id("none"))), null)
                  .entries())
          .containsExactly(a, d);
      assertThat(catalog.items(ours.withSkus(List.of(id("elsewhere"))), null).entries()).isEmpty();
      assertThat(catalog.items(ItemQuery.all().withTenant(id("no-such-tenant")), null).entries())
          .isEmpty();
    }

    @Test
    @DisplayName("a listing is paged by position: each item once, in order, whatever is added")
    void keysetPaging() {
      for (String name : List.of("b", "d", "f", "h", "j")) {
        catalog.createItem(item(name));
      }
      ItemQuery query = ItemQuery.all().withTenant(tenant).withPageSize(2);

      Page<Item> first = catalog.items(query, null);
      assertThat(skus(first.entries())).containsExactly(id("b"), id("d"));
      assertThat(first.hasNext()).isTrue();

      // Written between two pages: one before the cursor (never seen), one after it (seen).
      catalog.createItem(item("a"));
      catalog.createItem(item("e"));

      List<String> rest = new ArrayList<>();
      String cursor = first.nextCursor();
      while (cursor != null) {
        Page<Item> page = catalog.items(query, cursor);
        assertThat(page.entries()).hasSizeLessThanOrEqualTo(2);
        rest.addAll(skus(page.entries()));
        cursor = page.nextCursor();
      }
      assertThat(rest).containsExactly(id("e"), id("f"), id("h"), id("j"));
      assertThat(skus(allPages(query.withPageSize(3))))
          .containsExactly(id("a"), id("b"), id("d"), id("e"), id("f"), id("h"), id("j"));
    }

    @Test
    @DisplayName("a page that ends exactly at the last item has no next cursor")
    void lastPageExactly() {
      catalog.createItem(item("a"));
      catalog.createItem(item("b"));

      Page<Item> page = catalog.items(ItemQuery.all().withTenant(tenant).withPageSize(2), null);

      assertThat(page.entries()).hasSize(2);
      assertThat(page.nextCursor()).isNull();
    }

    @Test
    @DisplayName("a cursor is only good for the filters it was made for")
    void cursorOfOtherFilters() {
      catalog.createItem(item("a"));
      catalog.createItem(item("b"));
      ItemQuery query = ItemQuery.all().withTenant(tenant).withPageSize(1);
      String cursor = catalog.items(query, null).nextCursor();
      assertThat(cursor).isNotNull();

      assertThat(catalog.items(query.withPageSize(5), cursor).entries())
          .extracting(Item::sku)
          .containsExactly(id("b"));
      assertThat(catchThrowable(() -> catalog.items(query.withSeller("s1"), cursor)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cursor");
      assertThat(catchThrowable(() -> catalog.locations(LocationQuery.all(), cursor)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(catchThrowable(() -> catalog.items(query, "not-a-cursor")))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("locations are listed by codes and active, in code order, page by page")
    void listLocations() {
      List<Location> hubs = new ArrayList<>();
      for (String name : List.of("h1", "h2", "h3", "h4", "h5")) {
        hubs.add(catalog.createLocation(Location.of(id(name), "Hub " + name)));
      }
      catalog.deactivateLocation(id("h2"));
      LocationQuery ours =
          LocationQuery.all().withCodes(hubs.stream().map(Location::code).toList());

      List<String> paged = new ArrayList<>();
      String cursor = null;
      do {
        Page<Location> page = catalog.locations(ours.withPageSize(2), cursor);
        page.entries().forEach(l -> paged.add(l.code()));
        cursor = page.nextCursor();
      } while (cursor != null);

      assertThat(paged).containsExactly(id("h1"), id("h2"), id("h3"), id("h4"), id("h5"));
      assertThat(catalog.locations(ours.withActive(false), null).entries())
          .containsExactly(hubs.get(1).withActive(false));
      assertThat(catalog.locations(ours.withActive(true), null).entries())
          .extracting(Location::code)
          .containsExactly(id("h1"), id("h3"), id("h4"), id("h5"));
    }

    @Test
    @DisplayName("upsertItems creates, updates and leaves alone in one call, counting each")
    void upsert() {
      Item same = catalog.createItem(item("same"));
      Item changing = catalog.createItem(item("changing"));

      UpsertResult result =
          catalog.upsertItems(
              List.of(
                  item("new-1"),
                  same,
                  changing.withPerBuyerLimit(3L).withActive(false),
                  item("new-2")));

      assertThat(result).isEqualTo(new UpsertResult(2, 1, 1));
      assertThat(result.total()).isEqualTo(4);
      assertThat(allPages(ItemQuery.all().withTenant(tenant)))
          .containsExactly(
              changing.withPerBuyerLimit(3L).withActive(false), item("new-1"), item("new-2"), same);
    }

    @Test
    @DisplayName("upsertItems refuses a SKU twice, naming it, before writing anything")
    void upsertRefusesDuplicates() {
      List<Item> file = List.of(item("a"), item("b"), item("a").withName("again"));

      assertThat(catchThrowable(() -> catalog.upsertItems(file)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(id("a"))
          .hasMessageContaining("twice");
      assertThat(catalog.items(ItemQuery.all().withTenant(tenant), null).entries()).isEmpty();
      assertThat(catalog.upsertItems(List.of())).isEqualTo(new UpsertResult(0, 0, 0));
    }

    @Test
    @DisplayName("without known-keys mode the catalog only informs: any key is served")
    void informationOnly() {
      Cataloged plain = createCataloged(clock, false);
      StockKey outside = key("outside");
      StockKey retired = key("retired");
      plain.catalog().createItem(Item.of(retired.sku(), tenant, "s1", "Retired"));
      plain.catalog().deactivateItem(retired.sku());

      plain.inventory().receive(outside, 3, null);
      plain.inventory().receive(retired, 3, null);
      plain.inventory().reserve(cart(id("c"), line(outside, 1), line(retired, 1)));

      assertThat(plain.inventory().level(outside)).isEqualTo(new StockLevel(outside, 3, 1));
      assertThat(plain.inventory().level(retired)).isEqualTo(new StockLevel(retired, 3, 1));
    }
  }

  @Nested
  @DisplayName("known-keys mode: a key the catalog does not know, or has deactivated, is refused")
  class KnownKeys {
    Inventory known;
    Catalog catalog;
    Function<Collection<StockKey>, List<LogEntry>> log;

    /** This test's location, in the catalog and active. */
    String hub;

    @BeforeEach
    void openKnown() {
      Cataloged cataloged = createCataloged(clock, true);
      known = cataloged.inventory();
      catalog = cataloged.catalog();
      log = cataloged.log();
      hub = catalog.createLocation(Location.of(id("hub"), "Hub")).code();
    }

    /** A key at this test's hub whose SKU is in the catalog (active). */
    StockKey item(String name) {
      catalog.createItem(Item.of(id(name), id("tenant"), "s1", "Item " + name));
      return new StockKey(id(name), hub);
    }

    /** A key at this test's hub whose SKU the catalog has never heard of. */
    StockKey stranger(String name) {
      return new StockKey(id(name), hub);
    }

    Snapshot state(StockKey... keys) {
      return new Snapshot(new TreeMap<>(known.levels(List.of(keys))), log.apply(List.of(keys)));
    }

    UnknownKeysException refused(ThrowingCallable call) {
      return thrown(UnknownKeysException.class, call);
    }

    @Test
    @DisplayName("a reserve of a SKU the catalog does not know names it, and holds nothing")
    void unknownSku() {
      StockKey ghost = stranger("ghost");

      UnknownKeysException e = refused(() -> known.reserve(cart(id("c"), line(ghost, 1))));

      assertThat(e.keys()).containsExactly(ghost);
      assertThat(e.unknownSkus()).containsExactly(ghost.sku());
      assertThat(e.unknownLocations()).isEmpty();
      assertThat(e).hasMessageContaining(ghost.toString());
      assertThat(known.findReservation(id("c"))).isEmpty();
      assertThat(log.apply(List.of(ghost))).isEmpty();
    }

    @Test
    @DisplayName("a location the catalog does not know is named as the cause")
    void unknownLocation() {
      StockKey mug = item("mug");
      StockKey elsewhere = new StockKey(mug.sku(), id("nowhere"));

      UnknownKeysException e = refused(() -> known.reserve(cart(id("c"), line(elsewhere, 1))));

      assertThat(e.keys()).containsExactly(elsewhere);
      assertThat(e.unknownSkus()).isEmpty();
      assertThat(e.unknownLocations()).containsExactly(elsewhere.location());
    }

    @Test
    @DisplayName("a cart names every unknown key, in key order, and holds none of its lines")
    void cartNamesEveryUnknownKey() {
      StockKey mug = item("mug");
      known.receive(mug, 5, null);
      StockKey ghost = stranger("ghost");
      StockKey astray = new StockKey(mug.sku(), id("nowhere"));
      StockKey both = new StockKey(id("zz-ghost"), id("nowhere"));
      Snapshot before = state(mug, ghost, astray, both);

      UnknownKeysException e =
          refused(
              () ->
                  known.reserve(
                      cart(id("c"), line(both, 1), line(mug, 2), line(ghost, 1), line(astray, 1))));

      assertThat(e.keys()).containsExactly(ghost, astray, both).isSorted();
      assertThat(e.unknownSkus()).containsExactly(ghost.sku(), both.sku());
      assertThat(e.unknownLocations()).containsExactly(id("nowhere"));
      assertThat(state(mug, ghost, astray, both)).isEqualTo(before);
      assertThat(known.findReservation(id("c"))).isEmpty();
    }

    @Test
    @DisplayName("an unknown key is refused as unknown, even beside a key that is short")
    void unknownBeforeShort() {
      StockKey mug = item("mug");
      known.receive(mug, 1, null);
      StockKey ghost = stranger("ghost");

      UnknownKeysException e =
          refused(() -> known.reserve(cart(id("c"), line(mug, 5), line(ghost, 1))));

      assertThat(e.keys()).containsExactly(ghost);
    }

    @Test
    @DisplayName("a known key without stock is short, as without the mode")
    void knownButNeverStocked() {
      StockKey mug = item("mug");

      InsufficientStockException e =
          thrown(
              InsufficientStockException.class, () -> known.reserve(cart(id("c"), line(mug, 1))));

      assertThat(e.shortages()).containsExactly(new Shortage(mug, 1, 0));
    }

    @Test
    @DisplayName(
        "purchase, receive, adjust and setOnHand of an unknown key are refused; it reads 0")
    void stockCallsOfUnknownKeys() {
      StockKey ghost = stranger("ghost");

      for (ThrowingCallable call :
          List.<ThrowingCallable>of(
              () -> known.purchase(cart(id("p"), line(ghost, 1))),
              () -> known.receive(ghost, 5, "delivery"),
              () -> known.adjust(ghost, 2, null),
              () -> known.adjust(ghost, -2, null),
              () -> known.setOnHand(ghost, 7, "count"),
              () -> known.setOnHand(ghost, 0, "count"))) {
        UnknownKeysException e = refused(call);
        assertThat(e.keys()).containsExactly(ghost);
        assertThat(e.unknownSkus()).containsExactly(ghost.sku());
      }
      assertThat(known.level(ghost)).isEqualTo(StockLevel.empty(ghost));
      assertThat(log.apply(List.of(ghost))).isEmpty();
      assertThat(known.findReservation(id("p"))).isEmpty();
    }

    @Test
    @DisplayName("known keys are served as without the mode, with the same log")
    void knownKeysAreServed() {
      StockKey mug = item("mug");
      StockKey plate = item("plate");

      known.receive(mug, 10, "delivery");
      known.setOnHand(plate, 4, "count");
      known.adjust(mug, -1, "broken");
      known.reserve(cart(id("c1"), line(mug, 2), line(plate, 1)));
      known.purchase(cart(id("p1"), line(mug, 1)));
      known.confirm(id("c1"));

      assertThat(known.level(mug)).isEqualTo(new StockLevel(mug, 6, 0));
      assertThat(known.level(plate)).isEqualTo(new StockLevel(plate, 3, 0));
      assertThat(kinds(log.apply(List.of(mug))))
          .containsExactly(Kind.RECEIVE, Kind.ADJUST, Kind.RESERVE, Kind.CONFIRM, Kind.CONFIRM);
    }

    @Test
    @DisplayName("a deactivated item's stock is refused for every change, and served once back")
    void deactivatedItem() {
      StockKey mug = item("mug");
      known.receive(mug, 10, null);
      Snapshot before = state(mug);

      catalog.deactivateItem(mug.sku());

      assertThat(state(mug)).as("deactivating writes no stock and no log").isEqualTo(before);
      for (ThrowingCallable call :
          List.<ThrowingCallable>of(
              () -> known.reserve(cart(id("c"), line(mug, 1))),
              () -> known.purchase(cart(id("p"), line(mug, 1))),
              () -> known.receive(mug, 1, null),
              () -> known.adjust(mug, 1, null),
              () -> known.adjust(mug, -1, null),
              () -> known.setOnHand(mug, 3, null),
              () -> known.setOnHand(mug, 10, null))) {
        assertThat(refused(call).unknownSkus()).containsExactly(mug.sku());
      }
      assertThat(state(mug)).isEqualTo(before);

      catalog.updateItem(catalog.getItem(mug.sku()).withActive(true));
      known.reserve(cart(id("c"), line(mug, 1)));
      assertThat(known.level(mug)).isEqualTo(new StockLevel(mug, 10, 1));
    }

    @Test
    @DisplayName("a deactivated location's stock is refused, every SKU kept there")
    void deactivatedLocation() {
      StockKey mug = item("mug");
      StockKey plate = item("plate");
      known.receive(mug, 5, null);
      known.receive(plate, 5, null);

      catalog.deactivateLocation(hub);

      UnknownKeysException e =
          refused(() -> known.reserve(cart(id("c"), line(mug, 1), line(plate, 1))));
      assertThat(e.keys()).containsExactly(mug, plate);
      assertThat(e.unknownLocations()).containsExactly(hub);
      assertThat(e.unknownSkus()).isEmpty();
      assertThat(refused(() -> known.receive(plate, 1, null)).unknownLocations())
          .containsExactly(hub);
    }

    @Test
    @DisplayName("holds on a deactivated item can still be confirmed, released, extended, expired")
    void holdsOutliveDeactivation() {
      StockKey mug = item("mug");
      known.receive(mug, 10, null);
      known.reserve(cart(id("sold"), line(mug, 2)));
      known.reserve(cart(id("freed"), line(mug, 3)));
      known.reserve(cart(id("kept"), Duration.ofSeconds(30), line(mug, 1)));

      catalog.deactivateItem(mug.sku());

      assertThat(known.confirm(id("sold")).status()).isEqualTo(Status.CONFIRMED);
      assertThat(known.release(id("freed")).status()).isEqualTo(Status.RELEASED);
      assertThat(known.extend(id("kept"), Duration.ofSeconds(10)).status()).isEqualTo(Status.HELD);
      clock.advance(Duration.ofSeconds(10));
      expireAllDueOf(known);
      assertThat(known.findReservation(id("kept")).orElseThrow().status())
          .isEqualTo(Status.EXPIRED);
      assertThat(known.level(mug)).isEqualTo(new StockLevel(mug, 8, 0));
    }

    @Test
    @DisplayName("amend may shrink a deactivated item's line, but not grow it or add unknown keys")
    void amendGrowthIsChecked() {
      StockKey mug = item("mug");
      StockKey plate = item("plate");
      known.receive(mug, 10, null);
      known.receive(plate, 10, null);
      known.reserve(cart(id("c"), line(mug, 3), line(plate, 1)));
      catalog.deactivateItem(mug.sku());
      StockKey ghost = stranger("ghost");

      assertThat(refused(() -> known.amend(id("c"), List.of(line(mug, 4), line(plate, 1)))).keys())
          .containsExactly(mug);
      assertThat(
              refused(
                      () ->
                          known.amend(
                              id("c"), List.of(line(mug, 3), line(plate, 1), line(ghost, 1))))
                  .keys())
          .containsExactly(ghost);

      Reservation amended = known.amend(id("c"), List.of(line(mug, 1), line(plate, 2)));
      assertThat(amended.lines()).containsExactly(line(mug, 1), line(plate, 2));
      assertThat(known.level(mug)).isEqualTo(new StockLevel(mug, 10, 1));
      assertThat(known.level(plate)).isEqualTo(new StockLevel(plate, 10, 2));
    }

    @Test
    @DisplayName("a replay is answered from the reservation, even once its item is deactivated")
    void replayAfterDeactivation() {
      StockKey mug = item("mug");
      known.receive(mug, 10, null);
      Reservation held = known.reserve(cart(id("c"), line(mug, 2)));

      catalog.deactivateItem(mug.sku());

      assertThat(known.reserve(cart(id("c"), line(mug, 2)))).isEqualTo(held);
    }

    @Test
    @DisplayName("racing reserves of an unknown key are each refused as unknown")
    void racingUnknownReserves() throws InterruptedException {
      StockKey ghost = stranger("ghost");

      List<Outcome<Reservation>> outcomes =
          race(16, 32, i -> () -> known.reserve(cart(id("c" + i), line(ghost, 1))));

      assertThat(outcomes)
          .allSatisfy(o -> assertThat(o.error()).isInstanceOf(UnknownKeysException.class));
      assertThat(log.apply(List.of(ghost))).isEmpty();
    }

    @Test
    @DisplayName("racing reserves over several keys: the deactivated key's refused, the rest held")
    void racingOverSeveralKeys() throws InterruptedException {
      List<StockKey> keys = List.of(item("a"), item("b"), item("c"), item("d"));
      for (StockKey k : keys) {
        known.receive(k, 100, null);
      }
      StockKey retired = keys.get(3);
      catalog.deactivateItem(retired.sku());

      List<Outcome<Reservation>> outcomes =
          race(16, 48, i -> () -> known.reserve(cart(id("c" + i), line(keys.get(i % 4), 1))));

      for (int i = 0; i < outcomes.size(); i++) {
        if (i % 4 == 3) {
          assertThat(outcomes.get(i).error()).isInstanceOf(UnknownKeysException.class);
        } else {
          assertThat(outcomes.get(i).succeeded()).as("outcome %s", outcomes.get(i)).isTrue();
        }
      }
      for (StockKey k : keys.subList(0, 3)) {
        assertThat(known.level(k)).isEqualTo(new StockLevel(k, 100, 12));
      }
      assertThat(known.level(retired)).isEqualTo(new StockLevel(retired, 100, 0));
    }
  }

  // =============================================================================================

  @Nested
  @DisplayName("buyers and unit prices: stored with the reservation, listed per buyer")
  class BuyersAndPrices {
    private final Price eur = Price.of(1999, "EUR");
    private final Price usd = Price.of(2500, "USD");

    private ReservationRequest bought(String id, String buyer, Line... lines) {
      return ReservationRequest.builder(id).lines(List.of(lines)).ttl(TTL).buyer(buyer).build();
    }

    @Test
    @DisplayName("a one-line reserve keeps its buyer and its unit price, as findReservation reads")
    void oneLineKeepsBuyerAndPrice() {
      StockKey k = key("k");
      stock(k, 5);
      ReservationRequest request = bought(id("r"), "buyer-1", new Line(k, 2, eur));

      Reservation reserved = inventory.reserve(request);

      assertThat(reserved.buyer()).isEqualTo("buyer-1");
      assertThat(reserved.lines()).containsExactly(new Line(k, 2, eur));
      assertThat(inventory.findReservation(id("r"))).contains(reserved);
    }

    @Test
    @DisplayName("a cart keeps its buyer and each line's price (a line may have none)")
    void cartKeepsBuyerAndPrices() {
      StockKey a = key("a");
      StockKey b = key("b");
      StockKey c = key("c");
      stock(a, 5);
      stock(b, 5);
      stock(c, 5);
      ReservationRequest request =
          bought(id("r"), "buyer-1", new Line(a, 1, eur), new Line(b, 2, usd), line(c, 3));

      Reservation reserved = inventory.reserve(request);

      assertThat(reserved.lines())
          .containsExactly(new Line(a, 1, eur), new Line(b, 2, usd), new Line(c, 3));
      assertThat(inventory.findReservation(id("r")).orElseThrow()).isEqualTo(reserved);
    }

    @Test
    @DisplayName("confirm and release return the buyer and the prices they moved")
    void movesReturnBuyerAndPrices() {
      StockKey k = key("k");
      stock(k, 5);
      inventory.reserve(bought(id("sold"), "buyer-1", new Line(k, 1, eur)));
      inventory.reserve(bought(id("freed"), "buyer-2", new Line(k, 1, usd)));

      Reservation confirmed = inventory.confirm(id("sold"));
      Reservation released = inventory.release(id("freed"));

      assertThat(confirmed.buyer()).isEqualTo("buyer-1");
      assertThat(confirmed.lines()).containsExactly(new Line(k, 1, eur));
      assertThat(released.buyer()).isEqualTo("buyer-2");
      assertThat(released.lines()).containsExactly(new Line(k, 1, usd));
      assertThat(inventory.findReservation(id("sold")).orElseThrow()).isEqualTo(confirmed);
    }

    @Test
    @DisplayName("a purchase keeps its buyer and prices")
    void purchaseKeepsBuyerAndPrices() {
      StockKey k = key("k");
      stock(k, 5);

      Reservation sold = inventory.purchase(bought(id("p"), "buyer-1", new Line(k, 2, eur)));

      assertThat(sold.status()).isEqualTo(Status.CONFIRMED);
      assertThat(sold.buyer()).isEqualTo("buyer-1");
      assertThat(inventory.findReservation(id("p")).orElseThrow().lines())
          .containsExactly(new Line(k, 2, eur));
    }

    @Test
    @DisplayName("extend and amend keep the buyer; amend stores the new lines' prices")
    void amendStoresNewPrices() {
      StockKey a = key("a");
      StockKey b = key("b");
      stock(a, 5);
      stock(b, 5);
      inventory.reserve(bought(id("r"), "buyer-1", new Line(a, 1, eur)));

      Reservation repriced = inventory.amend(id("r"), List.of(new Line(a, 1, usd)));
      Reservation grown = inventory.amend(id("r"), List.of(new Line(a, 2, usd), line(b, 1)));
      Reservation extended = inventory.extend(id("r"), Duration.ofMinutes(30));

      assertThat(repriced.lines()).containsExactly(new Line(a, 1, usd));
      assertThat(grown.lines()).containsExactly(new Line(a, 2, usd), new Line(b, 1));
      assertThat(extended.buyer()).isEqualTo("buyer-1");
      assertThat(inventory.findReservation(id("r")).orElseThrow().lines())
          .containsExactly(new Line(a, 2, usd), new Line(b, 1));
      assertThat(grown.buyer()).isEqualTo("buyer-1");
    }

    @Test
    @DisplayName("a reservation without a buyer has none, and its lines no price")
    void withoutBuyerNorPrice() {
      StockKey k = key("k");
      stock(k, 5);

      Reservation reserved = inventory.reserve(cart(id("r"), line(k, 1)));

      assertThat(reserved.buyer()).isNull();
      assertThat(inventory.findReservation(id("r")).orElseThrow().buyer()).isNull();
      assertThat(inventory.findReservation(id("r")).orElseThrow().lines().get(0).unitPrice())
          .isNull();
    }

    @Test
    @DisplayName("a replay with the same buyer and prices returns the reservation")
    void replayWithSameBuyerAndPrices() {
      StockKey k = key("k");
      stock(k, 5);
      Reservation first = inventory.reserve(bought(id("r"), "buyer-1", new Line(k, 2, eur)));

      Reservation again = inventory.reserve(bought(id("r"), "buyer-1", new Line(k, 2, eur)));

      assertThat(again).isEqualTo(first);
      assertThat(level(k).reserved()).isEqualTo(2);
    }

    @Test
    @DisplayName(
        "the same id for another buyer, or without one, is an IdempotencyConflictException")
    void replayWithOtherBuyerConflicts() {
      StockKey k = key("k");
      stock(k, 5);
      inventory.reserve(bought(id("r"), "buyer-1", line(k, 2)));

      IdempotencyConflictException other =
          thrown(
              IdempotencyConflictException.class,
              () -> inventory.reserve(bought(id("r"), "buyer-2", line(k, 2))));
      IdempotencyConflictException none =
          thrown(
              IdempotencyConflictException.class,
              () -> inventory.reserve(cart(id("r"), line(k, 2))));

      assertThat(other.existingBuyer()).isEqualTo("buyer-1");
      assertThat(other.requestedBuyer()).isEqualTo("buyer-2");
      assertThat(other).hasMessageContaining("buyer-2");
      assertThat(none.requestedBuyer()).isNull();
      assertThat(level(k).reserved()).isEqualTo(2);
    }

    @Test
    @DisplayName(
        "the same id at another unit price, or without one, is an IdempotencyConflictException")
    void replayWithOtherPriceConflicts() {
      StockKey k = key("k");
      stock(k, 5);
      inventory.purchase(bought(id("r"), "buyer-1", new Line(k, 2, eur)));

      thrown(
          IdempotencyConflictException.class,
          () -> inventory.purchase(bought(id("r"), "buyer-1", new Line(k, 2, usd))));
      thrown(
          IdempotencyConflictException.class,
          () -> inventory.purchase(bought(id("r"), "buyer-1", line(k, 2))));

      assertThat(level(k).onHand()).isEqualTo(3);
    }

    @Test
    @DisplayName("findReservations lists one buyer's reservations newest first, page by page")
    void findReservationsPagesNewestFirst() {
      StockKey k = key("k");
      stock(k, 100);
      String buyer = id("buyer");
      List<String> made = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String rid = id("r" + i);
        inventory.reserve(bought(rid, buyer, line(k, 1)));
        made.add(rid);
        if (i % 2 == 0) {
          clock.advance(Duration.ofSeconds(1)); // some share an instant: ordered by id then
        }
      }
      inventory.reserve(bought(id("other"), id("someone-else"), line(k, 1)));
      inventory.reserve(cart(id("nobody"), line(k, 1)));

      List<String> listed = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        ReservationPage page = inventory.findReservations(buyer, 3, cursor);
        page.reservations().forEach(r -> listed.add(r.id()));
        assertThat(page.reservations()).allMatch(r -> buyer.equals(r.buyer()));
        cursor = page.nextCursor();
        pages++;
      } while (cursor != null);

      List<String> expected = new ArrayList<>(made);
      expected.sort(
          Comparator.comparing(
                  (String rid) -> inventory.findReservation(rid).orElseThrow().createdAt())
              .thenComparing(rid -> rid)
              .reversed());
      assertThat(listed).containsExactlyElementsOf(expected);
      assertThat(pages).isEqualTo(3);
    }

    @Test
    @DisplayName("findReservations shows each reservation as it is now: a due hold as EXPIRED")
    void findReservationsShowsStatusNow() {
      StockKey k = key("k");
      stock(k, 5);
      String buyer = id("buyer");
      inventory.reserve(
          ReservationRequest.builder(id("short"))
              .line(k, 1)
              .ttl(Duration.ofSeconds(5))
              .buyer(buyer)
              .build());
      clock.advance(Duration.ofSeconds(1));
      inventory.purchase(bought(id("sold"), buyer, new Line(k, 1, eur)));
      clock.advance(Duration.ofSeconds(10));

      ReservationPage page = inventory.findReservations(buyer, 10, null);

      assertThat(page.reservations())
          .extracting(Reservation::id, Reservation::status)
          .containsExactly(tuple(id("sold"), Status.CONFIRMED), tuple(id("short"), Status.EXPIRED));
      assertThat(page.nextCursor()).isNull();
      assertThat(page.reservations().get(0).lines()).containsExactly(new Line(k, 1, eur));
    }

    @Test
    @DisplayName("a buyer without reservations has an empty last page")
    void findReservationsOfNobody() {
      ReservationPage page = inventory.findReservations(id("nobody"), 5, null);

      assertThat(page.reservations()).isEmpty();
      assertThat(page.hasNext()).isFalse();
    }

    @Test
    @DisplayName("findReservations refuses another buyer's cursor, a bad page size and a bad buyer")
    void findReservationsRefusesBadArguments() {
      StockKey k = key("k");
      stock(k, 5);
      inventory.reserve(bought(id("a1"), id("a"), line(k, 1)));
      inventory.reserve(bought(id("a2"), id("a"), line(k, 1)));
      String cursorOfA = inventory.findReservations(id("a"), 1, null).nextCursor();
      assertThat(cursorOfA).isNotNull();

      thrown(
          IllegalArgumentException.class, () -> inventory.findReservations(id("b"), 1, cursorOfA));
      thrown(IllegalArgumentException.class, () -> inventory.findReservations(id("a"), 0, null));
      thrown(
          IllegalArgumentException.class,
          () -> inventory.findReservations(id("a"), Inventory.MAX_PAGE_SIZE + 1, null));
      thrown(IllegalArgumentException.class, () -> inventory.findReservations(" ", 1, null));
      thrown(NullPointerException.class, () -> inventory.findReservations(null, 1, null));
      thrown(IllegalArgumentException.class, () -> inventory.findReservations(id("a"), 1, "junk"));
    }

    @Test
    @DisplayName("concurrent one-line requests of many buyers each keep their own buyer and price")
    void concurrentRequestsKeepTheirBuyers() throws InterruptedException {
      StockKey k = key("k");
      stock(k, 64);

      List<Outcome<Reservation>> outcomes =
          race(
              16,
              64,
              i ->
                  () ->
                      inventory.reserve(
                          bought(
                              id("r" + i),
                              "buyer-" + (i % 8),
                              new Line(k, 1, Price.of(100 + i, "EUR")))));

      for (int i = 0; i < outcomes.size(); i++) {
        assertThat(outcomes.get(i).succeeded()).as("outcome %s", outcomes.get(i)).isTrue();
        Reservation stored = inventory.findReservation(id("r" + i)).orElseThrow();
        assertThat(stored.buyer()).isEqualTo("buyer-" + (i % 8));
        assertThat(stored.lines()).containsExactly(new Line(k, 1, Price.of(100 + i, "EUR")));
      }
    }
  }

  // =============================================================================================

  @Nested
  @DisplayName(
      "per-buyer limits: held plus bought units of a buyer on an item never pass its limit")
  class BuyerLimits {
    private Inventory store;
    private Catalog catalog;
    private Function<Collection<StockKey>, List<LogEntry>> log;

    @BeforeEach
    void setUpStore() {
      Cataloged cataloged = createCataloged(clock, false);
      store = cataloged.inventory();
      catalog = cataloged.catalog();
      log = cataloged.log();
    }

    /** An item with this limit, and stock of it at one location. */
    private StockKey limited(String name, long limit, long units) {
      StockKey k = key(name);
      catalog.createItem(new Item(k.sku(), "shop", "seller", "Item " + name, true, limit));
      store.receive(k, units, null);
      return k;
    }

    private ReservationRequest bought(String rid, String buyer, Line... lines) {
      return ReservationRequest.builder(rid).lines(List.of(lines)).ttl(TTL).buyer(buyer).build();
    }

    private Snapshot snapshotOf(StockKey... keys) {
      return new Snapshot(new TreeMap<>(store.levels(List.of(keys))), log.apply(List.of(keys)));
    }

    @Test
    @DisplayName("a buyer takes up to the limit; one unit more is refused with the limit's numbers")
    void upToTheLimit() {
      StockKey k = limited("k", 3, 10);
      String buyer = id("buyer");
      store.reserve(bought(id("r1"), buyer, line(k, 2)));
      store.purchase(bought(id("r2"), buyer, line(k, 1)));
      Snapshot before = snapshotOf(k);

      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class,
              () -> store.reserve(bought(id("r3"), buyer, line(k, 1))));

      assertThat(e.buyer()).isEqualTo(buyer);
      assertThat(e.sku()).isEqualTo(k.sku());
      assertThat(e.limit()).isEqualTo(3);
      assertThat(e.used()).isEqualTo(3);
      assertThat(e.remaining()).isZero();
      assertThat(e.requested()).isEqualTo(1);
      assertThat(e).hasMessageContaining(buyer).hasMessageContaining(k.sku());
      assertThat(snapshotOf(k)).as("nothing written").isEqualTo(before);
      assertThat(store.findReservation(id("r3"))).isEmpty();
    }

    @Test
    @DisplayName("the refusal says how many are left: limit 5, 3 held, 4 asked: 2 remaining")
    void remainingIsLimitMinusUsed() {
      StockKey k = limited("k", 5, 10);
      String buyer = id("buyer");
      store.reserve(bought(id("r1"), buyer, line(k, 3)));

      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class,
              () -> store.reserve(bought(id("r2"), buyer, line(k, 4))));

      assertThat(e.used()).isEqualTo(3);
      assertThat(e.remaining()).isEqualTo(2);
      assertThat(store.reserve(bought(id("r3"), buyer, line(k, 2))).isHeld()).isTrue();
    }

    @Test
    @DisplayName("the limit counts every location of the SKU together")
    void allLocationsTogether() {
      StockKey here = limited("k", 2, 10);
      StockKey there = StockKey.of(here.sku(), "hub-2");
      store.receive(there, 10, null);
      String buyer = id("buyer");
      store.reserve(bought(id("r1"), buyer, line(here, 1)));
      store.reserve(bought(id("r2"), buyer, line(there, 1)));

      thrown(
          BuyerLimitExceededException.class,
          () -> store.reserve(bought(id("r3"), buyer, line(there, 1))));
      thrown(
          BuyerLimitExceededException.class,
          () -> store.reserve(bought(id("r4"), buyer, line(here, 1), line(there, 1))));
    }

    @Test
    @DisplayName("a cart past the limit on one SKU holds nothing, not even its other lines")
    void cartIsAllOrNothing() {
      StockKey k = limited("k", 2, 10);
      StockKey free = key("free");
      store.receive(free, 10, null);
      String buyer = id("buyer");
      Snapshot before = snapshotOf(k, free);

      thrown(
          BuyerLimitExceededException.class,
          () -> store.reserve(bought(id("r1"), buyer, line(free, 5), line(k, 3))));

      assertThat(snapshotOf(k, free)).isEqualTo(before);
    }

    @Test
    @DisplayName("other buyers, requests without a buyer and items without a limit are not limited")
    void othersAreNotLimited() {
      StockKey k = limited("k", 1, 10);
      StockKey open = key("open");
      catalog.createItem(Item.of(open.sku(), "shop", "seller", "Open"));
      store.receive(open, 10, null);
      store.reserve(bought(id("a1"), id("a"), line(k, 1)));

      assertThat(store.reserve(bought(id("b1"), id("b"), line(k, 1))).isHeld()).isTrue();
      assertThat(store.reserve(cart(id("n1"), line(k, 5))).isHeld()).isTrue();
      assertThat(store.reserve(bought(id("a2"), id("a"), line(open, 7))).isHeld()).isTrue();
    }

    @Test
    @DisplayName("release and expiry give the buyer's units back; confirm keeps them")
    void releaseAndExpiryGiveBack() {
      StockKey k = limited("k", 2, 20);
      String buyer = id("buyer");
      store.reserve(bought(id("r1"), buyer, line(k, 2)));
      store.release(id("r1"));
      store.reserve(
          ReservationRequest.builder(id("r2"))
              .line(k, 2)
              .ttl(Duration.ofSeconds(5))
              .buyer(buyer)
              .build());
      clock.advance(Duration.ofSeconds(10));
      expireAllDueOf(store);
      store.reserve(bought(id("r3"), buyer, line(k, 2)));

      store.confirm(id("r3"));

      assertThat(statusOf(store, id("r2"))).isEqualTo(Status.EXPIRED);
      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class,
              () -> store.purchase(bought(id("r4"), buyer, line(k, 1))));
      assertThat(e.used()).isEqualTo(2);
    }

    @Test
    @DisplayName("a buyer's hold past its expiry does not count: it is expired to make room")
    void dueHoldsAreExpiredToMakeRoom() {
      StockKey k = limited("k", 2, 20);
      String buyer = id("buyer");
      store.reserve(
          ReservationRequest.builder(id("old"))
              .line(k, 2)
              .ttl(Duration.ofSeconds(5))
              .buyer(buyer)
              .build());
      clock.advance(Duration.ofSeconds(6));

      Reservation again = store.reserve(bought(id("new"), buyer, line(k, 2)));

      assertThat(again.isHeld()).isTrue();
      assertThat(statusOf(store, id("old"))).isEqualTo(Status.EXPIRED);
      assertThat(store.level(k).reserved()).isEqualTo(2);
      assertThat(kinds(log.apply(List.of(k))))
          .containsSubsequence(Kind.RESERVE, Kind.EXPIRE, Kind.RESERVE);
    }

    @Test
    @DisplayName("a refusal past the limit even without the due holds expires nothing")
    void refusalExpiresNothing() {
      StockKey k = limited("k", 2, 20);
      String buyer = id("buyer");
      store.reserve(
          ReservationRequest.builder(id("old"))
              .line(k, 1)
              .ttl(Duration.ofSeconds(5))
              .buyer(buyer)
              .build());
      store.reserve(bought(id("kept"), buyer, line(k, 1)));
      clock.advance(Duration.ofSeconds(6));
      Snapshot before = snapshotOf(k);

      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class,
              () -> store.reserve(bought(id("new"), buyer, line(k, 2))));

      assertThat(e.used()).as("the due hold does not count").isEqualTo(1);
      assertThat(snapshotOf(k)).isEqualTo(before);
    }

    @Test
    @DisplayName("amend: growth is held to the limit, shrinking gives units back")
    void amendIsLimited() {
      StockKey k = limited("k", 3, 20);
      String buyer = id("buyer");
      store.reserve(bought(id("r"), buyer, line(k, 1)));
      store.reserve(bought(id("other"), buyer, line(k, 1)));

      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class, () -> store.amend(id("r"), List.of(line(k, 3))));
      store.amend(id("r"), List.of(line(k, 2)));
      thrown(
          BuyerLimitExceededException.class,
          () -> store.reserve(bought(id("more"), buyer, line(k, 1))));
      store.amend(id("r"), List.of(line(k, 1)));

      assertThat(e.requested()).isEqualTo(2);
      assertThat(e.used()).isEqualTo(2);
      assertThat(store.findReservation(id("r")).orElseThrow().lines()).containsExactly(line(k, 1));
      assertThat(store.reserve(bought(id("more"), buyer, line(k, 1))).isHeld()).isTrue();
      assertThat(store.level(k).reserved()).isEqualTo(3);
    }

    @Test
    @DisplayName("amend: a line added on a limited SKU counts, and is given back on release")
    void amendAddsACountedLine() {
      StockKey k = limited("k", 2, 20);
      StockKey free = key("free");
      store.receive(free, 20, null);
      String buyer = id("buyer");
      store.reserve(bought(id("r"), buyer, line(free, 1)));

      store.amend(id("r"), List.of(line(free, 1), line(k, 2)));
      thrown(
          BuyerLimitExceededException.class,
          () -> store.reserve(bought(id("more"), buyer, line(k, 1))));
      store.release(id("r"));

      assertThat(store.reserve(bought(id("after"), buyer, line(k, 2))).isHeld()).isTrue();
    }

    @Test
    @DisplayName("lowering a limit under what a buyer has keeps it, and refuses more")
    void loweredLimit() {
      StockKey k = limited("k", 3, 20);
      String buyer = id("buyer");
      store.reserve(bought(id("r1"), buyer, line(k, 3)));
      catalog.updateItem(catalog.findItem(k.sku()).orElseThrow().withPerBuyerLimit(1L));

      BuyerLimitExceededException e =
          thrown(
              BuyerLimitExceededException.class,
              () -> store.reserve(bought(id("r2"), buyer, line(k, 1))));

      assertThat(e.limit()).isEqualTo(1);
      assertThat(e.remaining()).isZero();
      assertThat(statusOf(store, id("r1"))).isEqualTo(Status.HELD);
    }

    @Test
    @DisplayName("a replay of a buyer's request at the limit returns it, not a refusal")
    void replayAtTheLimit() {
      StockKey k = limited("k", 2, 20);
      String buyer = id("buyer");
      Reservation first = store.reserve(bought(id("r"), buyer, line(k, 2)));

      assertThat(store.reserve(bought(id("r"), buyer, line(k, 2)))).isEqualTo(first);
    }

    @Test
    @Timeout(120)
    @DisplayName("a buyer firing 64 concurrent requests at a limit of 2: exactly 2 units held")
    void sixtyFourConcurrentRequestsOfOneBuyer() throws InterruptedException {
      StockKey k = limited("k", 2, 1000);
      String buyer = id("buyer");

      List<Outcome<Reservation>> outcomes =
          race(64, 64, i -> () -> store.reserve(bought(id("r" + i), buyer, line(k, 1))));

      long held = outcomes.stream().filter(Outcome::succeeded).count();
      assertThat(held).isEqualTo(2);
      assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::error))
          .allMatch(e -> e instanceof BuyerLimitExceededException, "BuyerLimitExceededException");
      assertThat(store.level(k).reserved()).isEqualTo(2);
      assertThat(store.findReservations(buyer, 100, null).reservations()).hasSize(2);
    }

    @Test
    @Timeout(120)
    @DisplayName("many buyers racing for a limited item: none passes the limit, stock replays")
    void manyBuyersRacing() throws InterruptedException {
      StockKey k = limited("k", 2, 100);

      List<Outcome<Reservation>> outcomes =
          race(
              32,
              192,
              i ->
                  () -> store.reserve(bought(id("r" + i), id("b" + (i % 12)), line(k, 1 + i % 2))));

      Map<String, Long> heldBy = new HashMap<>();
      for (int b = 0; b < 12; b++) {
        String buyer = id("b" + b);
        long units =
            store.findReservations(buyer, 1000, null).reservations().stream()
                .filter(Reservation::isHeld)
                .mapToLong(r -> r.lines().get(0).quantity())
                .sum();
        heldBy.put(buyer, units);
      }
      assertThat(heldBy.values()).allMatch(units -> units <= 2, "at most 2 per buyer");
      long granted =
          outcomes.stream()
              .filter(Outcome::succeeded)
              .mapToLong(o -> o.value().lines().get(0).quantity())
              .sum();
      assertThat(heldBy.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(granted);
      assertThat(outcomes.stream().filter(o -> !o.succeeded()).map(Outcome::error))
          .allMatch(e -> e instanceof BuyerLimitExceededException, "BuyerLimitExceededException");
      assertThat(store.level(k).reserved()).isEqualTo(granted);
      assertLogReplays(k, log.apply(List.of(k)), store.level(k));
    }
  }

  private static Status statusOf(Inventory inventory, String reservationId) {
    return inventory.findReservation(reservationId).orElseThrow().status();
  }

  /** Expires every due hold of this inventory, however many other tests left behind. */
  private static void expireAllDueOf(Inventory inventory) {
    while (inventory.expireDue(1000) > 0) {
      // keep going
    }
  }
}
