package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Concurrent calls read the clock before their statements run, so their instants cross: a call that
 * read a later now can find a hold due, and before it looks again, a call that read an earlier now
 * extends that hold. The later call must then see a held hold and do what it was asked, not fail.
 */
@DisplayName("Calls whose clocks cross")
class CrossedClocksTest {
  private static HikariDataSource pool;
  private static String schema;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    schema = TestDatabase.newSchema(CrossedClocksTest.class);
    JdbcInventory.builder(pool).schema(schema).allowNoTimeouts(true).build();
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @Test
  @DisplayName(
      "a confirm that found a hold due, while a caller with an earlier clock extended it,"
          + " confirms it")
  void confirmOfAHoldExtendedUnderIt() throws Exception {
    MutableClock earlier = MutableClock.startingAt("2031-03-01T10:00:05Z");
    MutableClock later = MutableClock.startingAt("2031-03-01T10:00:11Z");
    Inventory extender =
        JdbcInventory.builder(pool)
            .schema(schema)
            .clock(earlier)
            .migrate(false)
            .allowNoTimeouts(true)
            .build();
    CountDownLatch atTheRead = new CountDownLatch(1);
    CountDownLatch extended = new CountDownLatch(1);
    Inventory confirmer =
        JdbcInventory.builder(pausingBeforeTheFirstRead(pool, atTheRead, extended))
            .schema(schema)
            .clock(later)
            .migrate(false)
            .combining(false)
            .allowNoTimeouts(true)
            .build();
    StockKey key = StockKey.of("CROSSED");
    extender.receive(key, 10, "delivery");
    MutableClock start = MutableClock.startingAt("2031-03-01T10:00:00Z");
    Reservation hold =
        JdbcInventory.builder(pool)
            .schema(schema)
            .clock(start)
            .migrate(false)
            .allowNoTimeouts(true)
            .build()
            .reserve(
                ReservationRequest.builder("crossed-1")
                    .line(key, 3)
                    .ttl(Duration.ofSeconds(10))
                    .build());

    // At 10:00:11 the hold (until 10:00:10) is due: the confirm's move matches nothing, and it
    // stops before it reads the reservation to find out why.
    CompletableFuture<Reservation> confirm =
        CompletableFuture.supplyAsync(() -> confirmer.confirm(hold.id()));
    assertThat(atTheRead.await(10, TimeUnit.SECONDS)).isTrue();
    // At 10:00:05 the hold is not due: the extender pushes it to 10:01:05.
    assertThat(extender.extend(hold.id(), Duration.ofMinutes(1)).status()).isEqualTo(Status.HELD);
    extended.countDown();

    assertThat(confirm.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    assertThat(extender.level(key).onHand()).isEqualTo(7);
  }

  /**
   * A DataSource that, the first time a statement reading a reservation (its request hash) is
   * prepared, tells {@code atTheRead} and waits for {@code go}.
   */
  private static DataSource pausingBeforeTheFirstRead(
      DataSource target, CountDownLatch atTheRead, CountDownLatch go) {
    AtomicBoolean paused = new AtomicBoolean();
    return (DataSource)
        Proxy.newProxyInstance(
            CrossedClocksTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, target, args);
              if (!(result instanceof Connection connection)) {
                return result;
              }
              return Proxy.newProxyInstance(
                  CrossedClocksTest.class.getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> {
                    if (m.getName().startsWith("prepare")
                        && a != null
                        && a[0] instanceof String sql
                        && sql.contains("request_hash")
                        && paused.compareAndSet(false, true)) {
                      atTheRead.countDown();
                      assertThat(go.await(10, TimeUnit.SECONDS)).isTrue();
                    }
                    return invoke(m, connection, a);
                  });
            });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
