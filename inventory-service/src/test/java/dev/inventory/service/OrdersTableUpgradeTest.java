package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.TestDatabase;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The service's table {@code orders} across the upgrade that gave buyers to the library: its rows
 * stay, and an order taken before still shows its buyer.
 */
@DisplayName("the orders table of a service upgraded from V1")
class OrdersTableUpgradeTest {
  static final TestService.Schemas SCHEMAS =
      TestService.Schemas.fresh(OrdersTableUpgradeTest.class);

  @AfterAll
  static void drop() {
    SCHEMAS.drop();
  }

  @Test
  @DisplayName("every row kept by V2, and an order taken before shows the buyer kept there")
  void rowsKeptAndRead() {
    String orderId = "ord_taken_before_the_upgrade";
    try (HikariDataSource pool = TestDatabase.pool(2)) {
      // The service as the previous version left it: its migration V1, one order's buyer.
      Flyway.configure()
          .dataSource(pool)
          .schemas(SCHEMAS.service())
          .defaultSchema(SCHEMAS.service())
          .locations("classpath:db/service")
          .table("service_schema_history")
          .target("1")
          .load()
          .migrate();
      new JdbcTemplate(pool)
          .update(
              "INSERT INTO " + SCHEMAS.service() + ".orders (id, buyer_id) VALUES (?, ?)",
              orderId,
              "olivia");
    }
    try (TestService service = TestService.start(SCHEMAS, 0, Map.of())) {
      JdbcTemplate jdbc = new JdbcTemplate(service.bean(javax.sql.DataSource.class));
      assertThat(
              jdbc.queryForList(
                  "SELECT version FROM "
                      + SCHEMAS.service()
                      + ".service_schema_history WHERE success AND version IS NOT NULL"
                      + " ORDER BY installed_rank",
                  String.class))
          .containsExactly("1", "2");
      assertThat(
              jdbc.queryForList(
                  "SELECT buyer_id FROM " + SCHEMAS.service() + ".orders WHERE id = ?",
                  String.class,
                  orderId))
          .containsExactly("olivia");

      // Its sale, as the previous version made it: a purchase that named no buyer.
      service.http().put("/api/v1/hubs/default/stock/OLD-1", "{\"onHand\":5}");
      service
          .bean(Inventory.class)
          .purchase(ReservationRequest.builder(orderId).line(StockKey.of("OLD-1"), 1).build());
      JsonNode order = service.http().get("/api/v1/orders/" + orderId).json();
      assertThat(order.get("buyerId").asString()).isEqualTo("olivia");
      assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");

      // New orders leave the table alone: their buyer is the library's.
      JsonNode created =
          service
              .http()
              .post("/api/v1/orders", "{\"skuId\":\"OLD-1\",\"quantity\":1,\"buyerId\":\"paul\"}")
              .json();
      assertThat(created.get("buyerId").asString()).isEqualTo("paul");
      assertThat(jdbc.queryForList("SELECT id FROM " + SCHEMAS.service() + ".orders", String.class))
          .isEqualTo(List.of(orderId));
    }
  }
}
