package dev.inventory.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.RecordingListener;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.StockReceived;
import dev.inventory.event.InventoryListener;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's "Metrics" section, run as written (its blocks are the tagged regions here). */
@DisplayName("README: Metrics")
class ReadmeMetricsTest {
  private static HikariDataSource pool;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    TestDatabase.dropSchema(pool, "inventory_metered");
  }

  @AfterAll
  static void close() {
    if (pool != null) {
      TestDatabase.dropSchema(pool, "inventory_metered");
      pool.close();
    }
  }

  @Test
  @DisplayName("a store with InventoryMetrics as its listener records the meters of the table")
  void metricsAsWritten() {
    DataSource dataSource = pool;
    MeterRegistry registry = new SimpleMeterRegistry();
    // tag::metrics[]
    InventoryMetrics metrics = InventoryMetrics.builder(registry).build();
    JdbcInventoryStore store =
        JdbcInventory.builder(dataSource)
            .schema("inventory_metered")
            .listener(metrics)
            .buildStore();
    metrics.monitor(store); // the flash-sale gauges and the sweeper's lag
    // end::metrics[]

    StockKey key = StockKey.of("SKU-1");
    store.inventory().receive(key, 1, null);
    catchThrowable(
        () -> store.inventory().reserve(ReservationRequest.builder("c").line(key, 2).build()));
    store.inventory().receive(key, 1, null); // told after the refusal: wait for it
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (registry.find(InventoryMetrics.CALLS).tag("operation", "receive").timer() == null
        || registry.get(InventoryMetrics.CALLS).tag("operation", "receive").timer().count() < 2) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }
    assertThat(registry.get(InventoryMetrics.REFUSALS).counter().count()).isEqualTo(1);
    assertThat(registry.get(InventoryMetrics.WAITING).gauges()).hasSize(3);
  }

  @Test
  @DisplayName("a listener of one's own is told refusals, off the caller's thread")
  void ownListenerAsWritten() {
    Set<String> shortSkus = ConcurrentHashMap.newKeySet();
    // tag::listener[]
    InventoryListener shortages =
        new InventoryListener() {
          @Override
          public void onRefused(InventoryEvent.Refused refused) {
            // On the inventory's event thread, after the call returned: it never slows a call.
            refused.shortages().forEach(shortage -> shortSkus.add(shortage.key().sku()));
          }
        };
    // end::listener[]
    RecordingListener recorder = new RecordingListener();
    JdbcInventoryStore store =
        JdbcInventory.builder(pool)
            .schema("inventory_metered")
            .listener(InventoryListener.composite(shortages, recorder))
            .buildStore();
    StockKey key = StockKey.of("SKU-2");
    catchThrowable(
        () -> store.inventory().reserve(ReservationRequest.builder("d").line(key, 1).build()));
    store.inventory().receive(key, 1, null);
    recorder.awaitUntil(e -> true, e -> e instanceof StockReceived);

    assertThat(shortSkus).containsExactly("SKU-2");
  }
}
