package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Several sweepers (as in several application instances) on one PostgreSQL schema. */
class ExpirySweeperPostgresTest {
  private static final int HOLDS = 120;

  static HikariDataSource pool;
  static String schema;

  @BeforeAll
  static void start() {
    pool = TestDatabase.pool(8);
    schema = TestDatabase.newSchema(ExpirySweeperPostgresTest.class);
  }

  @AfterAll
  static void stop() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @Test
  @DisplayName("three sweepers drain a backlog together: every due hold is expired exactly once")
  void severalSweepersExpireEachHoldOnce() throws Exception {
    MutableClock clock = MutableClock.startingAt("2026-11-11T00:00:00Z");
    Inventory setup = JdbcInventory.builder(pool).schema(schema).clock(clock).build();
    StockKey key = StockKey.of("HOT-1");
    setup.receive(key, HOLDS + 5, "delivery");
    for (int i = 0; i < HOLDS; i++) {
      setup.reserve(
          ReservationRequest.builder("cart-" + i).line(key, 1).ttl(Duration.ofMinutes(15)).build());
    }
    setup.reserve(
        ReservationRequest.builder("still-paying").line(key, 2).ttl(Duration.ofHours(1)).build());
    clock.advance(Duration.ofMinutes(20));

    List<ExpirySweeper> sweepers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // One Inventory per "instance", sharing the schema (built once: the schema is migrated).
      Inventory instance =
          JdbcInventory.builder(pool).schema(schema).clock(clock).migrate(false).build();
      sweepers.add(
          ExpirySweeper.builder(instance)
              .period(Duration.ofMillis(5))
              .batchLimit(7)
              .threadName("sweeper-" + i)
              .start());
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sweepers.stream().mapToLong(ExpirySweeper::expiredCount).sum() < HOLDS
          && System.nanoTime() < deadline) {
        Thread.sleep(5); // background threads: poll their counters
      }
    } finally {
      sweepers.forEach(ExpirySweeper::close);
    }

    assertThat(sweepers.stream().mapToLong(ExpirySweeper::expiredCount).sum()).isEqualTo(HOLDS);
    assertThat(sweepers.stream().mapToLong(ExpirySweeper::failedRunCount).sum()).isZero();
    assertThat(setup.level(key).reserved()).isEqualTo(2);
    assertThat(setup.findReservation("still-paying").orElseThrow().status())
        .isEqualTo(Reservation.Status.HELD);
    assertThat(setup.findReservation("cart-0").orElseThrow().status())
        .isEqualTo(Reservation.Status.EXPIRED);
    // The log has one EXPIRE entry per hold: none was expired twice.
    assertThat(queryLong("SELECT count(*) FROM " + schema + ".inventory_log WHERE kind = 'EXPIRE'"))
        .isEqualTo(HOLDS);
    assertThat(
            queryLong(
                "SELECT count(DISTINCT reservation_id) FROM "
                    + schema
                    + ".inventory_log WHERE kind = 'EXPIRE'"))
        .isEqualTo(HOLDS);
    assertThat(
            queryLong("SELECT count(*) FROM " + schema + ".reservation WHERE status = 'EXPIRED'"))
        .isEqualTo(HOLDS);
  }

  private static long queryLong(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
