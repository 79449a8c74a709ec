package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The worst moment for a connection to die: after the commit. With the synchronous standby frozen,
 * every commit waits in {@code SyncRep} after its commit record is flushed on the primary; a
 * backend killed there has committed, but its client is only told that the connection broke. The
 * library must repeat what is idempotent (and find it done, applying nothing twice) and must not
 * repeat what is not.
 */
@DisplayName("A kill after the commit record, before the acknowledgement")
class CommitOutcomeUnknownTest {
  private static final String APPLICATION = "outcome-unknown-app";
  private static final String SCHEMA = "outcome_unknown";

  private static StandbyCluster cluster;
  private static HikariDataSource pool;
  private static Inventory inventory;
  private static ExecutorService threads;

  @BeforeAll
  static void start() {
    cluster = StandbyCluster.start("outcome-unknown", Map.of());
    pool = FaultRun.pool(cluster.jdbcUrl(APPLICATION), 4);
    inventory = JdbcInventory.builder(pool).schema(SCHEMA).build();
    threads = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    if (pool != null) {
      pool.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void thawStandby() {
    cluster.standby().thaw();
  }

  @Test
  @DisplayName(
      "a confirm that committed but was never acknowledged is repeated, found done, applied once")
  void confirmCommittedButUnacknowledgedAppliesOnce() throws Exception {
    StockKey k = StockKey.of("CONFIRM-K");
    inventory.receive(k, 10, "delivery");
    Reservation r = inventory.reserve(ReservationRequest.builder("confirm-r").line(k, 2).build());
    cluster.standby().freeze();

    CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
    assertThat(killOneWaitingForTheStandby()).isTrue();

    assertThat(confirm.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    cluster.standby().thaw();
    assertThat(level(k)).containsExactly(8L, 0L);
    assertThat(logCount(k, "CONFIRM")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a purchase that committed but was never acknowledged is repeated by id: applied once")
  void purchaseCommittedButUnacknowledgedAppliesOnce() throws Exception {
    StockKey k = StockKey.of("PURCHASE-K");
    inventory.receive(k, 10, "delivery");
    cluster.standby().freeze();

    ReservationRequest order = ReservationRequest.builder("purchase-p").line(k, 3).build();
    CompletableFuture<Reservation> purchase = async(() -> inventory.purchase(order));
    assertThat(killOneWaitingForTheStandby()).isTrue();

    assertThat(purchase.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    cluster.standby().thaw();
    assertThat(level(k)).containsExactly(7L, 0L);
    assertThat(logCount(k, "CONFIRM")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a receive that committed but was never acknowledged is not repeated (no id): reported as"
          + " unavailable with its outcome unknown, and it did apply")
  void receiveCommittedButUnacknowledgedIsNotRepeated() throws Exception {
    StockKey k = StockKey.of("RECEIVE-K");
    inventory.receive(k, 10, "delivery");
    cluster.standby().freeze();

    CompletableFuture<?> receive = async(() -> inventory.receive(k, 5, "delivery"));
    assertThat(killOneWaitingForTheStandby()).isTrue();

    Throwable failure = failureOf(receive);
    cluster.standby().thaw();
    assertThat(failure).isInstanceOf(InventoryUnavailableException.class);
    assertThat(level(k)).as("committed once, not twice").containsExactly(15L, 0L);
    assertThat(logCount(k, "RECEIVE")).isEqualTo(2);
  }

  // ---------------------------------------------------------------- steps

  private static <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, threads);
  }

  private static Throwable failureOf(CompletableFuture<?> call) throws Exception {
    return Futures.failureOf(call, Duration.ofSeconds(30));
  }

  /**
   * Waits until one of the library's backends waits for the (frozen) standby, then kills it:
   * committed locally, never acknowledged.
   */
  private static boolean killOneWaitingForTheStandby() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try (Connection c = cluster.primary().superuser();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      + " WHERE application_name = ? AND wait_event = 'SyncRep'")) {
        s.setString(1, APPLICATION);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            return true;
          }
        }
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static List<Long> level(StockKey key) throws SQLException {
    try (Connection c = cluster.primary().superuser()) {
      return StoredRows.level(c, SCHEMA, key);
    }
  }

  private static long logCount(StockKey key, String kind) throws SQLException {
    try (Connection c = cluster.primary().superuser()) {
      return StoredRows.logCount(c, SCHEMA, key, kind);
    }
  }
}
