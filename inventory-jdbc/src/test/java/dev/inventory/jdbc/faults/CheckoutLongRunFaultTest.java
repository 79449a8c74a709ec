package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.faults.FaultRun.Config;
import dev.inventory.jdbc.faults.FaultRun.Disruption;
import dev.inventory.jdbc.faults.FaultRun.Disruption.Type;
import dev.inventory.jdbc.faults.FaultRun.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The long run of the fault suite, outside the PR gate: {@code mvn -B -ntp verify -pl
 * inventory-core,inventory-jdbc -Pfaults-long} (15 to 25 minutes at the full size).
 *
 * <p>64 clients × 5,000 operations on a primary with a synchronous standby, through backend kills
 * every 300 ms (and kills hunted in commits), 5 crash restarts, 3 failovers to the synchronous
 * standby and a frozen server (SIGSTOP for 8 s). Sizes can be scaled down to try the machinery:
 * {@code -Dfaults.clients=16 -Dfaults.ops=300 -Dfaults.pool=8}.
 *
 * <p>And the negative control of durability: with {@code synchronous_commit = off}, a crash loses
 * acknowledged work, and the checker must say so.
 */
@DisplayName("Fault suite (long run)")
class CheckoutLongRunFaultTest {
  private static final int CLIENTS = Integer.getInteger("faults.clients", 64);
  private static final int OPS = Integer.getInteger("faults.ops", 5_000);
  private static final int POOL = Integer.getInteger("faults.pool", 16);
  private static final long SEED = Long.getLong("faults.seed", System.nanoTime() % 100_000);
  private static final Duration FREEZE = Duration.ofSeconds(8);

  @Test
  @DisplayName(
      "64 clients × 5,000 operations through kills, 5 restarts, 3 failovers and a frozen server:"
          + " nothing oversold, lost, unresolved or applied twice")
  void libraryKeepsItsPromisesThroughFailovers() throws Exception {
    System.out.println(
        "[faults long] seed=" + SEED + " clients=" + CLIENTS + " ops=" + OPS + " pool=" + POOL);
    try (StandbyCluster cluster = StandbyCluster.start("faults-long", Map.of());
        HikariDataSource pool = FaultRun.pool(cluster.jdbcUrl(FaultRun.APPLICATION), POOL)) {
      String schema = "faults_long";
      Inventory inventory = JdbcInventory.builder(pool).schema(schema).build();
      List<Disruption> schedule = new ArrayList<>();
      schedule.add(new Disruption(0.08, Type.RESTART, cluster::restartPrimary));
      schedule.add(new Disruption(0.16, Type.FAILOVER, cluster::failover));
      schedule.add(new Disruption(0.25, Type.RESTART, cluster::restartPrimary));
      schedule.add(new Disruption(0.33, Type.FREEZE, () -> cluster.freezePrimary(FREEZE)));
      schedule.add(new Disruption(0.42, Type.RESTART, cluster::restartPrimary));
      schedule.add(new Disruption(0.50, Type.FAILOVER, cluster::failover));
      schedule.add(new Disruption(0.60, Type.RESTART, cluster::restartPrimary));
      schedule.add(new Disruption(0.70, Type.FAILOVER, cluster::failover));
      schedule.add(new Disruption(0.80, Type.RESTART, cluster::restartPrimary));
      Config config = new Config(CLIENTS, OPS, SEED, Duration.ofMillis(300), true, schedule);

      Result result = new FaultRun(cluster::primary, inventory, schema, config).run();
      System.out.println(result.report());

      if (CLIENTS * (long) OPS >= 64 * 5_000L) {
        assertThat(result.verdict().faults().kills()).isGreaterThanOrEqualTo(500);
      }
      assertThat(result.verdict().faults().restarts()).isEqualTo(5);
      assertThat(result.verdict().faults().failovers()).isEqualTo(3);
      assertThat(result.verdict().passed()).as(result.report()).isTrue();
      assertThat(result.maxLatencyMillis())
          .as("no checkout call hangs, even on a frozen server")
          .isLessThan(60_000);
    }
  }

  @Test
  @DisplayName(
      "negative control: with synchronous_commit = off, crashes lose acknowledged work and the"
          + " checker reports it")
  void checkerCatchesWorkLostWithAsynchronousCommit() throws Exception {
    // Commits return before their WAL is written, which the WAL writer does later; a crash
    // (SIGKILL of every server process) loses what was still in the server's memory. The WAL
    // writer is held up for a second before each crash, as a slow disk would: with synchronous
    // commit on this would lose nothing, since every commit flushes its own WAL.
    Map<String, String> asynchronous =
        Map.of("synchronous_commit", "off", "wal_writer_delay", "'10s'", "wal_buffers", "'16MB'");
    try (ScratchPostgres server = ScratchPostgres.create("faults-async", asynchronous)) {
      server.start();
      try (HikariDataSource pool = FaultRun.pool(server.jdbcUrl(FaultRun.APPLICATION), 8)) {
        String schema = "faults_async";
        Inventory inventory = JdbcInventory.builder(pool).schema(schema).build();
        Runnable crash =
            () -> {
              server.freezeProcess("walwriter");
              sleep(Duration.ofSeconds(1));
              server.crash();
              server.start();
            };
        Config config =
            new Config(
                16,
                150,
                SEED,
                Duration.ofHours(1), // no backend kills: the crashes alone must show the loss
                false,
                List.of(
                    new Disruption(0.25, Type.RESTART, crash),
                    new Disruption(0.50, Type.RESTART, crash),
                    new Disruption(0.75, Type.RESTART, crash)));

        Result result = new FaultRun(() -> server, inventory, schema, config).run();
        System.out.println("[negative control: synchronous_commit=off]\n" + result.report());

        assertThat(result.verdict().passed()).as(result.report()).isFalse();
        assertThat(result.verdict().lost()).as(result.report()).isPositive();
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
