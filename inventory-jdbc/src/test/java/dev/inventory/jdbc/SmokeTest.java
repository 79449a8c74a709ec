package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeTest {
  static HikariDataSource pool;
  static String schema;

  @BeforeAll
  static void start() {
    pool = TestDatabase.pool(4);
    schema = TestDatabase.newSchema(SmokeTest.class);
  }

  @AfterAll
  static void stop() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @Test
  void reserveConfirmRelease() {
    Inventory inv = JdbcInventory.builder(pool).schema(schema).build();
    StockKey a = StockKey.of("A");
    StockKey b = StockKey.of("B", "hub");
    inv.receive(a, 5, "delivery");
    inv.receive(b, 2, null);
    Reservation r =
        inv.reserve(
            ReservationRequest.builder("r1").line("A", 2).ttl(Duration.ofMinutes(5)).build());
    assertThat(r.status()).isEqualTo(Reservation.Status.HELD);
    assertThat(inv.level(a).available()).isEqualTo(3);
    Reservation r2 = inv.reserve(ReservationRequest.builder("r2").line("A", 1).line(b, 2).build());
    assertThat(inv.level(b).available()).isZero();
    assertThat(inv.confirm("r1").status()).isEqualTo(Reservation.Status.CONFIRMED);
    assertThat(inv.level(a).onHand()).isEqualTo(3);
    assertThat(inv.release(r2.id()).status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(inv.level(b).available()).isEqualTo(2);
    assertThatThrownBy(
            () -> inv.reserve(ReservationRequest.builder("r3").line("A", 9).line(b, 3).build()))
        .isInstanceOf(InsufficientStockException.class)
        .hasMessageContaining("requested 9");
    assertThat(inv.reserve(ReservationRequest.builder("r1").line("A", 2).build()).status())
        .isEqualTo(Reservation.Status.CONFIRMED);
  }
}
