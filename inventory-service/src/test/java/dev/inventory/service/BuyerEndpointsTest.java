package dev.inventory.service;

import static dev.inventory.service.ServiceEndpointsTest.problem;
import static dev.inventory.service.ServiceEndpointsTest.validation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.spring.boot.InventorySweeper;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Buyers over real HTTP: an order's and a cart's buyer is the library's, so a SKU's per-buyer limit
 * is applied with the sale itself; unit prices on the lines; a buyer's orders and carts listed.
 */
@SpringBootTest(
    classes = InventoryServiceApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("buyers, per-buyer limits and prices over HTTP")
class BuyerEndpointsTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(BuyerEndpointsTest.class);
  static final AtomicInteger NAMES = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestService.register(registry, SCHEMAS);
  }

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;

  @AfterAll
  void dropSchemas() {
    context.getBean(InventorySweeper.class).stop();
    SCHEMAS.drop();
  }

  Http http() {
    return new Http(port);
  }

  /** A name no other test uses: SKUs and buyers of their own for each test. */
  static String name(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }

  /** A SKU in the catalog with this per-buyer limit (null: none) and this stock at the hub. */
  String sku(Long perBuyerLimit, long onHand) {
    String sku = name("CAP");
    Http.Response created =
        http()
            .post(
                "/api/v1/skus",
                "{\"skuId\":\""
                    + sku
                    + "\",\"tenantId\":\"acme\",\"sellerId\":\"seller-1\",\"name\":\"Mug\""
                    + ",\"perBuyerLimit\":"
                    + perBuyerLimit
                    + "}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Http.Response stocked =
        http().put("/api/v1/hubs/default/stock/" + sku, "{\"onHand\":" + onHand + "}");
    assertThat(stocked.status()).as(stocked.toString()).isEqualTo(200);
    return sku;
  }

  static String order(String sku, long quantity, String buyer) {
    return "{\"skuId\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + ",\"buyerId\":\""
        + buyer
        + "\"}";
  }

  Http.Response buy(String sku, long quantity, String buyer, String... headers) {
    return http().post("/api/v1/orders", order(sku, quantity, buyer), headers);
  }

  Http.Response hold(String sku, long quantity, String buyer) {
    return http()
        .post(
            "/api/v1/carts",
            "{\"buyerId\":\""
                + buyer
                + "\",\"lines\":[{\"skuId\":\""
                + sku
                + "\",\"quantity\":"
                + quantity
                + "}]}");
  }

  long onHand(String sku) {
    return http().get("/api/v1/hubs/default/stock/" + sku).json().get("onHand").asLong();
  }

  long reserved(String sku) {
    return http().get("/api/v1/hubs/default/stock/" + sku).json().get("reserved").asLong();
  }

  /** The problem of a refusal by the limit, with its members checked. */
  static JsonNode overLimit(
      Http.Response response,
      String buyer,
      String sku,
      long limit,
      long used,
      long remaining,
      long requested) {
    JsonNode problem = problem(response, 422, "buyer-limit-exceeded");
    assertThat(problem.get("buyerId").asString()).isEqualTo(buyer);
    assertThat(problem.get("skuId").asString()).isEqualTo(sku);
    assertThat(problem.get("limit").asLong()).isEqualTo(limit);
    assertThat(problem.get("used").asLong()).isEqualTo(used);
    assertThat(problem.get("remaining").asLong()).isEqualTo(remaining);
    assertThat(problem.get("requested").asLong()).isEqualTo(requested);
    return problem;
  }

  @Nested
  @DisplayName("per-buyer limits")
  class Limits {
    @Test
    @DisplayName(
        "2 per buyer: a buyer ordering 3 one by one is refused the third, with the numbers")
    void thirdUnitRefused() {
      String sku = sku(2L, 10);
      String alice = name("alice");
      assertThat(buy(sku, 1, alice).status()).isEqualTo(201);
      assertThat(buy(sku, 1, alice).status()).isEqualTo(201);
      overLimit(buy(sku, 1, alice), alice, sku, 2, 2, 0, 1);
      assertThat(onHand(sku)).as("nothing sold by the refusal").isEqualTo(8);
    }

    @Test
    @DisplayName("one buyer at the limit does not limit another")
    void anotherBuyerUnaffected() {
      String sku = sku(2L, 10);
      String alice = name("alice");
      String bob = name("bob");
      assertThat(buy(sku, 2, alice).status()).isEqualTo(201);
      overLimit(buy(sku, 1, alice), alice, sku, 2, 2, 0, 1);
      Http.Response bobs = buy(sku, 2, bob);
      assertThat(bobs.status()).as(bobs.toString()).isEqualTo(201);
      assertThat(bobs.json().get("buyerId").asString()).isEqualTo(bob);
      String carol = name("carol");
      overLimit(buy(sku, 3, carol), carol, sku, 2, 0, 2, 3);
      assertThat(onHand(sku)).isEqualTo(6);
    }

    @Test
    @DisplayName("a cart counts against the limit; releasing it gives the units back")
    void releaseGivesUnitsBack() {
      String sku = sku(2L, 10);
      String carol = name("carol");
      Http.Response cart = hold(sku, 2, carol);
      assertThat(cart.status()).as(cart.toString()).isEqualTo(201);
      assertThat(cart.json().get("buyerId").asString()).isEqualTo(carol);
      String cartId = cart.json().get("cartId").asString();
      overLimit(buy(sku, 1, carol), carol, sku, 2, 2, 0, 1);
      overLimit(hold(sku, 1, carol), carol, sku, 2, 2, 0, 1);

      Http.Response released = http().post("/api/v1/carts/" + cartId + "/release");
      assertThat(released.status()).isEqualTo(200);
      assertThat(released.json().get("status").asString()).isEqualTo("RELEASED");
      assertThat(reserved(sku)).isZero();
      assertThat(buy(sku, 2, carol).status()).as("the released units count no more").isEqualTo(201);
      overLimit(buy(sku, 1, carol), carol, sku, 2, 2, 0, 1);
    }

    @Test
    @DisplayName("an amend that grows a buyer's cart past the limit: 422, the cart as it was")
    void amendPastTheLimit() {
      String sku = sku(3L, 10);
      String dave = name("dave");
      String cartId = hold(sku, 1, dave).json().get("cartId").asString();
      Http.Response grown =
          http()
              .put(
                  "/api/v1/carts/" + cartId + "/lines",
                  "{\"lines\":[{\"skuId\":\"" + sku + "\",\"quantity\":5}]}");
      overLimit(grown, dave, sku, 3, 1, 2, 4);
      assertThat(reserved(sku)).isEqualTo(1);
      Http.Response toThree =
          http()
              .put(
                  "/api/v1/carts/" + cartId + "/lines",
                  "{\"lines\":[{\"skuId\":\"" + sku + "\",\"quantity\":3}]}");
      assertThat(toThree.status()).as(toThree.toString()).isEqualTo(200);
      assertThat(toThree.json().get("buyerId").asString()).isEqualTo(dave);
      assertThat(http().post("/api/v1/carts/" + cartId + "/confirm").status()).isEqualTo(200);
      overLimit(buy(sku, 1, dave), dave, sku, 3, 3, 0, 1);
    }

    @Test
    @DisplayName("a repeat with the same Idempotency-Key answers the same, at the limit or over it")
    void repeatAnswersTheSame() {
      String sku = sku(2L, 10);
      String erin = name("erin");
      String first = "order-" + UUID.randomUUID();
      String second = "order-" + UUID.randomUUID();
      Http.Response bought = buy(sku, 2, erin, IdempotencyFilter.HEADER, first);
      Http.Response refused = buy(sku, 1, erin, IdempotencyFilter.HEADER, second);
      overLimit(refused, erin, sku, 2, 2, 0, 1);

      Http.Response boughtAgain = buy(sku, 2, erin, IdempotencyFilter.HEADER, first);
      assertThat(boughtAgain.status()).isEqualTo(201);
      assertThat(boughtAgain.body()).isEqualTo(bought.body());
      assertThat(boughtAgain.header(IdempotencyFilter.REPLAYED)).contains("true");
      Http.Response refusedAgain = buy(sku, 1, erin, IdempotencyFilter.HEADER, second);
      assertThat(refusedAgain.status()).isEqualTo(422);
      assertThat(refusedAgain.body()).isEqualTo(refused.body());
      assertThat(onHand(sku)).as("bought once").isEqualTo(8);
    }

    @Test
    @DisplayName("the limit is the SKU's, set through the SKU endpoints; without one, no limit")
    void limitSetThroughTheSku() {
      String sku = sku(null, 10);
      String frank = name("frank");
      assertThat(buy(sku, 3, frank).status()).as("no limit").isEqualTo(201);
      Http.Response limited =
          http()
              .put(
                  "/api/v1/skus/" + sku,
                  "{\"tenantId\":\"acme\",\"sellerId\":\"seller-1\",\"name\":\"Mug\","
                      + "\"active\":true,\"perBuyerLimit\":1}");
      assertThat(limited.status()).as(limited.toString()).isEqualTo(200);
      String grace = name("grace");
      overLimit(buy(sku, 2, grace), grace, sku, 1, 0, 1, 2);
      assertThat(buy(sku, 1, grace).status()).isEqualTo(201);
      Http.Response orderWithoutBuyer =
          http().post("/api/v1/carts", "{\"lines\":[{\"skuId\":\"" + sku + "\",\"quantity\":2}]}");
      assertThat(orderWithoutBuyer.status()).as("a cart for nobody is not limited").isEqualTo(201);
    }
  }

  @Nested
  @DisplayName("unit prices")
  class Prices {
    @Test
    @DisplayName("an order's price and buyer are read back with it")
    void orderWithPrice() {
      String sku = sku(null, 5);
      String buyer = name("heidi");
      Http.Response created =
          http()
              .post(
                  "/api/v1/orders",
                  "{\"skuId\":\""
                      + sku
                      + "\",\"quantity\":2,\"buyerId\":\""
                      + buyer
                      + "\",\"unitPrice\":{\"amountMinor\":1999,\"currency\":\"EUR\"}}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      JsonNode read = http().get(created.header("Location").orElseThrow()).json();
      assertThat(read).isEqualTo(created.json());
      assertThat(read.get("buyerId").asString()).isEqualTo(buyer);
      assertThat(read.get("unitPrice").get("amountMinor").asLong()).isEqualTo(1999);
      assertThat(read.get("unitPrice").get("currency").asString()).isEqualTo("EUR");

      JsonNode unpriced = buy(sku, 1, buyer).json();
      assertThat(unpriced.get("unitPrice").isNull()).isTrue();
    }

    @Test
    @DisplayName("a cart's lines keep their prices, through an amend")
    void cartWithPrices() {
      String one = sku(null, 5);
      String two = sku(null, 5);
      Http.Response cart =
          http()
              .post(
                  "/api/v1/carts",
                  "{\"buyerId\":\"ivan\",\"lines\":[{\"skuId\":\""
                      + one
                      + "\",\"quantity\":1,\"unitPrice\":{\"amountMinor\":500,\"currency\":\"USD\"}},"
                      + "{\"skuId\":\""
                      + two
                      + "\",\"quantity\":1}]}");
      assertThat(cart.status()).as(cart.toString()).isEqualTo(201);
      JsonNode lines = cart.json().get("lines");
      assertThat(lines.get(0).get("unitPrice").get("amountMinor").asLong()).isEqualTo(500);
      assertThat(lines.get(1).get("unitPrice").isNull()).isTrue();

      String cartId = cart.json().get("cartId").asString();
      Http.Response amended =
          http()
              .put(
                  "/api/v1/carts/" + cartId + "/lines",
                  "{\"lines\":[{\"skuId\":\""
                      + two
                      + "\",\"quantity\":2,\"unitPrice\":{\"amountMinor\":0,\"currency\":\"JPY\"}}]}");
      assertThat(amended.status()).as(amended.toString()).isEqualTo(200);
      JsonNode line = amended.json().get("lines").get(0);
      assertThat(line.get("unitPrice").get("currency").asString()).isEqualTo("JPY");
      assertThat(http().get("/api/v1/carts/" + cartId).json()).isEqualTo(amended.json());
    }

    @Test
    @DisplayName("a price out of bounds names its field: 400 validation-failed")
    void badPrices() {
      String price = ",\"unitPrice\":{\"amountMinor\":-1,\"currency\":\"eur\"}}";
      String body = order("A", 1, "b");
      validation(
          http().post("/api/v1/orders", body.substring(0, body.length() - 1) + price),
          "unitPrice.amountMinor",
          "unitPrice.currency");
      validation(
          http()
              .post(
                  "/api/v1/orders",
                  body.substring(0, body.length() - 1) + ",\"unitPrice\":{\"amountMinor\":1}}"),
          "unitPrice.currency");
      validation(
          http()
              .post(
                  "/api/v1/carts",
                  "{\"buyerId\":\"b c\",\"lines\":[{\"skuId\":\"A\",\"quantity\":1,"
                      + "\"unitPrice\":{\"amountMinor\":1,\"currency\":\"EURO\"}}]}"),
          "buyerId",
          "lines[0].unitPrice.currency");
    }
  }

  @Nested
  @DisplayName("a buyer's orders")
  class Listing {
    @Test
    @DisplayName("orders and carts of one buyer, newest first, a page at a time")
    void newestFirst() {
      String sku = sku(null, 10);
      String buyer = name("judy");
      String first = buy(sku, 1, buyer).json().get("orderId").asString();
      String cart = hold(sku, 1, buyer).json().get("cartId").asString();
      String last = buy(sku, 2, buyer).json().get("orderId").asString();
      assertThat(buy(sku, 1, name("mallory")).status()).isEqualTo(201);

      JsonNode page = http().get("/api/v1/orders?buyerId=" + buyer + "&pageSize=2").json();
      assertThat(page.get("buyerId").asString()).isEqualTo(buyer);
      List<JsonNode> orders = page.get("orders").values().stream().toList();
      assertThat(orders).extracting(o -> o.get("id").asString()).containsExactly(last, cart);
      assertThat(orders.get(0).get("kind").asString()).isEqualTo("order");
      assertThat(orders.get(0).get("url").asString()).isEqualTo("/api/v1/orders/" + last);
      assertThat(orders.get(0).get("lines").get(0).get("quantity").asLong()).isEqualTo(2);
      assertThat(orders.get(0).get("expiresAt").isNull()).isTrue();
      assertThat(orders.get(1).get("kind").asString()).isEqualTo("cart");
      assertThat(orders.get(1).get("url").asString()).isEqualTo("/api/v1/carts/" + cart);
      assertThat(orders.get(1).get("status").asString()).isEqualTo("HELD");
      String cursor = page.get("nextCursor").asString();
      assertThat(cursor).isNotBlank();

      JsonNode next =
          http()
              .get(
                  "/api/v1/orders?buyerId="
                      + buyer
                      + "&pageSize=2&cursor="
                      + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8))
              .json();
      assertThat(next.get("orders").values().stream().map(o -> o.get("id").asString()).toList())
          .containsExactly(first);
      assertThat(next.get("nextCursor").isNull()).isTrue();

      JsonNode none = http().get("/api/v1/orders?buyerId=" + name("nobody")).json();
      assertThat(none.get("orders").isEmpty()).isTrue();
      assertThat(none.get("nextCursor").isNull()).isTrue();
    }

    @Test
    @DisplayName("bad parameters name the field: buyerId, pageSize, a cursor of another buyer")
    void badParameters() {
      validation(http().get("/api/v1/orders"), "buyerId");
      validation(http().get("/api/v1/orders?buyerId=a%20b"), "buyerId");
      validation(http().get("/api/v1/orders?buyerId=a&pageSize=0"), "pageSize");
      validation(http().get("/api/v1/orders?buyerId=a&pageSize=1001"), "pageSize");
      String sku = sku(null, 10);
      String buyer = name("ken");
      buy(sku, 1, buyer);
      buy(sku, 1, buyer);
      String cursor =
          http()
              .get("/api/v1/orders?buyerId=" + buyer + "&pageSize=1")
              .json()
              .get("nextCursor")
              .asString();
      validation(
          http()
              .get(
                  "/api/v1/orders?buyerId=someone-else&cursor="
                      + java.net.URLEncoder.encode(
                          cursor, java.nio.charset.StandardCharsets.UTF_8)),
          "cursor");
      validation(http().get("/api/v1/orders?buyerId=a&cursor=made-up"), "cursor");
    }

    @Test
    @DisplayName("an order taken before the library kept buyers shows the buyer the service kept")
    void orderFromBeforeTheLibraryKeptBuyers() {
      String sku = sku(null, 5);
      String orderId = "ord_" + UUID.randomUUID().toString().replace("-", "");
      // As the previous version took an order: the sale without a buyer, the buyer in `orders`.
      context
          .getBean(Inventory.class)
          .purchase(ReservationRequest.builder(orderId).line(StockKey.of(sku), 1).build());
      new JdbcTemplate(context.getBean(DataSource.class))
          .update(
              "INSERT INTO " + SCHEMAS.service() + ".orders (id, buyer_id) VALUES (?, ?)",
              orderId,
              "olivia");
      JsonNode order = http().get("/api/v1/orders/" + orderId).json();
      assertThat(order.get("buyerId").asString()).isEqualTo("olivia");
      assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
    }
  }
}
