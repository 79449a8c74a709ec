package dev.inventory.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.RecordingListener;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryEvent.StockReceived;
import dev.inventory.event.InventoryListener;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.memory.InMemoryInventory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("InventoryMetrics: the meters move as the operations run")
class InventoryMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  /**
   * The metrics and, after them, a recorder: once the recorder has an event, so have the meters.
   */
  private final RecordingListener recorder = new RecordingListener();

  private InventoryListener listener(InventoryMetrics metrics) {
    return InventoryListener.composite(metrics, recorder);
  }

  private void awaitMarker(Inventory inventory) {
    StockKey marker = StockKey.of("marker-" + System.nanoTime());
    inventory.receive(marker, 1, null);
    recorder.awaitUntil(e -> true, e -> e instanceof StockReceived r && r.key().equals(marker));
  }

  private double calls(String operation, String outcome) {
    var timer =
        registry
            .find(InventoryMetrics.CALLS)
            .tags("operation", operation, "outcome", outcome)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  @Nested
  @DisplayName("from the events (in memory)")
  class FromEvents {
    final InMemoryInventory inventory =
        InMemoryInventory.builder()
            .listener(
                listener(
                    InventoryMetrics.builder(registry)
                        .tags(Tags.of("app", "shop"))
                        .keyTag("location", StockKey::location)
                        .build()))
            .build();

    @Test
    @DisplayName("each call is timed by operation and outcome, with the common tags")
    void callsAreTimed() {
      StockKey key = StockKey.of("SKU-1");
      inventory.receive(key, 3, null);
      inventory.reserve(ReservationRequest.builder("c1").line(key, 2).build());
      inventory.confirm("c1");
      catchThrowable(() -> inventory.confirm("nobody"));
      awaitMarker(inventory);

      assertThat(calls("reserve", "success")).isEqualTo(1);
      assertThat(calls("confirm", "success")).isEqualTo(1);
      assertThat(calls("confirm", "not_found")).isEqualTo(1);
      assertThat(calls("receive", "success")).isEqualTo(2);
      assertThat(registry.get(InventoryMetrics.CALLS).tag("app", "shop").timers()).isNotEmpty();
    }

    @Test
    @DisplayName("refusals count each short key, tagged by the key tag asked for")
    void refusalsAreCounted() {
      StockKey a = StockKey.of("SKU-A", "hub-1");
      StockKey b = StockKey.of("SKU-B", "hub-2");
      catchThrowable(
          () -> inventory.reserve(ReservationRequest.builder("c").line(a, 1).line(b, 1).build()));
      awaitMarker(inventory);

      assertThat(calls("reserve", "refused")).isEqualTo(1);
      assertThat(
              registry
                  .get(InventoryMetrics.REFUSALS)
                  .tags("operation", "reserve", "location", "hub-1")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get(InventoryMetrics.REFUSALS).counters()).hasSize(2);
    }

    @Test
    @DisplayName("expiries are counted by who expired them: a sweep, or lazily")
    void expiriesAreCounted() {
      MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
      InMemoryInventory timed =
          InMemoryInventory.builder()
              .clock(clock)
              .listener(listener(InventoryMetrics.of(registry)))
              .build();
      StockKey key = StockKey.of("SKU-E");
      timed.receive(key, 1, null);
      Duration ttl = Duration.ofMinutes(1);
      timed.reserve(ReservationRequest.builder("swept").line(key, 1).ttl(ttl).build());
      clock.advance(ttl);
      assertThat(timed.expireDue(10)).isEqualTo(1);
      timed.reserve(ReservationRequest.builder("lazy").line(key, 1).ttl(ttl).build());
      clock.advance(ttl);
      timed.reserve(ReservationRequest.builder("next").line(key, 1).ttl(ttl).build());
      awaitMarker(timed);

      assertThat(registry.get(InventoryMetrics.EXPIRED).tag("by", "sweep").counter().count())
          .isEqualTo(1);
      assertThat(registry.get(InventoryMetrics.EXPIRED).tag("by", "lazily").counter().count())
          .isEqualTo(1);
      assertThat(calls("expire_due", "success")).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres {
    static HikariDataSource pool;
    static String schema;

    @BeforeAll
    static void migrate() {
      pool = TestDatabase.pool(8);
      schema = TestDatabase.newSchema(InventoryMetricsTest.class);
      JdbcInventory.builder(pool).schema(schema).build();
    }

    @AfterAll
    static void drop() {
      TestDatabase.dropSchema(pool, schema);
      pool.close();
    }

    @Test
    @DisplayName("flash-sale batches, gauges, sweeper lag and sweeper runs are measured")
    void storeMetrics() {
      InventoryMetrics metrics = InventoryMetrics.of(registry);
      Instant start = Instant.now();
      JdbcInventoryStore store =
          JdbcInventory.builder(pool)
              .schema(schema)
              .migrate(false)
              .allowNoTimeouts(true)
              .clock(Clock.fixed(start, ZoneOffset.UTC))
              .listener(listener(metrics))
              .buildStore();
      metrics.monitor(store);
      Inventory inventory = store.inventory();
      StockKey key = StockKey.of("SKU-PG");
      inventory.receive(key, 5, null);
      inventory.reserve(
          ReservationRequest.builder("due").line(key, 1).ttl(Duration.ofSeconds(1)).build());
      awaitMarker(inventory);

      assertThat(
              registry
                  .get(InventoryMetrics.BATCH_SIZE)
                  .tag("operation", "reserve")
                  .summary()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get(InventoryMetrics.WAITING).tag("operation", "reserve").gauge().value())
          .isZero();
      assertThat(
              registry.get(InventoryMetrics.IN_FLIGHT).tag("operation", "purchase").gauge().value())
          .isZero();
      // The hold ran out at start + 1 s; on the wall clock that is long ago or soon: not negative.
      assertThat(registry.get(InventoryMetrics.LAG).timeGauge().value(TimeUnit.SECONDS))
          .isGreaterThanOrEqualTo(0);

      JdbcInventoryStore later =
          JdbcInventory.builder(pool)
              .schema(schema)
              .migrate(false)
              .allowNoTimeouts(true)
              .clock(Clock.fixed(start.plusSeconds(60), ZoneOffset.UTC))
              .listener(listener(metrics))
              .buildStore();
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(later.inventory()).initialDelay(Duration.ofHours(1)).start()) {
        metrics.monitor(sweeper);
        sweeper.sweepNow();
        recorder.awaitUntil(e -> true, e -> e instanceof Expired x && x.by() == Expired.By.SWEEP);
        assertThat(
                registry
                    .get(InventoryMetrics.SWEEPER_RUNS)
                    .tag("result", "success")
                    .functionCounter()
                    .count())
            .isEqualTo(1);
        assertThat(registry.get(InventoryMetrics.EXPIRED).tag("by", "sweep").counter().count())
            .isGreaterThanOrEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("a key tag may not take the name of a meter's own tag")
  void keyTagNameIsChecked() {
    assertThatThrownBy(() -> InventoryMetrics.builder(registry).keyTag("operation", StockKey::sku))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation");
  }
}
