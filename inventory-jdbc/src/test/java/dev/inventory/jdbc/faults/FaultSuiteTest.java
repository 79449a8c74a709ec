package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.faults.FaultRun.Config;
import dev.inventory.jdbc.faults.FaultRun.Disruption;
import dev.inventory.jdbc.faults.FaultRun.Result;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The PR gate of the fault suite: a checkout workload through backend kills (some in the commit)
 * and a crash restart of a scratch PostgreSQL this class starts, judged by the history checker; and
 * the negative control that proves the checker can see an oversell.
 *
 * <p>Seeded by {@code -Dfaults.seed=N} (printed otherwise), for repeating a run's operations.
 */
@DisplayName("Fault suite (PR gate)")
class FaultSuiteTest {
  private static final long SEED = Long.getLong("faults.seed", System.nanoTime() % 100_000);
  private static ScratchPostgres server;

  /**
   * The negative control runs the same workload and faults, shorter: a few hundred naive reserves
   * on the hot key oversell it many times over, and the gate's time is better spent elsewhere.
   */
  private static final int NAIVE_OPS_PER_CLIENT = 100;

  @BeforeAll
  static void startServer() {
    server = ScratchPostgres.create("faults-gate", Map.of());
    server.start();
    System.out.println("[faults] seed=" + SEED + " port=" + server.port());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** 16 clients, 5 keys (one hot), kills every 250 ms plus kills hunted in commits, 1 crash. */
  private static Config gate(int opsPerClient) {
    return new Config(
        16,
        opsPerClient,
        SEED,
        Duration.ofMillis(250),
        true,
        List.of(new Disruption(0.5, Disruption.Type.RESTART, FaultSuiteTest::crashAndRestart)));
  }

  private static void crashAndRestart() {
    server.crash();
    server.start();
  }

  @Test
  @DisplayName(
      "16 clients × 500 operations through backend kills and a crash restart: nothing oversold,"
          + " lost, unresolved or applied twice")
  void libraryKeepsItsPromisesThroughFaults() throws Exception {
    String schema = "faults_library";
    try (HikariDataSource pool = FaultRun.pool(server.jdbcUrl(FaultRun.APPLICATION), 8)) {
      Inventory inventory = JdbcInventory.builder(pool).schema(schema).build();
      Result result = new FaultRun(() -> server, inventory, schema, gate(500)).run();
      System.out.println(result.report());

      assertThat(result.verdict().faults().kills()).as(result.report()).isGreaterThanOrEqualTo(20);
      assertThat(result.verdict().faults().killsInCommit()).as(result.report()).isPositive();
      assertThat(result.verdict().faults().restarts()).isEqualTo(1);
      assertThat(result.verdict().passed()).as(result.report()).isTrue();
      assertThat(result.maxLatencyMillis()).as("no checkout call hangs").isLessThan(30_000);
    }
  }

  @Test
  @DisplayName(
      "the same run with a naive reserve (read, check in Java, write) is reported as failing")
  void checkerCatchesANaiveReserve() throws Exception {
    String schema = "faults_naive";
    try (HikariDataSource pool = FaultRun.pool(server.jdbcUrl(FaultRun.APPLICATION), 8)) {
      Inventory library = JdbcInventory.builder(pool).schema(schema).build();
      // Without the CHECK constraint the database no longer backs the code up.
      server.execute(
          "ALTER TABLE " + schema + ".stock_level DROP CONSTRAINT stock_level_never_oversold");
      Inventory naive = new NaiveReserveInventory(library, pool, schema, Clock.systemUTC());
      Result result = new FaultRun(() -> server, naive, schema, gate(NAIVE_OPS_PER_CLIENT)).run();
      System.out.println("[negative control]\n" + result.report());

      assertThat(result.verdict().passed()).as(result.report()).isFalse();
      assertThat(result.verdict().oversold() > 0 || !result.verdict().replayOk())
          .as(result.report())
          .isTrue();
    }
  }
}
