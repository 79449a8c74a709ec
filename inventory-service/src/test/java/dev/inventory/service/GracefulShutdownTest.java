package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Stopping the service lets the checkouts in flight finish before the pool closes. */
@DisplayName("graceful shutdown")
class GracefulShutdownTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(GracefulShutdownTest.class);

  @AfterAll
  static void drop() {
    SCHEMAS.drop();
  }

  @Test
  @DisplayName("an order in flight when the service is told to stop completes, then it stops")
  void finishesInFlightCheckouts() throws Exception {
    TestService app = TestService.start(SCHEMAS, 0, Map.of());
    Http http = app.http();
    assertThat(http.put("/api/v1/hubs/default/stock/SLOW", "{\"onHand\":5}").status())
        .isEqualTo(200);
    try (HikariDataSource pool = TestDatabase.pool(1);
        Connection lock = pool.getConnection()) {
      // Hold the SKU's row, as a long transaction would: the order waits for it in PostgreSQL.
      lock.setAutoCommit(false);
      try (PreparedStatement select =
              lock.prepareStatement(
                  "SELECT on_hand FROM "
                      + SCHEMAS.inventory()
                      + ".stock_level WHERE sku = 'SLOW' FOR UPDATE");
          ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
      }
      CompletableFuture<Http.Response> order =
          CompletableFuture.supplyAsync(
              () ->
                  http.post(
                      "/api/v1/orders",
                      "{\"skuId\":\"SLOW\",\"quantity\":1,\"buyerId\":\"late\"}",
                      "Idempotency-Key",
                      "graceful-1"));
      Thread.sleep(300); // the order is in flight, waiting for the row

      Thread stopping = new Thread(app::close, "stopping");
      stopping.start();
      Thread.sleep(500);
      assertThat(stopping.isAlive()).as("the stop waits for the order in flight").isTrue();
      assertThat(order).isNotDone();

      lock.commit(); // the row is free: the order goes on
      Http.Response answer = order.get(20, TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
      stopping.join(Duration.ofSeconds(30).toMillis());
      assertThat(stopping.isAlive()).isFalse();

      String status;
      try (PreparedStatement select =
          lock.prepareStatement(
              "SELECT status FROM " + SCHEMAS.inventory() + ".reservation WHERE id = ?")) {
        select.setString(1, answer.json().get("orderId").asString());
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).isTrue();
          status = row.getString(1);
        }
      }
      lock.commit();
      assertThat(status).isEqualTo("CONFIRMED");
    } finally {
      app.close();
    }
  }
}
