package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.BulkEntry;
import dev.inventory.Inventory;
import dev.inventory.InventoryException;
import dev.inventory.RecordingListener;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.Location;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.Failed;
import dev.inventory.event.InventoryEvent.Outcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Known-keys mode's guard as the schema's: laid by {@code build()}, checked with {@code
 * migrate(false)}, held against hand-written SQL and bulk calls, and race-free against a
 * deactivation. (The contract suite's {@code KnownKeys} group pins the behaviour every
 * implementation shares.)
 */
@DisplayName("known-keys mode's guard on PostgreSQL")
class KnownKeysGuardTest {
  private static HikariDataSource pool;
  private static final List<String> schemas = new ArrayList<>();

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(12);
  }

  @AfterAll
  static void close() {
    schemas.forEach(s -> TestDatabase.dropSchema(pool, s));
    pool.close();
  }

  private static String schema() {
    String schema = TestDatabase.newSchema(KnownKeysGuardTest.class);
    schemas.add(schema);
    return schema;
  }

  /** A guarded schema with location "hub" and items A, B, C in its catalog. */
  private static JdbcInventoryStore guarded(String schema) {
    JdbcInventoryStore store =
        JdbcInventory.builder(pool).schema(schema).knownKeysOnly(true).buildStore();
    Catalog catalog = store.catalog();
    catalog.createLocation(Location.of("hub", "Hub"));
    for (String sku : List.of("A", "B", "C")) {
      catalog.createItem(Item.of(sku, "shop", "seller", "Item " + sku));
    }
    return store;
  }

  @Test
  @DisplayName("with migrate(false), known-keys mode needs the guard already on")
  void migrateFalseNeedsTheGuard() {
    String schema = schema();
    JdbcInventory.builder(pool).schema(schema).build();

    assertThatThrownBy(
            () ->
                JdbcInventory.builder(pool)
                    .schema(schema)
                    .migrate(false)
                    .knownKeysOnly(true)
                    .build())
        .isInstanceOf(InventoryException.class)
        .hasMessageContaining("inventory_known_keys_on()")
        .hasMessageContaining("migrate(true)");

    JdbcInventory.builder(pool).schema(schema).knownKeysOnly(true).build();
    assertThat(
            JdbcInventory.builder(pool)
                .schema(schema)
                .migrate(false)
                .knownKeysOnly(true)
                .buildStore()
                .knownKeysOnly())
        .isTrue();
  }

  @Test
  @DisplayName("the database itself refuses hand-written stock of a key the catalog does not know")
  void handWrittenStockIsRefused() throws SQLException {
    String schema = schema();
    guarded(schema);

    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      assertThatThrownBy(
              () ->
                  s.execute(
                      "INSERT INTO "
                          + schema
                          + ".stock_level (sku, location, on_hand, reserved, updated_at)"
                          + " VALUES ('GHOST', 'hub', 5, 0, now())"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
      s.execute(
          "INSERT INTO "
              + schema
              + ".stock_level (sku, location, on_hand, reserved, updated_at)"
              + " VALUES ('A', 'hub', 5, 0, now())");
      assertThatThrownBy(() -> s.execute("DELETE FROM " + schema + ".item WHERE sku = 'A'"))
          .as("an item with stock is never deleted")
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  @DisplayName("a bulk call names every unknown key of it, and writes nothing")
  void bulkCallsNameEveryUnknownKey() {
    String schema = schema();
    JdbcInventoryStore store = guarded(schema);
    StockKey a = StockKey.of("A", "hub");
    StockKey ghost = StockKey.of("GHOST", "hub");
    StockKey astray = StockKey.of("B", "nowhere");

    UnknownKeysException e =
        (UnknownKeysException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    store
                        .ledger()
                        .receiveAll(
                            List.of(
                                BulkEntry.of(a, 5),
                                BulkEntry.of(ghost, 1),
                                BulkEntry.of(astray, 1)),
                            "delivery"));

    assertThat(e.keys()).containsExactly(astray, ghost);
    assertThat(e.unknownSkus()).containsExactly("GHOST");
    assertThat(e.unknownLocations()).containsExactly("nowhere");
    assertThat(store.inventory().level(a)).isEqualTo(StockLevel.empty(a));
  }

  @Test
  @DisplayName("a refusal is told to listeners as a failure of outcome not_in_catalog")
  void refusalIsTold() {
    String schema = schema();
    guarded(schema);
    RecordingListener recorder = new RecordingListener();
    Inventory inventory =
        JdbcInventory.builder(pool).schema(schema).migrate(false).listener(recorder).build();
    StockKey ghost = StockKey.of("GHOST", "hub");

    assertThatThrownBy(() -> inventory.receive(ghost, 1, null))
        .isInstanceOf(UnknownKeysException.class);

    List<InventoryEvent> told =
        recorder.awaitUntil(e -> true, e -> e instanceof Failed f && f.outcome() != null);
    assertThat(told)
        .filteredOn(Failed.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((Failed) e).outcome()).isEqualTo(Outcome.NOT_IN_CATALOG));
  }

  @Test
  @DisplayName("a refusal names the unknown keys from the one statement that would have reserved")
  void refusalsTakeOneRoundTrip() {
    String schema = schema();
    JdbcInventoryStore store = guarded(schema);
    StockKey a = StockKey.of("A", "hub");
    StockKey b = StockKey.of("B", "hub");
    StockKey ghost = StockKey.of("GHOST", "hub");
    store.inventory().receive(a, 10, null);
    store.inventory().receive(b, 10, null);
    store.catalog().deactivateItem("B");
    AtomicInteger statements = new AtomicInteger();
    DataSource counting = counting(pool, statements);

    for (boolean combining : List.of(false, true)) {
      Inventory inventory =
          JdbcInventory.builder(counting)
              .schema(schema)
              .migrate(false)
              .combining(combining)
              .build();
      List<ReservationRequest> refused =
          List.of(
              ReservationRequest.builder("one-" + combining).line(ghost, 1).build(),
              ReservationRequest.builder("deactivated-" + combining).line(b, 1).build(),
              ReservationRequest.builder("cart-" + combining).line(a, 1).line(ghost, 1).build());
      for (ReservationRequest request : refused) {
        statements.set(0);
        assertThatThrownBy(() -> inventory.reserve(request))
            .isInstanceOf(UnknownKeysException.class);
        assertThat(statements.get())
            .as("statements sent for %s, combining %s", request.lines(), combining)
            .isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("inside the caller's transaction, a refused receipt undoes only itself")
  void callersTransaction() throws SQLException {
    String schema = schema();
    JdbcInventoryStore store = guarded(schema);
    StockKey a = StockKey.of("A", "hub");
    StockKey ghost = StockKey.of("GHOST", "hub");
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      TransactionalInventory tx = store.inTransaction(c);
      tx.receive(a, 4, null);
      assertThatThrownBy(() -> tx.receive(ghost, 1, null)).isInstanceOf(UnknownKeysException.class);
      tx.receive(a, 1, null);
      c.commit();
    }
    assertThat(store.inventory().level(a)).isEqualTo(new StockLevel(a, 5, 0));
  }

  /** A DataSource whose connections count the statements they prepare or create. */
  private static DataSource counting(DataSource target, AtomicInteger statements) {
    return (DataSource)
        Proxy.newProxyInstance(
            KnownKeysGuardTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, target, args);
              if (!(result instanceof Connection connection)) {
                return result;
              }
              return Proxy.newProxyInstance(
                  KnownKeysGuardTest.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> {
                    if (m.getName().equals("prepareStatement")
                        || m.getName().equals("createStatement")
                        || m.getName().equals("prepareCall")) {
                      statements.incrementAndGet();
                    }
                    return invoke(m, connection, a);
                  });
            });
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  @DisplayName("switched off by the owner, the guard lets every key be served again")
  void switchedOff() {
    String schema = schema();
    guarded(schema);
    StockKey ghost = StockKey.of("GHOST", "hub");
    TestDatabase.execute(pool, "SELECT " + schema + ".inventory_known_keys_off()");

    JdbcInventoryStore store = JdbcInventory.builder(pool).schema(schema).buildStore();

    assertThat(store.knownKeysOnly()).isFalse();
    assertThat(store.inventory().receive(ghost, 2, null)).isEqualTo(new StockLevel(ghost, 2, 0));
  }

  @Test
  @DisplayName("no reserve that starts after a deactivation returned is granted: no race")
  void deactivationDoesNotRace() throws Exception {
    String schema = schema();
    JdbcInventoryStore store = guarded(schema);
    StockKey a = StockKey.of("A", "hub");
    store.inventory().receive(a, 1_000_000, null);
    Inventory inventory = store.inventory();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ids = new AtomicInteger();
    // When the deactivation returned (nanoTime); reserves that started later must be refused.
    AtomicLong deactivated = new AtomicLong(Long.MAX_VALUE);
    List<Long> lateGrants = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger refused = new AtomicInteger();
    // The racers are granting before the deactivation and refused after it before they stop.
    CountDownLatch grantedBefore = new CountDownLatch(100);
    CountDownLatch refusedAfter = new CountDownLatch(100);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> racers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        racers.add(
            threads.submit(
                () -> {
                  while (!stop.get()) {
                    long started = System.nanoTime();
                    try {
                      inventory.reserve(
                          ReservationRequest.builder("r-" + ids.incrementAndGet())
                              .line(a, 1)
                              .build());
                      if (started > deactivated.get()) {
                        lateGrants.add(started);
                      }
                      grantedBefore.countDown();
                    } catch (UnknownKeysException e) {
                      refused.incrementAndGet();
                      refusedAfter.countDown();
                    }
                  }
                  return null;
                }));
      }
      assertThat(grantedBefore.await(1, TimeUnit.MINUTES)).isTrue();
      store.catalog().deactivateItem("A");
      deactivated.set(System.nanoTime());
      assertThat(refusedAfter.await(1, TimeUnit.MINUTES)).isTrue();
      stop.set(true);
      for (Future<?> racer : racers) {
        racer.get(1, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(lateGrants).as("reserves granted after the deactivation returned").isEmpty();
    assertThat(refused.get()).isPositive();
    assertThat(store.ledger().audit(List.of(a)).isClean()).isTrue();
  }
}
