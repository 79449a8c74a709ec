package dev.inventory.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.micrometer.InventoryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * A Spring Boot 4 application with the starter, a DataSource and its own Flyway, against a real
 * PostgreSQL: it reserves and confirms on first start, joins {@code @Transactional}, and exposes
 * the meters and the health.
 */
@SpringBootTest(
    classes = ShopApplicationTest.Shop.class,
    properties = {
      "inventory.allow-no-timeouts=true",
      "inventory.health.enabled=true",
      "spring.flyway.locations=classpath:db/shop"
    })
@DisplayName("a Spring Boot application with the starter")
class ShopApplicationTest {
  static final String SCHEMA = TestDatabase.newSchema(ShopApplicationTest.class);
  static final String SHOP = TestDatabase.newSchema(ShopApplicationTest.class);

  /** The shop's pool: its own tables (orders) are in its schema, found by the search path. */
  static final HikariDataSource POOL =
      TestDatabase.pool(8, pool -> pool.setConnectionInitSql("SET search_path TO " + SHOP));

  @DynamicPropertySource
  static void schemas(DynamicPropertyRegistry registry) {
    registry.add("inventory.schema", () -> SCHEMA);
    registry.add("spring.flyway.schemas", () -> SHOP);
    registry.add("spring.flyway.placeholders.inventory", () -> SCHEMA);
  }

  @AfterAll
  static void drop() {
    TestDatabase.dropSchema(POOL, SHOP);
    TestDatabase.dropSchema(POOL, SCHEMA);
    POOL.close();
  }

  /** The application: a DataSource, its own service, and nothing else. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Checkout.class)
  static class Shop {
    @Bean
    DataSource dataSource() {
      return POOL;
    }
  }

  /** The application's checkout: its order row and the inventory in one transaction. */
  @Service
  static class Checkout {
    private final JdbcTemplate jdbc;
    private final SpringTransactionalInventory inventory;

    Checkout(JdbcTemplate jdbc, SpringTransactionalInventory inventory) {
      this.jdbc = jdbc;
      this.inventory = inventory;
    }

    // tag::transactional[]
    @Transactional
    public Reservation placeOrder(String orderId, String cartId, String sku, int quantity) {
      Reservation held =
          inventory.reserve(ReservationRequest.builder(cartId).line(sku, quantity).build());
      jdbc.update("INSERT INTO orders (id, cart_id) VALUES (?, ?)", orderId, cartId);
      return held; // the order and the hold commit together; an exception rolls back both
    }

    // end::transactional[]

    @Transactional
    public void placeOrderThenFail(String orderId, String cartId, String sku) {
      placeOrder(orderId, cartId, sku, 1);
      throw new IllegalStateException("payment declined");
    }
  }

  @Autowired Inventory inventory;
  @Autowired JdbcInventoryStore store;
  @Autowired Checkout checkout;
  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry registry;
  @Autowired InventoryHealthIndicator health;

  @Test
  @DisplayName("reserves and confirms on first start")
  void reservesAndConfirms() {
    StockKey key = StockKey.of("SKU-FIRST");
    inventory.receive(key, 3, "delivery");
    Reservation held = inventory.reserve(ReservationRequest.builder("first").line(key, 2).build());
    inventory.confirm(held.id());
    assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 1, 0));
  }

  @Test
  @DisplayName("@Transactional: the order row and the hold commit together")
  void commitsTogether() {
    StockKey key = StockKey.of("SKU-TX");
    inventory.receive(key, 5, null);

    checkout.placeOrder("order-1", "cart-tx-1", "SKU-TX", 2);

    assertThat(jdbc.queryForObject("SELECT cart_id FROM orders WHERE id = 'order-1'", String.class))
        .isEqualTo("cart-tx-1");
    assertThat(inventory.level(key).reserved()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "@Transactional that reserves and then throws leaves nothing held and nothing logged")
  void rollsBackTogether() {
    StockKey key = StockKey.of("SKU-RB");
    inventory.receive(key, 5, null);

    assertThatThrownBy(() -> checkout.placeOrderThenFail("order-2", "cart-rb-1", "SKU-RB"))
        .hasMessage("payment declined");

    assertThat(inventory.findReservation("cart-rb-1")).isEmpty();
    assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 5, 0));
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM " + SCHEMA + ".inventory_log WHERE reservation_id = ?",
                Integer.class,
                "cart-rb-1"))
        .isZero();
    assertThat(
            jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = 'order-2'", Integer.class))
        .isZero();
  }

  @Test
  @DisplayName("outside a transaction the transactional inventory refuses to run")
  void refusesOutsideATransaction() {
    assertThatThrownBy(
            () ->
                new SpringTransactionalInventory(store, POOL)
                    .reserve(ReservationRequest.builder("outside").line("SKU-X", 1).build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("exposes the meters and the health")
  void metersAndHealth() throws InterruptedException {
    StockKey key = StockKey.of("SKU-METER");
    inventory.receive(key, 1, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (registry.find(InventoryMetrics.CALLS).tags("operation", "receive").timer() == null
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(registry.get(InventoryMetrics.CALLS).tags("operation", "receive").timer().count())
        .isPositive();
    assertThat(registry.get(InventoryMetrics.LAG).timeGauge()).isNotNull();
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    assertThat(health.health().getDetails())
        .containsEntry("schemaVersion", store.requiredSchemaVersion());
  }
}
