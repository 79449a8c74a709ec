package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.spring.boot.InventorySweeper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint over real HTTP, its success and each of its error shapes, against the service on a
 * random port and a real PostgreSQL.
 */
@SpringBootTest(
    classes = InventoryServiceApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("the service's endpoints over HTTP")
class ServiceEndpointsTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(ServiceEndpointsTest.class);
  static final AtomicInteger NAMES = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestService.register(registry, SCHEMAS);
  }

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;

  Http http;

  @AfterAll
  void dropSchemas() {
    // The sweeper first; Spring keeps the context (no longer used) until the JVM ends.
    context.getBean(InventorySweeper.class).stop();
    SCHEMAS.drop();
  }

  Http http() {
    if (http == null) {
      http = new Http(port);
    }
    return http;
  }

  /** A SKU no other test uses. */
  static String sku() {
    return "T-" + NAMES.incrementAndGet();
  }

  void stock(String hub, String sku, long onHand) {
    assertThat(
            http()
                .put("/api/v1/hubs/" + hub + "/stock/" + sku, "{\"onHand\":" + onHand + "}")
                .status())
        .isEqualTo(200);
  }

  JsonNode level(String hub, String sku) {
    return http().get("/api/v1/hubs/" + hub + "/stock/" + sku).json();
  }

  /** The common shape of every problem: RFC 9457 members, our type, the request's path. */
  static JsonNode problem(Http.Response response, int status, String type) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.propertyNames().stream().limit(5).toList())
        .as("the RFC's members first, in its order")
        .containsExactly("type", "title", "status", "detail", "instance");
    assertThat(problem.get("type").asString())
        .isEqualTo("https://inventory-dev.github.io/inventory/problems/" + type);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asString()).isNotBlank();
    assertThat(problem.get("detail").asString()).isNotBlank();
    assertThat(problem.get("instance").asString()).startsWith("/");
    return problem;
  }

  static JsonNode validation(Http.Response response, String... fields) {
    JsonNode problem = problem(response, 400, "validation-failed");
    List<String> named =
        problem.get("errors").values().stream().map(e -> e.get("field").asString()).toList();
    assertThat(named).contains(fields);
    return problem;
  }

  /**
   * Runs the README's walk with curl against the service on this port, and checks what it answers
   * (skipped where curl is not installed).
   */
  static void walkTheReadme(int port) throws IOException, InterruptedException {
    Assumptions.assumeTrue(curlAnswers(), "curl is not installed");
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int marker = readme.indexOf("<!-- service-walkthrough -->");
    assertThat(marker).as("the README's walk-through marker").isPositive();
    int start = readme.indexOf("```bash\n", marker) + "```bash\n".length();
    String script = readme.substring(start, readme.indexOf("```\n", start));

    ProcessBuilder bash = new ProcessBuilder("bash", "-eu", "-c", script);
    bash.environment().put("B", "http://localhost:" + port);
    bash.redirectErrorStream(true);
    Process walk = bash.start();
    String output = new String(walk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(walk.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(walk.exitValue()).as(output).isZero();
    assertThat(output)
        .startsWith("{\"status\":\"UP\"}")
        .contains("{\"hubId\":\"hub-1\",\"name\":\"Hub 1, Bengaluru\",\"active\":true}")
        .contains("{\"skus\":[{\"skuId\":\"SKU-1\",\"tenantId\":\"acme\",\"sellerId\":\"seller-1\"")
        .contains("{\"skuId\":\"SKU-NEW\",\"hubId\":\"hub-1\",\"onHand\":0")
        .contains("{\"status\":true,\"orderId\":\"OMS-1\"")
        .contains("\"buyerId\":\"alice\"")
        .contains("{\"buyerId\":\"alice\",\"orders\":[{\"kind\":\"order\"")
        .contains("insufficient stock: SKU-1@hub-1 requested 500, available 95")
        .contains("\"state\":\"SUCCEEDED\"")
        .contains("day,sku,location,kind,on_hand_delta,reserved_delta,entries\n")
        .contains(",SKU-1,hub-1,sold,-5,0,2")
        .contains("\"sellerId\":\"seller-1\",\"days\":[{\"day\":");
  }

  private static boolean curlAnswers() {
    try {
      return new ProcessBuilder("curl", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Nested
  @DisplayName("stock per hub and SKU")
  class Stock {
    @Test
    @DisplayName("upsert sets on-hand; the level reads back; SKUs never stocked read as 0")
    void upsertAndRead() {
      String sku = sku();
      Http.Response set =
          http().put("/api/v1/hubs/hub-1/stock/" + sku, "{\"onHand\":7,\"reason\":\"count\"}");
      assertThat(set.status()).isEqualTo(200);
      assertThat(set.json().get("onHand").asLong()).isEqualTo(7);
      assertThat(set.json().get("available").asLong()).isEqualTo(7);

      Http.Response levels = http().get("/api/v1/hubs/hub-1/stock?skuIds=" + sku + ",NEVER-1");
      assertThat(levels.status()).isEqualTo(200);
      JsonNode body = levels.json();
      assertThat(body.get("hubId").asString()).isEqualTo("hub-1");
      assertThat(body.get("levels").size()).isEqualTo(2);
      JsonNode never = body.get("levels").get(0);
      assertThat(never.get("skuId").asString()).isEqualTo("NEVER-1");
      assertThat(never.get("onHand").asLong()).isZero();
      assertThat(never.get("available").asLong()).isZero();
      assertThat(body.get("levels").get(1).get("onHand").asLong()).isEqualTo(7);
      assertThat(level("hub-1", sku).get("reserved").asLong()).isZero();
    }

    @Test
    @DisplayName("the bulk upsert sets every SKU of a hub at once")
    void bulkUpsert() {
      String a = sku();
      String b = sku();
      Http.Response bulk =
          http()
              .put(
                  "/api/v1/hubs/hub-2/stock",
                  "{\"items\":[{\"skuId\":\""
                      + a
                      + "\",\"onHand\":3},{\"skuId\":\""
                      + b
                      + "\",\"onHand\":4}],\"reason\":\"stock-take\"}");
      assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
      assertThat(bulk.json().get("applied").asInt()).isEqualTo(2);
      assertThat(level("hub-2", a).get("onHand").asLong()).isEqualTo(3);
      assertThat(level("hub-2", b).get("onHand").asLong()).isEqualTo(4);
    }

    @Test
    @DisplayName("a bulk figure below what is reserved refuses the whole upsert: 422, each SKU")
    void bulkRefused() {
      String held = sku();
      String other = sku();
      stock("hub-3", held, 5);
      assertThat(
              http()
                  .post(
                      "/api/v1/carts",
                      "{\"lines\":[{\"skuId\":\""
                          + held
                          + "\",\"hubId\":\"hub-3\",\"quantity\":4}]}")
                  .status())
          .isEqualTo(201);

      JsonNode problem =
          problem(
              http()
                  .put(
                      "/api/v1/hubs/hub-3/stock",
                      "{\"items\":[{\"skuId\":\""
                          + held
                          + "\",\"onHand\":1},{\"skuId\":\""
                          + other
                          + "\",\"onHand\":9}]}"),
              422,
              "stock-below-reserved");
      JsonNode refused = problem.get("refused").get(0);
      assertThat(refused.get("skuId").asString()).isEqualTo(held);
      assertThat(refused.get("requested").asLong()).isEqualTo(1);
      assertThat(refused.get("reserved").asLong()).isEqualTo(4);
      assertThat(level("hub-3", other).get("onHand").asLong()).isZero();
    }

    @Test
    @DisplayName("a figure below what is reserved: 422 insufficient-stock")
    void setBelowReserved() {
      String sku = sku();
      stock("hub-1", sku, 5);
      http()
          .post(
              "/api/v1/carts",
              "{\"lines\":[{\"skuId\":\"" + sku + "\",\"hubId\":\"hub-1\",\"quantity\":4}]}");
      JsonNode problem =
          problem(
              http().put("/api/v1/hubs/hub-1/stock/" + sku, "{\"onHand\":2}"),
              422,
              "insufficient-stock");
      assertThat(problem.get("shortages").get(0).get("skuId").asString()).isEqualTo(sku);
    }

    @Test
    @DisplayName("a receipt adds; repeated with its Idempotency-Key it adds once")
    void receiptOnce() {
      String sku = sku();
      String key = "receipt-" + UUID.randomUUID();
      Http.Response first =
          http()
              .post(
                  "/api/v1/hubs/hub-1/stock/" + sku + "/receipts",
                  "{\"quantity\":10,\"reason\":\"delivery 4711\"}",
                  IdempotencyFilter.HEADER,
                  key);
      Http.Response again =
          http()
              .post(
                  "/api/v1/hubs/hub-1/stock/" + sku + "/receipts",
                  "{\"quantity\":10,\"reason\":\"delivery 4711\"}",
                  IdempotencyFilter.HEADER,
                  key);
      assertThat(first.status()).isEqualTo(201);
      assertThat(first.json().get("onHand").asLong()).isEqualTo(10);
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.json()).isEqualTo(first.json());
      assertThat(again.header(IdempotencyFilter.REPLAYED)).contains("true");
      assertThat(level("hub-1", sku).get("onHand").asLong()).isEqualTo(10);
    }

    @Test
    @DisplayName("bad input names the field: 400 validation-failed")
    void validation() {
      ServiceEndpointsTest.validation(http().get("/api/v1/hubs/hub-1/stock"), "skuIds");
      ServiceEndpointsTest.validation(
          http().get("/api/v1/hubs/hub-1/stock?skuIds=bad%20sku"), "skuIds");
      ServiceEndpointsTest.validation(http().get("/api/v1/hubs/bad%20hub/stock/SKU-1"), "hubId");
      ServiceEndpointsTest.validation(
          http().put("/api/v1/hubs/hub-1/stock/SKU-1", "{\"reason\":\"x\"}"), "onHand");
      ServiceEndpointsTest.validation(
          http().put("/api/v1/hubs/hub-1/stock/SKU-1", "{\"onHand\":-1}"), "onHand");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/hubs/hub-1/stock/SKU-1/receipts", "{\"quantity\":0}"), "quantity");
      ServiceEndpointsTest.validation(
          http().put("/api/v1/hubs/hub-1/stock", "{\"items\":[]}"), "items");
      ServiceEndpointsTest.validation(
          http().put("/api/v1/hubs/hub-1/stock", "{\"items\":[{\"skuId\":\"A\"}]}"),
          "items[0].onHand");
    }

    @Test
    @DisplayName("a SKU twice in a bulk upsert: 400 invalid-argument, the library's message")
    void bulkTwice() {
      JsonNode problem =
          problem(
              http()
                  .put(
                      "/api/v1/hubs/hub-1/stock",
                      "{\"items\":[{\"skuId\":\"T\",\"onHand\":1},{\"skuId\":\"T\",\"onHand\":2}]}"),
              400,
              "invalid-argument");
      assertThat(problem.get("detail").asString()).contains("T@hub-1");
    }
  }

  @Nested
  @DisplayName("checkInventory")
  class Check {
    String body(String orderId, String... items) {
      return "{\"orderId\":\""
          + orderId
          + "\",\"hubId\":\"hub-9\",\"items\":["
          + String.join(",", items)
          + "]}";
    }

    String item(String sku, long quantity) {
      return "{\"skuId\":\"" + sku + "\",\"quantity\":" + quantity + "}";
    }

    @Test
    @DisplayName("takes every item and answers status true; a repeat takes nothing more")
    void checkAndDecrement() {
      String a = sku();
      String b = sku();
      stock("hub-9", a, 5);
      stock("hub-9", b, 5);
      String order = "OMS-" + UUID.randomUUID();
      Http.Response first =
          http().post("/api/v1/inventory/check", body(order, item(a, 2), item(b, 1)));
      assertThat(first.status()).as(first.toString()).isEqualTo(200);
      assertThat(first.json().get("status").asBoolean()).isTrue();
      assertThat(first.json().get("orderId").asString()).isEqualTo(order);
      assertThat(first.json().get("items").size()).isEqualTo(2);

      Http.Response repeat =
          http().post("/api/v1/inventory/check", body(order, item(a, 2), item(b, 1)));
      assertThat(repeat.status()).isEqualTo(200);
      assertThat(repeat.json()).isEqualTo(first.json());
      assertThat(level("hub-9", a).get("onHand").asLong()).isEqualTo(3);
      assertThat(level("hub-9", b).get("onHand").asLong()).isEqualTo(4);
    }

    @Test
    @DisplayName("short: 422 with every short SKU, and nothing taken")
    void short_() {
      String a = sku();
      String b = sku();
      stock("hub-9", a, 1);
      JsonNode problem =
          problem(
              http()
                  .post(
                      "/api/v1/inventory/check",
                      body("OMS-" + UUID.randomUUID(), item(a, 2), item(b, 1))),
              422,
              "insufficient-stock");
      assertThat(problem.get("shortages").size()).isEqualTo(2);
      JsonNode first = problem.get("shortages").get(0);
      assertThat(first.get("skuId").asString()).isEqualTo(a);
      assertThat(first.get("hubId").asString()).isEqualTo("hub-9");
      assertThat(first.get("requested").asLong()).isEqualTo(2);
      assertThat(first.get("available").asLong()).isEqualTo(1);
      assertThat(level("hub-9", a).get("onHand").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("the same orderId with other items: 409 reservation-id-conflict with both")
    void conflict() {
      String a = sku();
      stock("hub-9", a, 5);
      String order = "OMS-" + UUID.randomUUID();
      http().post("/api/v1/inventory/check", body(order, item(a, 1)));
      JsonNode problem =
          problem(
              http().post("/api/v1/inventory/check", body(order, item(a, 2))),
              409,
              "reservation-id-conflict");
      assertThat(problem.get("existingLines").get(0).get("quantity").asLong()).isEqualTo(1);
      assertThat(problem.get("requestedLines").get(0).get("quantity").asLong()).isEqualTo(2);
    }

    @Test
    @DisplayName("bad input names the field")
    void validation() {
      ServiceEndpointsTest.validation(
          http().post("/api/v1/inventory/check", "{\"hubId\":\"h\",\"items\":[]}"),
          "orderId",
          "items");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/inventory/check", body("O-1", "{\"skuId\":\"A\",\"quantity\":0}")),
          "items[0].quantity");
    }
  }

  @Nested
  @DisplayName("orders")
  class Orders {
    @Test
    @DisplayName("POST buys at once: 201 with Location; GET reads the order with its buyer")
    void buyAndRead() {
      String sku = sku();
      stock("default", sku, 3);
      Http.Response created =
          http()
              .post(
                  "/api/v1/orders",
                  "{\"skuId\":\"" + sku + "\",\"quantity\":2,\"buyerId\":\"alice\"}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String location = created.header("Location").orElseThrow();
      JsonNode order = created.json();
      assertThat(location).isEqualTo("/api/v1/orders/" + order.get("orderId").asString());
      assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
      assertThat(order.get("buyerId").asString()).isEqualTo("alice");
      assertThat(order.get("hubId").asString()).isEqualTo("default");
      assertThat(order.get("quantity").asLong()).isEqualTo(2);

      Http.Response read = http().get(location);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json()).isEqualTo(order);
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("with an Idempotency-Key a repeat gets the same order and buys once")
    void buyOnce() {
      String sku = sku();
      stock("default", sku, 3);
      String key = "order-" + UUID.randomUUID();
      String body = "{\"skuId\":\"" + sku + "\",\"quantity\":1,\"buyerId\":\"bob\"}";
      Http.Response first = http().post("/api/v1/orders", body, IdempotencyFilter.HEADER, key);
      Http.Response again = http().post("/api/v1/orders", body, IdempotencyFilter.HEADER, key);
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header("Location")).isEqualTo(first.header("Location"));
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(2);
    }

    @Test
    @DisplayName("short: 422 insufficient-stock with the shortage")
    void short_() {
      String sku = sku();
      stock("default", sku, 1);
      JsonNode problem =
          problem(
              http()
                  .post(
                      "/api/v1/orders",
                      "{\"skuId\":\"" + sku + "\",\"quantity\":2,\"buyerId\":\"carol\"}"),
              422,
              "insufficient-stock");
      JsonNode shortage = problem.get("shortages").get(0);
      assertThat(shortage.get("requested").asLong()).isEqualTo(2);
      assertThat(shortage.get("available").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("an unknown order, or a cart's id on the orders path: 404 reservation-not-found")
    void notFound() {
      JsonNode problem =
          problem(http().get("/api/v1/orders/ord_nothing"), 404, "reservation-not-found");
      assertThat(problem.get("reservationId").asString()).isEqualTo("ord_nothing");
      problem(http().get("/api/v1/orders/cart_something"), 404, "reservation-not-found");
    }

    @Test
    @DisplayName("bad input names the field, never a 500")
    void badInput() {
      ServiceEndpointsTest.validation(
          http().post("/api/v1/orders", "{\"skuId\":\"A\",\"quantity\":1}"), "buyerId");
      ServiceEndpointsTest.validation(
          http()
              .post(
                  "/api/v1/orders", "{\"skuId\":\"A\",\"quantity\":1000000001,\"buyerId\":\"b\"}"),
          "quantity");
      JsonNode malformed =
          problem(
              http()
                  .post(
                      "/api/v1/orders",
                      "{\"skuId\":\"A\",\"quantity\":\"many\",\"buyerId\":\"b\"}"),
              400,
              "malformed-request");
      assertThat(malformed.get("field").asString()).isEqualTo("quantity");
      problem(
          http()
              .post(
                  "/api/v1/orders",
                  "{\"skuId\":\"A\",\"quantity\":99999999999999999999999,\"buyerId\":\"b\"}"),
          400,
          "malformed-request");
      problem(http().post("/api/v1/orders", "{\"skuId\":"), 400, "malformed-request");
      problem(http().post("/api/v1/orders", "[1,2]"), 400, "malformed-request");
    }
  }

  @Nested
  @DisplayName("carts")
  class Carts {
    String reserve(String sku, long quantity, long ttlSeconds) {
      Http.Response held =
          http()
              .post(
                  "/api/v1/carts",
                  "{\"lines\":[{\"skuId\":\""
                      + sku
                      + "\",\"quantity\":"
                      + quantity
                      + "}],\"ttlSeconds\":"
                      + ttlSeconds
                      + "}");
      assertThat(held.status()).as(held.toString()).isEqualTo(201);
      return held.json().get("cartId").asString();
    }

    @Test
    @DisplayName("reserve, amend, extend, confirm: the units are sold; confirming again is 200")
    void lifecycle() {
      String sku = sku();
      stock("default", sku, 10);
      String cart = reserve(sku, 2, 600);
      JsonNode read = http().get("/api/v1/carts/" + cart).json();
      assertThat(read.get("status").asString()).isEqualTo("HELD");
      assertThat(level("default", sku).get("reserved").asLong()).isEqualTo(2);

      Http.Response amended =
          http()
              .put(
                  "/api/v1/carts/" + cart + "/lines",
                  "{\"lines\":[{\"skuId\":\"" + sku + "\",\"quantity\":3}]}");
      assertThat(amended.status()).isEqualTo(200);
      assertThat(amended.json().get("lines").get(0).get("quantity").asLong()).isEqualTo(3);

      Http.Response extended =
          http().post("/api/v1/carts/" + cart + "/extend", "{\"ttlSeconds\":1200}");
      assertThat(extended.status()).isEqualTo(200);
      assertThat(extended.json().get("expiresAt").asString())
          .isGreaterThan(read.get("expiresAt").asString());

      Http.Response confirmed = http().post("/api/v1/carts/" + cart + "/confirm");
      assertThat(confirmed.status()).isEqualTo(200);
      assertThat(confirmed.json().get("status").asString()).isEqualTo("CONFIRMED");
      assertThat(http().post("/api/v1/carts/" + cart + "/confirm").status()).isEqualTo(200);
      JsonNode after = level("default", sku);
      assertThat(after.get("onHand").asLong()).isEqualTo(7);
      assertThat(after.get("reserved").asLong()).isZero();

      JsonNode problem =
          problem(http().post("/api/v1/carts/" + cart + "/release"), 409, "reservation-state");
      assertThat(problem.get("reservationStatus").asString()).isEqualTo("CONFIRMED");
      assertThat(problem.get("reservationId").asString()).isEqualTo(cart);
    }

    @Test
    @DisplayName("release frees the units; a confirm afterwards is 409 reservation-state")
    void release() {
      String sku = sku();
      stock("default", sku, 2);
      String cart = reserve(sku, 2, 600);
      Http.Response released = http().post("/api/v1/carts/" + cart + "/release");
      assertThat(released.status()).isEqualTo(200);
      assertThat(released.json().get("status").asString()).isEqualTo("RELEASED");
      assertThat(level("default", sku).get("available").asLong()).isEqualTo(2);
      JsonNode problem =
          problem(http().post("/api/v1/carts/" + cart + "/confirm"), 409, "reservation-state");
      assertThat(problem.get("reservationStatus").asString()).isEqualTo("RELEASED");
    }

    @Test
    @DisplayName("a cart past its TTL: EXPIRED, and confirm is 409 reservation-expired")
    void expired() throws InterruptedException {
      String sku = sku();
      stock("default", sku, 1);
      String cart = reserve(sku, 1, 1);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!http().get("/api/v1/carts/" + cart).json().get("status").asString().equals("EXPIRED")
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      JsonNode problem =
          problem(http().post("/api/v1/carts/" + cart + "/confirm"), 409, "reservation-expired");
      assertThat(problem.get("reservationStatus").asString()).isEqualTo("EXPIRED");
      assertThat(problem.get("expiresAt").asString()).isNotBlank();
      problem(
          http().post("/api/v1/carts/" + cart + "/extend", "{\"ttlSeconds\":60}"),
          409,
          "reservation-expired");
      assertThat(level("default", sku).get("available").asLong()).isEqualTo(1);
    }

    @Test
    @DisplayName("short lines: 422 with every shortage, nothing held; amend past stock: 422")
    void short_() {
      String a = sku();
      String b = sku();
      stock("default", a, 1);
      JsonNode problem =
          problem(
              http()
                  .post(
                      "/api/v1/carts",
                      "{\"lines\":[{\"skuId\":\""
                          + a
                          + "\",\"quantity\":2},{\"skuId\":\""
                          + b
                          + "\",\"quantity\":1}]}"),
              422,
              "insufficient-stock");
      assertThat(problem.get("shortages").size()).isEqualTo(2);
      assertThat(level("default", a).get("reserved").asLong()).isZero();

      String cart = reserve(a, 1, 600);
      problem(
          http()
              .put(
                  "/api/v1/carts/" + cart + "/lines",
                  "{\"lines\":[{\"skuId\":\"" + a + "\",\"quantity\":5}]}"),
          422,
          "insufficient-stock");
    }

    @Test
    @DisplayName("an unknown cart, or an order's id on the carts path: 404")
    void notFound() {
      problem(http().get("/api/v1/carts/cart_none"), 404, "reservation-not-found");
      problem(http().post("/api/v1/carts/cart_none/confirm"), 404, "reservation-not-found");
      problem(http().post("/api/v1/carts/cart_none/release"), 404, "reservation-not-found");
      problem(
          http().post("/api/v1/carts/cart_none/extend", "{\"ttlSeconds\":5}"),
          404,
          "reservation-not-found");
      problem(
          http()
              .put(
                  "/api/v1/carts/cart_none/lines",
                  "{\"lines\":[{\"skuId\":\"A\",\"quantity\":1}]}"),
          404,
          "reservation-not-found");
      problem(http().get("/api/v1/carts/ord_123"), 404, "reservation-not-found");
    }

    @Test
    @DisplayName("bad input names the field")
    void validation() {
      ServiceEndpointsTest.validation(http().post("/api/v1/carts", "{\"lines\":[]}"), "lines");
      ServiceEndpointsTest.validation(
          http()
              .post(
                  "/api/v1/carts",
                  "{\"lines\":[{\"skuId\":\"A\",\"quantity\":1}],\"ttlSeconds\":0}"),
          "ttlSeconds");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/carts", "{\"lines\":[{\"skuId\":\"a b\",\"quantity\":1}]}"),
          "lines[0].skuId");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/carts/cart_x/extend", "{}"), "ttlSeconds");
    }
  }

  @Nested
  @DisplayName("settlement jobs")
  class Settlement {
    @Test
    @DisplayName("start, poll to SUCCEEDED with progress, download the CSV; cancel afterwards: 409")
    void startPollDownload() throws InterruptedException {
      String sku = sku();
      stock("hub-s", sku, 4);
      http()
          .post(
              "/api/v1/orders",
              "{\"skuId\":\"" + sku + "\",\"hubId\":\"hub-s\",\"quantity\":1,\"buyerId\":\"d\"}");
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      Http.Response started =
          http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\"" + today.minusDays(2) + "\",\"to\":\"" + today + "\"}");
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      String location = started.header("Location").orElseThrow();
      assertThat(started.json().get("daysTotal").asInt()).isEqualTo(3);

      JsonNode job = http().awaitEnd(location);
      assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
      assertThat(job.get("daysDone").asInt()).isEqualTo(3);
      String download = job.get("downloadUrl").asString();
      assertThat(download).isEqualTo(location + "/download");

      Http.Response csv = http().get(download);
      assertThat(csv.status()).isEqualTo(200);
      assertThat(csv.contentType()).startsWith("text/csv");
      assertThat(csv.header("Content-Disposition").orElseThrow()).contains("attachment");
      assertThat(csv.body())
          .startsWith("day,sku,location,kind,on_hand_delta,reserved_delta,entries\n")
          .contains(today + "," + sku + ",hub-s,sold,-1,0,1");

      JsonNode problem = problem(http().post(location + "/cancel"), 409, "job-state");
      assertThat(problem.get("state").asString()).isEqualTo("SUCCEEDED");
      JsonNode notResumed = problem(http().post(location + "/resume"), 409, "job-state");
      assertThat(notResumed.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(job.get("sellersUrl").asString())
          .isEqualTo(
              "/api/v1/settlement/sellers/download?from=" + today.minusDays(2) + "&to=" + today);
      assertThat(http().get(job.get("grossUrl").asString()).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("cancel a running job: 202, it ends CANCELLED; its CSV is 409 job-state")
    void cancel() throws InterruptedException {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      Http.Response started =
          http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\""
                      + today.minusDays(3000)
                      + "\",\"to\":\""
                      + today
                      + "\",\"workers\":1}");
      String location = started.header("Location").orElseThrow();
      Http.Response cancelled = http().post(location + "/cancel");
      if (cancelled.status() == 409) {
        return; // it finished 3,001 days before the cancel came: nothing to see on this machine
      }
      assertThat(cancelled.status()).isEqualTo(202);
      JsonNode job = http().awaitEnd(location);
      assertThat(job.get("state").asString()).isIn("CANCELLED", "SUCCEEDED");
      if (job.get("state").asString().equals("CANCELLED")) {
        assertThat(job.get("downloadUrl").isNull()).isTrue();
        problem(http().get(location + "/download"), 409, "job-state");
      }
    }

    /** An order's body without its closing brace, for a price to be added. */
    String orderBody(String sku, long quantity) {
      return "{\"skuId\":\"" + sku + "\",\"quantity\":" + quantity + ",\"buyerId\":\"settle\"";
    }

    @Test
    @DisplayName("per seller: units and gross amounts of a summarized day, as JSON and as CSV")
    void perSeller() throws InterruptedException {
      String seller = "seller-" + NAMES.incrementAndGet();
      String mug = sku();
      String cup = sku();
      for (String sku : List.of(mug, cup)) {
        assertThat(
                http()
                    .post(
                        "/api/v1/skus",
                        "{\"skuId\":\""
                            + sku
                            + "\",\"tenantId\":\"acme\",\"sellerId\":\""
                            + seller
                            + "\",\"name\":\"Mug\"}")
                    .status())
            .isEqualTo(201);
        stock("default", sku, 10);
      }
      String priced = ",\"unitPrice\":{\"amountMinor\":%d,\"currency\":\"%s\"}}";
      for (String order :
          List.of(
              orderBody(mug, 2) + String.format(priced, 1250, "EUR"),
              orderBody(cup, 1) + String.format(priced, 300, "EUR"),
              orderBody(cup, 3) + String.format(priced, 400, "USD"),
              orderBody(mug, 1) + "}")) {
        Http.Response sold = http().post("/api/v1/orders", order);
        assertThat(sold.status()).as(sold.toString()).isEqualTo(201);
      }
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      String location =
          http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\"" + today + "\",\"to\":\"" + today + "\"}")
              .header("Location")
              .orElseThrow();
      JsonNode job = http().awaitEnd(location);
      assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");

      String range = "?from=" + today + "&to=" + today + "&sellerId=" + seller;
      JsonNode summary = http().get("/api/v1/settlement/sellers" + range).json();
      assertThat(summary.get("sellerId").asString()).isEqualTo(seller);
      JsonNode day = summary.get("days").get(0);
      assertThat(summary.get("days").size()).isEqualTo(1);
      assertThat(day.get("day").asString()).isEqualTo(today.toString());
      assertThat(day.get("sellerId").asString()).isEqualTo(seller);
      assertThat(day.get("sold").asLong()).isEqualTo(7);
      assertThat(day.get("adjusted").asLong()).as("the two stock figures").isEqualTo(20);

      JsonNode amounts = http().get("/api/v1/settlement/gross" + range).json().get("amounts");
      assertThat(amounts.size()).isEqualTo(2);
      assertThat(amounts.get(0).get("currency").asString()).isEqualTo("EUR");
      assertThat(amounts.get(0).get("units").asLong()).isEqualTo(3);
      assertThat(amounts.get(0).get("amountMinor").asLong()).isEqualTo(2 * 1250 + 300);
      assertThat(amounts.get(1).get("currency").asString()).isEqualTo("USD");
      assertThat(amounts.get(1).get("amountMinor").asLong()).isEqualTo(3 * 400);

      Http.Response sellersCsv = http().get("/api/v1/settlement/sellers/download" + range);
      assertThat(sellersCsv.status()).isEqualTo(200);
      assertThat(sellersCsv.contentType()).startsWith("text/csv");
      assertThat(sellersCsv.header("Content-Disposition").orElseThrow()).contains("attachment");
      assertThat(sellersCsv.body())
          .isEqualTo(
              "day,seller,sold,reserved,released,expired,received,adjusted,entries\n"
                  + today
                  + ","
                  + seller
                  + ",7,0,0,0,0,20,"
                  + day.get("entries").asLong()
                  + "\n");
      assertThat(http().get("/api/v1/settlement/gross/download" + range).body())
          .isEqualTo(
              "day,seller,currency,units,amount_minor\n"
                  + today
                  + ","
                  + seller
                  + ",EUR,3,2800\n"
                  + today
                  + ","
                  + seller
                  + ",USD,3,1200\n");
      JsonNode everySeller =
          http().get("/api/v1/settlement/sellers?from=" + today + "&to=" + today).json();
      assertThat(everySeller.get("sellerId").isNull()).isTrue();
      assertThat(everySeller.get("days").size()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("per seller: a range or seller out of bounds names the field")
    void perSellerErrors() {
      ServiceEndpointsTest.validation(
          http().get("/api/v1/settlement/sellers?from=2026-03-02&to=2026-03-01"), "to");
      ServiceEndpointsTest.validation(http().get("/api/v1/settlement/gross?to=2026-03-01"), "from");
      ServiceEndpointsTest.validation(
          http().get("/api/v1/settlement/gross?from=March&to=2026-03-01"), "from");
      ServiceEndpointsTest.validation(
          http().get("/api/v1/settlement/sellers/download?from=0001-01-01&to=9999-12-31"), "to");
      ServiceEndpointsTest.validation(
          http()
              .get(
                  "/api/v1/settlement/gross/download?from=2026-03-01&to=2026-03-01&sellerId=a%20b"),
          "sellerId");
    }

    @Test
    @DisplayName("an unknown job: 404 job-not-found; a malformed id or range names the field")
    void errors() {
      UUID unknown = UUID.randomUUID();
      JsonNode problem = problem(http().get("/api/v1/jobs/" + unknown), 404, "job-not-found");
      assertThat(problem.get("jobId").asString()).isEqualTo(unknown.toString());
      problem(http().post("/api/v1/jobs/" + unknown + "/cancel"), 404, "job-not-found");
      problem(http().get("/api/v1/jobs/" + unknown + "/download"), 404, "job-not-found");
      problem(http().post("/api/v1/jobs/" + unknown + "/resume"), 404, "job-not-found");
      ServiceEndpointsTest.validation(http().get("/api/v1/jobs/not-a-uuid"), "jobId");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/jobs/settlement", "{\"from\":\"2026-03-02\",\"to\":\"2026-03-01\"}"),
          "to");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/jobs/settlement", "{\"from\":\"2026-03-01\"}"), "to");
      ServiceEndpointsTest.validation(
          http().post("/api/v1/jobs/settlement", "{\"from\":\"0001-01-01\",\"to\":\"9999-12-31\"}"),
          "to");
      ServiceEndpointsTest.validation(
          http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\"2026-03-01\",\"to\":\"2026-03-02\",\"workers\":99}"),
          "workers");
      JsonNode malformed =
          problem(
              http().post("/api/v1/jobs/settlement", "{\"from\":\"March\",\"to\":\"2026-03-02\"}"),
              400,
              "malformed-request");
      assertThat(malformed.get("field").asString()).isEqualTo("from");
    }
  }

  @Nested
  @DisplayName("Idempotency-Key")
  class IdempotencyKeys {
    String order(String sku) {
      return "{\"skuId\":\"" + sku + "\",\"quantity\":1,\"buyerId\":\"erin\"}";
    }

    @Test
    @DisplayName("a refusal is an answer too: repeated, it comes back as it was")
    void refusalReplayed() {
      String sku = sku();
      String key = "k-" + UUID.randomUUID();
      Http.Response first =
          http().post("/api/v1/orders", order(sku), IdempotencyFilter.HEADER, key);
      stock("default", sku, 5);
      Http.Response again =
          http().post("/api/v1/orders", order(sku), IdempotencyFilter.HEADER, key);
      assertThat(first.status()).isEqualTo(422);
      assertThat(again.status()).isEqualTo(422);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.contentType()).startsWith("application/problem+json");
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(5);
    }

    @Test
    @DisplayName("the key with another body or path: 422 idempotency-key-reused")
    void reused() {
      String sku = sku();
      stock("default", sku, 5);
      String key = "k-" + UUID.randomUUID();
      http().post("/api/v1/orders", order(sku), IdempotencyFilter.HEADER, key);
      JsonNode problem =
          problem(
              http()
                  .post(
                      "/api/v1/orders",
                      order(sku).replace("erin", "frank"),
                      IdempotencyFilter.HEADER,
                      key),
              422,
              "idempotency-key-reused");
      assertThat(problem.get("idempotencyKey").asString()).isEqualTo(key);
      assertThat(problem.get("firstPath").asString()).isEqualTo("/api/v1/orders");
      problem(
          http()
              .post(
                  "/api/v1/carts",
                  "{\"lines\":[{\"skuId\":\"" + sku + "\",\"quantity\":1}]}",
                  IdempotencyFilter.HEADER,
                  key),
          422,
          "idempotency-key-reused");
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(4);
    }

    @Test
    @DisplayName("copies of one request at the same time: one sale, every copy the same answer")
    void concurrentCopies() throws InterruptedException {
      String sku = sku();
      stock("default", sku, 5);
      String key = "k-" + UUID.randomUUID();
      Crowd.Result copies =
          new Crowd(http(), 8, Duration.ofSeconds(30))
              .run(
                  8,
                  copy ->
                      http()
                          .request(
                              "/api/v1/orders",
                              "Content-Type",
                              "application/json",
                              IdempotencyFilter.HEADER,
                              key)
                          .POST(HttpRequest.BodyPublishers.ofString(order(sku)))
                          .build());
      assertThat(copies.count(201)).as(copies.statuses().toString()).isEqualTo(8);
      assertThat(copies.outcomes().stream().map(o -> o.response().body()).distinct()).hasSize(1);
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(4);
    }

    @Test
    @DisplayName("copies of one receipt at the same time: the stock is added once")
    void concurrentReceipts() throws InterruptedException {
      String sku = sku();
      String key = "k-" + UUID.randomUUID();
      Crowd.Result copies =
          new Crowd(http(), 8, Duration.ofSeconds(30))
              .run(
                  8,
                  copy ->
                      http()
                          .request(
                              "/api/v1/hubs/default/stock/" + sku + "/receipts",
                              "Content-Type",
                              "application/json",
                              IdempotencyFilter.HEADER,
                              key)
                          .POST(HttpRequest.BodyPublishers.ofString("{\"quantity\":7}"))
                          .build());
      assertThat(copies.count(201)).as(copies.statuses().toString()).isEqualTo(8);
      assertThat(copies.outcomes().stream().map(o -> o.response().json()).distinct()).hasSize(1);
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(7);
    }

    @Test
    @DisplayName("an invalid key: 400 naming the header; a body too large to keep: 413")
    void invalidKey() {
      ServiceEndpointsTest.validation(
          http().post("/api/v1/orders", order("A"), IdempotencyFilter.HEADER, "x".repeat(256)),
          IdempotencyFilter.HEADER);
      ServiceEndpointsTest.validation(
          http().post("/api/v1/orders", order("A"), IdempotencyFilter.HEADER, "\"\""),
          IdempotencyFilter.HEADER);
      problem(
          http()
              .post(
                  "/api/v1/orders",
                  "{\"pad\":\"" + "x".repeat(1_100_000) + "\"}",
                  IdempotencyFilter.HEADER,
                  "big-" + UUID.randomUUID()),
          413,
          "request-too-large");
    }

    @Test
    @DisplayName("a quoted key (a Structured Field string) is the same key")
    void quotedKey() {
      String sku = sku();
      stock("default", sku, 5);
      String key = "k-" + UUID.randomUUID();
      Http.Response first =
          http().post("/api/v1/orders", order(sku), IdempotencyFilter.HEADER, key);
      Http.Response quoted =
          http().post("/api/v1/orders", order(sku), IdempotencyFilter.HEADER, "\"" + key + "\"");
      assertThat(quoted.body()).isEqualTo(first.body());
      assertThat(quoted.header(IdempotencyFilter.REPLAYED)).contains("true");
    }
  }

  @Nested
  @DisplayName("Spring MVC's own errors are problems too")
  class MvcProblems {
    @Test
    @DisplayName("an unknown path: 404; a wrong method: 405; a wrong media type: 415")
    void mvcErrors() {
      Http.Response unknown = http().get("/api/v1/nothing-here");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.contentType()).startsWith("application/problem+json");
      assertThat(unknown.json().get("instance").asString()).isEqualTo("/api/v1/nothing-here");
      assertThat(unknown.json().has("type")).as("about:blank is left out").isFalse();
      assertThat(unknown.json().get("title").asString()).isEqualTo("Not Found");

      Http.Response method = http().send("DELETE", "/api/v1/orders", "application/json", "{}");
      assertThat(method.status()).isEqualTo(405);
      assertThat(method.contentType()).startsWith("application/problem+json");

      Http.Response media = http().send("POST", "/api/v1/orders", "text/plain", "hello");
      assertThat(media.status()).isEqualTo(415);
      assertThat(media.contentType()).startsWith("application/problem+json");
    }
  }

  @Nested
  @DisplayName("Actuator")
  class Operability {
    @Test
    @DisplayName("health is UP with the library's indicator; the meters reach Prometheus")
    void healthAndMetrics() {
      Http.Response health = http().get("/actuator/health");
      assertThat(health.status()).isEqualTo(200);
      JsonNode inventory = health.json().get("components").get("inventory");
      assertThat(inventory.get("status").asString()).isEqualTo("UP");
      assertThat(inventory.get("details").get("schemaVersion").asInt()).isPositive();
      assertThat(http().get("/actuator/health/readiness").status()).isEqualTo(200);

      String sku = sku();
      stock("default", sku, 1);
      String scrape = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!scrape.contains("operation=\"set_on_hand\"") && System.nanoTime() < deadline) {
        scrape = http().get("/actuator/prometheus").body();
      }
      assertThat(scrape)
          .contains("inventory_calls_seconds_count")
          .contains("operation=\"set_on_hand\"")
          .contains("inventory_sweeper_lag_seconds");
      assertThat(http().get("/actuator/metrics/inventory.calls").status()).isEqualTo(200);
    }
  }

  @Nested
  @DisplayName("the OpenAPI description")
  class OpenApiDescription {
    @Test
    @DisplayName("served at /v3/api-docs, equals the committed openapi.json")
    void matchesTheCommittedCopy() throws IOException {
      Http.Response served = http().get("/v3/api-docs");
      assertThat(served.status()).isEqualTo(200);
      OpenApiFile.check(served.body());
      assertThat(http().get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
  }

  @Nested
  @DisplayName("the README's walk with curl")
  class ReadmeWalk {
    @Test
    @DisplayName("runs as written and answers what the README shows")
    void runsAsWritten() throws IOException, InterruptedException {
      walkTheReadme(port);
    }
  }

  @Nested
  @DisplayName("the database out of reach")
  class Unavailable {
    @Test
    @DisplayName("a row locked past lock_timeout: 503 inventory-timeout, Retry-After, nothing sold")
    void lockTimeout() throws SQLException {
      String sku = sku();
      stock("default", sku, 5);
      Http.Response answer;
      try (HikariDataSource pool = TestDatabase.pool(1);
          Connection lock = pool.getConnection()) {
        // A long transaction of someone else's holds the SKU's row past the service's 2 s.
        lock.setAutoCommit(false);
        try (PreparedStatement select =
            lock.prepareStatement(
                "SELECT on_hand FROM "
                    + SCHEMAS.inventory()
                    + ".stock_level WHERE sku = ? FOR UPDATE")) {
          select.setString(1, sku);
          select.executeQuery().close();
        }
        answer =
            http()
                .post(
                    "/api/v1/orders",
                    "{\"skuId\":\"" + sku + "\",\"quantity\":1,\"buyerId\":\"gil\"}");
        lock.rollback();
      }
      JsonNode problem = problem(answer, 503, "inventory-timeout");
      assertThat(answer.header("Retry-After")).contains("1");
      assertThat(problem.get("outcomeUnknown").asBoolean()).isFalse();
      assertThat(level("default", sku).get("onHand").asLong()).isEqualTo(5);
    }
  }
}
