package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.generic.GenericType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The plans of the hot path on a fresh schema. The functions run generic plans, made once per
 * session at its first call, when the tables may still be empty; twice such a plan read every line
 * of a hot SKU through the index by key for each confirm or release, so that a flash sale slowed
 * down with every hold (V7, fixed). No timing here: the index statistics tell which index each
 * statement used, and a checkout without buyers or shortages must never use the one by key.
 */
@DisplayName("the hot path on a fresh schema never reads a SKU's lines through the index by key")
class HotKeyPlansTest {
  private static final int THREADS = 8;
  private static final int CYCLES_PER_THREAD = 150;

  @Test
  @DisplayName(
      "reserve, then confirm or release, on one hot SKU: every line read by its reservation id")
  void cyclesReadLinesByReservationId() throws Exception {
    String schema = TestDatabase.newSchema(HotKeyPlansTest.class);
    String application = schema + "-app";
    try (HikariDataSource admin = TestDatabase.pool(1)) {
      Jdbi jdbi = Jdbi.create(admin);
      String migrator = schema + "-migrate";
      try (HikariDataSource migrate =
          TestDatabase.pool(2, c -> c.addDataSourceProperty("ApplicationName", migrator))) {
        JdbcInventory.builder(migrate).schema(schema).build();
      }
      awaitGone(jdbi, migrator);
      // What autovacuum does to a young schema: statistics that say the tables are (nearly)
      // empty. The sessions below make their plans on them.
      jdbi.useHandle(
          h -> h.execute("ANALYZE " + schema + ".reservation, " + schema + ".reservation_line"));
      Map<String, Long> before = lineIndexScans(jdbi, schema);
      try (HikariDataSource app =
          TestDatabase.pool(
              THREADS, c -> c.addDataSourceProperty("ApplicationName", application))) {
        Inventory inventory = JdbcInventory.builder(app).schema(schema).migrate(false).build();
        StockKey hot = StockKey.of("HOT");
        inventory.receive(hot, 1_000_000, null);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
          List<Future<?>> buyers = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            int thread = t;
            buyers.add(
                threads.submit(
                    () -> {
                      for (int i = 0; i < CYCLES_PER_THREAD; i++) {
                        String id = "c-" + thread + "-" + i;
                        inventory.reserve(ReservationRequest.builder(id).line(hot, 1).build());
                        if (i % 2 == 0) {
                          inventory.confirm(id);
                        } else {
                          inventory.release(id);
                        }
                      }
                      return null;
                    }));
          }
          for (Future<?> buyer : buyers) {
            buyer.get(2, TimeUnit.MINUTES);
          }
        } finally {
          threads.shutdownNow();
        }
      }
      awaitGone(jdbi, application);
      Map<String, Long> after = lineIndexScans(jdbi, schema);

      assertThat(after.get("reservation_line_pkey") - before.get("reservation_line_pkey"))
          .as("the lines of the confirms and releases, by reservation id (the statistics are in)")
          .isPositive();
      assertThat(after.get("reservation_line_by_key") - before.get("reservation_line_by_key"))
          .as("scans of the index by key")
          .isZero();
    } finally {
      try (HikariDataSource admin = TestDatabase.pool(1)) {
        TestDatabase.dropSchema(admin, schema);
      }
    }
  }

  /** A backend hands its statistics over when it exits: waits for a pool's backends to end. */
  private static void awaitGone(Jdbi jdbi, String application) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline
        && jdbi.withHandle(
                h ->
                    h.createQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app")
                        .bind("app", application)
                        .mapTo(Long.class)
                        .one())
            > 0) {
      Thread.sleep(20);
    }
  }

  private static Map<String, Long> lineIndexScans(Jdbi jdbi, String schema) {
    return jdbi.withHandle(
        h -> {
          h.execute("SELECT pg_stat_clear_snapshot()");
          return h.createQuery(
                  "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes"
                      + " WHERE schemaname = :schema AND relname = 'reservation_line'")
              .bind("schema", schema)
              .setMapKeyColumn("indexrelname")
              .setMapValueColumn("idx_scan")
              .collectInto(new GenericType<Map<String, Long>>() {});
        });
  }
}
