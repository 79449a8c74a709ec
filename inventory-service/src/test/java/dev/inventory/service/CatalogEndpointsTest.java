package dev.inventory.service;

import static dev.inventory.service.ServiceEndpointsTest.problem;
import static dev.inventory.service.ServiceEndpointsTest.validation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.spring.boot.InventorySweeper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
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
 * Hubs and SKUs over real HTTP, every endpoint's success and error shapes, on a service in
 * known-keys mode ({@code service.known-keys-only=true}): orders, carts, checks and stock on a hub
 * or SKU the catalog does not know, or has deactivated, are refused with 422 unknown-keys.
 */
@SpringBootTest(
    classes = InventoryServiceApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("hubs, SKUs and known-keys mode over HTTP")
class CatalogEndpointsTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(CatalogEndpointsTest.class);
  static final AtomicInteger NAMES = new AtomicInteger();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestService.register(registry, SCHEMAS);
    registry.add("service.known-keys-only", () -> "true");
  }

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;

  Http http;

  @AfterAll
  void dropSchemas() {
    context.getBean(InventorySweeper.class).stop();
    SCHEMAS.drop();
  }

  Http http() {
    if (http == null) {
      http = new Http(port);
    }
    return http;
  }

  /**
   * A code no other test uses, nor the README's walk that runs here too ({@code hub-1}, {@code
   * SKU-1}): the counter's part is never a bare number after the prefix.
   */
  static String code(String prefix) {
    return prefix + "-t" + NAMES.incrementAndGet();
  }

  /** A JSON object of name-value pairs, in order; a null value is sent as null. */
  static String json(Object... pairs) {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      object.put((String) pairs[i], pairs[i + 1]);
    }
    return Http.JSON.writeValueAsString(object);
  }

  JsonNode createHub(String hubId) {
    Http.Response created =
        http().post("/api/v1/hubs", json("hubId", hubId, "name", "Hub " + hubId));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  JsonNode createSku(String skuId, String tenantId, String sellerId) {
    Http.Response created =
        http()
            .post(
                "/api/v1/skus",
                json(
                    "skuId",
                    skuId,
                    "tenantId",
                    tenantId,
                    "sellerId",
                    sellerId,
                    "name",
                    "Mug " + skuId));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  static List<String> ids(JsonNode array, String field) {
    List<String> ids = new ArrayList<>();
    array.values().forEach(entry -> ids.add(entry.get(field).asString()));
    return ids;
  }

  @Nested
  @DisplayName("hubs")
  class Hubs {
    @Test
    @DisplayName("create (201, Location), read, update, deactivate (idempotent), bring back")
    void lifecycle() {
      String hub = code("hub");
      Http.Response created =
          http().post("/api/v1/hubs", json("hubId", hub, "name", "Hub 7, Bengaluru"));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.header("Location")).contains("/api/v1/hubs/" + hub);
      assertThat(created.json().get("hubId").asString()).isEqualTo(hub);
      assertThat(created.json().get("name").asString()).isEqualTo("Hub 7, Bengaluru");
      assertThat(created.json().get("active").asBoolean()).isTrue();
      assertThat(http().get("/api/v1/hubs/" + hub).json()).isEqualTo(created.json());

      Http.Response renamed =
          http().put("/api/v1/hubs/" + hub, json("name", "Hub 7, Mysuru", "active", true));
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
      assertThat(renamed.json().get("name").asString()).isEqualTo("Hub 7, Mysuru");

      Http.Response deactivated = http().post("/api/v1/hubs/" + hub + "/deactivate");
      assertThat(deactivated.status()).isEqualTo(200);
      assertThat(deactivated.json().get("active").asBoolean()).isFalse();
      Http.Response again = http().post("/api/v1/hubs/" + hub + "/deactivate");
      assertThat(again.json()).isEqualTo(deactivated.json());
      assertThat(http().get("/api/v1/hubs/" + hub).json().get("active").asBoolean()).isFalse();

      Http.Response back =
          http().put("/api/v1/hubs/" + hub, json("name", "Hub 7, Mysuru", "active", true));
      assertThat(back.json().get("active").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("a create of a taken hubId: 409 catalog-entry-exists; the same values: 201 again")
    void createTwice() {
      String hub = code("hub");
      JsonNode first = createHub(hub);
      Http.Response same = http().post("/api/v1/hubs", json("hubId", hub, "name", "Hub " + hub));
      assertThat(same.status()).isEqualTo(201);
      assertThat(same.json()).isEqualTo(first);

      JsonNode problem =
          problem(
              http().post("/api/v1/hubs", json("hubId", hub, "name", "another name")),
              409,
              "catalog-entry-exists");
      assertThat(problem.get("kind").asString()).isEqualTo("hub");
      assertThat(problem.get("hubId").asString()).isEqualTo(hub);
      assertThat(http().get("/api/v1/hubs/" + hub).json()).isEqualTo(first);
    }

    @Test
    @DisplayName("an unknown hub: 404 catalog-entry-not-found on read, update and deactivate")
    void unknown() {
      String hub = code("nowhere");
      JsonNode problem = problem(http().get("/api/v1/hubs/" + hub), 404, "catalog-entry-not-found");
      assertThat(problem.get("kind").asString()).isEqualTo("hub");
      assertThat(problem.get("hubId").asString()).isEqualTo(hub);
      assertThat(problem.get("detail").asString())
          .isEqualTo("hub '" + hub + "' is not in the catalog");
      problem(
          http().put("/api/v1/hubs/" + hub, json("name", "x", "active", true)),
          404,
          "catalog-entry-not-found");
      problem(http().post("/api/v1/hubs/" + hub + "/deactivate"), 404, "catalog-entry-not-found");
    }

    @Test
    @DisplayName("bad input names the field: 400 validation-failed")
    void badInput() {
      validation(http().post("/api/v1/hubs", json("hubId", "bad hub")), "hubId", "name");
      validation(http().post("/api/v1/hubs", json("hubId", "h", "name", "a\u0001b")), "name");
      validation(http().post("/api/v1/hubs", json("hubId", "h", "name", "x".repeat(1001))), "name");
      validation(http().put("/api/v1/hubs/h", json("name", "x")), "active");
      validation(http().get("/api/v1/hubs/bad%20hub"), "hubId");
      validation(http().post("/api/v1/hubs/bad%20hub/deactivate"), "hubId");
      validation(http().get("/api/v1/hubs?pageSize=0"), "pageSize");
      validation(http().get("/api/v1/hubs?pageSize=1001"), "pageSize");
      validation(http().get("/api/v1/hubs?hubIds=ok,bad%20one"), "hubIds");
      validation(http().get("/api/v1/hubs?active=maybe"), "active");
      problem(http().post("/api/v1/hubs", "{\"hubId\":"), 400, "malformed-request");
    }

    @Test
    @DisplayName("list: hubId order, keyset pages, the active filter, hubIds in either form")
    void list() {
      List<String> hubs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        hubs.add(createHub(code("list-hub")).get("hubId").asString());
      }
      hubs.sort(null);
      http().post("/api/v1/hubs/" + hubs.get(1) + "/deactivate");
      http().post("/api/v1/hubs/" + hubs.get(3) + "/deactivate");
      String filter = "hubIds=" + String.join(",", hubs);

      List<String> paged = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String cursor = null;
      do {
        Http.Response page =
            http()
                .get(
                    "/api/v1/hubs?"
                        + filter
                        + "&pageSize=2"
                        + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        sizes.add(page.json().get("hubs").size());
        paged.addAll(ids(page.json().get("hubs"), "hubId"));
        JsonNode next = page.json().get("nextCursor");
        cursor = next.isNull() ? null : next.asString();
      } while (cursor != null);
      assertThat(sizes).containsExactly(2, 2, 1);
      assertThat(paged).isEqualTo(hubs);

      assertThat(
              ids(
                  http().get("/api/v1/hubs?" + filter + "&active=true").json().get("hubs"),
                  "hubId"))
          .containsExactly(hubs.get(0), hubs.get(2), hubs.get(4));
      assertThat(
              ids(
                  http().get("/api/v1/hubs?" + filter + "&active=false").json().get("hubs"),
                  "hubId"))
          .containsExactly(hubs.get(1), hubs.get(3));
      String repeated = "hubIds=" + hubs.get(4) + "&hubIds=" + hubs.get(0) + "," + hubs.get(2);
      assertThat(ids(http().get("/api/v1/hubs?" + repeated).json().get("hubs"), "hubId"))
          .containsExactly(hubs.get(0), hubs.get(2), hubs.get(4));

      String first =
          http().get("/api/v1/hubs?" + filter + "&pageSize=2").json().get("nextCursor").asString();
      JsonNode problem =
          validation(
              http().get("/api/v1/hubs?" + filter + "&active=true&pageSize=2&cursor=" + first),
              "cursor");
      assertThat(problem.get("errors").get(0).get("message").asString()).contains("same filters");
    }
  }

  @Nested
  @DisplayName("SKUs")
  class Skus {
    @Test
    @DisplayName("create (201, Location), read, update every value, deactivate, bring back")
    void lifecycle() {
      String sku = code("SKU");
      Http.Response created =
          http()
              .post(
                  "/api/v1/skus",
                  json(
                      "skuId",
                      sku,
                      "tenantId",
                      "acme-test",
                      "sellerId",
                      "seller-3",
                      "name",
                      "Blue mug",
                      "perBuyerLimit",
                      2));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(created.header("Location")).contains("/api/v1/skus/" + sku);
      JsonNode body = created.json();
      assertThat(body.get("skuId").asString()).isEqualTo(sku);
      assertThat(body.get("tenantId").asString()).isEqualTo("acme-test");
      assertThat(body.get("sellerId").asString()).isEqualTo("seller-3");
      assertThat(body.get("name").asString()).isEqualTo("Blue mug");
      assertThat(body.get("active").asBoolean()).isTrue();
      assertThat(body.get("perBuyerLimit").asLong()).isEqualTo(2);
      assertThat(http().get("/api/v1/skus/" + sku).json()).isEqualTo(body);

      Http.Response updated =
          http()
              .put(
                  "/api/v1/skus/" + sku,
                  json(
                      "tenantId",
                      "acme-test",
                      "sellerId",
                      "seller-4",
                      "name",
                      "Blue mug, 300 ml",
                      "active",
                      true));
      assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
      assertThat(updated.json().get("sellerId").asString()).isEqualTo("seller-4");
      assertThat(updated.json().get("name").asString()).isEqualTo("Blue mug, 300 ml");
      assertThat(updated.json().get("perBuyerLimit").isNull())
          .as("every value is replaced: no limit sent, no limit kept")
          .isTrue();

      Http.Response deactivated = http().post("/api/v1/skus/" + sku + "/deactivate");
      assertThat(deactivated.status()).isEqualTo(200);
      assertThat(deactivated.json().get("active").asBoolean()).isFalse();
      assertThat(http().post("/api/v1/skus/" + sku + "/deactivate").json())
          .isEqualTo(deactivated.json());

      Http.Response back =
          http()
              .put(
                  "/api/v1/skus/" + sku,
                  json(
                      "tenantId",
                      "acme-test",
                      "sellerId",
                      "seller-4",
                      "name",
                      "Blue mug, 300 ml",
                      "active",
                      true,
                      "perBuyerLimit",
                      5));
      assertThat(back.json().get("active").asBoolean()).isTrue();
      assertThat(back.json().get("perBuyerLimit").asLong()).isEqualTo(5);
    }

    @Test
    @DisplayName("a create of a taken skuId: 409 catalog-entry-exists; the same values: 201 again")
    void createTwice() {
      String sku = code("SKU");
      JsonNode first = createSku(sku, "acme-test", "seller-1");
      Http.Response same =
          http()
              .post(
                  "/api/v1/skus",
                  json(
                      "skuId",
                      sku,
                      "tenantId",
                      "acme-test",
                      "sellerId",
                      "seller-1",
                      "name",
                      "Mug " + sku));
      assertThat(same.status()).isEqualTo(201);
      assertThat(same.json()).isEqualTo(first);
      JsonNode problem =
          problem(
              http()
                  .post(
                      "/api/v1/skus",
                      json(
                          "skuId",
                          sku,
                          "tenantId",
                          "acme-test",
                          "sellerId",
                          "seller-2",
                          "name",
                          "x")),
              409,
              "catalog-entry-exists");
      assertThat(problem.get("kind").asString()).isEqualTo("sku");
      assertThat(problem.get("skuId").asString()).isEqualTo(sku);
      assertThat(http().get("/api/v1/skus/" + sku).json()).isEqualTo(first);
    }

    @Test
    @DisplayName("an unknown SKU: 404 catalog-entry-not-found on read, update and deactivate")
    void unknown() {
      String sku = code("NOSKU");
      JsonNode problem = problem(http().get("/api/v1/skus/" + sku), 404, "catalog-entry-not-found");
      assertThat(problem.get("kind").asString()).isEqualTo("sku");
      assertThat(problem.get("skuId").asString()).isEqualTo(sku);
      problem(
          http()
              .put(
                  "/api/v1/skus/" + sku,
                  json("tenantId", "t", "sellerId", "s", "name", "x", "active", true)),
          404,
          "catalog-entry-not-found");
      problem(http().post("/api/v1/skus/" + sku + "/deactivate"), 404, "catalog-entry-not-found");
    }

    @Test
    @DisplayName("bad input names the field: 400 validation-failed")
    void badInput() {
      validation(
          http().post("/api/v1/skus", json("skuId", "S", "name", "x")), "tenantId", "sellerId");
      validation(
          http()
              .post(
                  "/api/v1/skus",
                  json(
                      "skuId",
                      "S",
                      "tenantId",
                      "t",
                      "sellerId",
                      "s",
                      "name",
                      "x",
                      "perBuyerLimit",
                      0)),
          "perBuyerLimit");
      validation(
          http()
              .post(
                  "/api/v1/skus",
                  json("skuId", "bad sku", "tenantId", "t", "sellerId", "s", "name", " ")),
          "skuId",
          "name");
      validation(
          http().put("/api/v1/skus/S", json("tenantId", "t", "sellerId", "s", "name", "x")),
          "active");
      validation(http().get("/api/v1/skus/bad%20sku"), "skuId");
      validation(http().get("/api/v1/skus?sellerId=bad%20seller"), "sellerId");
      validation(http().get("/api/v1/skus?tenantId=bad%20tenant"), "tenantId");
      validation(http().get("/api/v1/skus?skuIds=A,,B"), "skuIds");
      validation(http().get("/api/v1/skus?pageSize=0"), "pageSize");
      validation(http().get("/api/v1/skus?active=maybe"), "active");
      validation(http().put("/api/v1/skus", json("items", List.of())), "items");
      validation(
          http()
              .put(
                  "/api/v1/skus",
                  json(
                      "items",
                      List.of(
                          Map.of("skuId", "A", "tenantId", "t", "sellerId", "s", "name", "x"),
                          Map.of("skuId", "B", "tenantId", "t", "sellerId", "s")))),
          "items[1].name");
    }

    @Test
    @DisplayName("list: filters by tenant, seller, SKU codes (repeated or comma list) and active")
    void filters() {
      String tenant = code("tenant");
      String a = code("F");
      String b = code("F");
      String c = code("F");
      String d = code("F");
      createSku(a, tenant, "seller-1");
      createSku(b, tenant, "seller-1");
      createSku(c, tenant, "seller-2");
      createSku(d, tenant, "seller-2");
      createSku(code("F"), code("other-tenant"), "seller-1");
      http().post("/api/v1/skus/" + d + "/deactivate");

      assertThat(skus("tenantId=" + tenant)).containsExactly(a, b, c, d);
      assertThat(skus("tenantId=" + tenant + "&sellerId=seller-1")).containsExactly(a, b);
      assertThat(skus("tenantId=" + tenant + "&sellerId=seller-2&active=true")).containsExactly(c);
      assertThat(skus("tenantId=" + tenant + "&active=false")).containsExactly(d);
      assertThat(skus("skuIds=" + c + "," + a)).containsExactly(a, c);
      assertThat(skus("skuIds=" + c + "&skuIds=" + a + "," + d + "&sellerId=seller-2"))
          .containsExactly(c, d);
      assertThat(skus("tenantId=" + tenant + "&skuIds=NEVER-STORED")).isEmpty();
    }

    List<String> skus(String query) {
      Http.Response page = http().get("/api/v1/skus?" + query);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      assertThat(page.json().get("nextCursor").isNull()).isTrue();
      return ids(page.json().get("skus"), "skuId");
    }

    @Test
    @DisplayName("list: keyset pages in skuId order; a SKU added meanwhile shifts no page")
    void paging() {
      String tenant = code("tenant");
      List<String> skus = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String sku = "P" + i + "-" + tenant;
        createSku(sku, tenant, "seller-1");
        skus.add(sku);
      }
      List<String> paged = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Http.Response page =
            http()
                .get(
                    "/api/v1/skus?tenantId="
                        + tenant
                        + "&pageSize=3"
                        + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        paged.addAll(ids(page.json().get("skus"), "skuId"));
        if (pages++ == 0) {
          // Before the first page's last entry: it must not come back on a later page.
          createSku("P0a-" + tenant, tenant, "seller-1");
        }
        JsonNode next = page.json().get("nextCursor");
        cursor = next.isNull() ? null : next.asString();
      } while (cursor != null);
      assertThat(pages).isEqualTo(3);
      assertThat(paged).isEqualTo(skus);

      String first =
          http()
              .get("/api/v1/skus?tenantId=" + tenant + "&pageSize=3")
              .json()
              .get("nextCursor")
              .asString();
      validation(http().get("/api/v1/skus?tenantId=other&cursor=" + first), "cursor");
      validation(http().get("/api/v1/skus?cursor=not-a-cursor"), "cursor");
    }

    @Test
    @DisplayName("a catalog file: created, updated and unchanged counted, all in one transaction")
    void catalogFile() {
      String tenant = code("tenant");
      String same = code("FILE");
      String changed = code("FILE");
      String fresh = code("FILE");
      createSku(same, tenant, "seller-1");
      createSku(changed, tenant, "seller-1");
      String file =
          json(
              "items",
              List.of(
                  Map.of(
                      "skuId",
                      same,
                      "tenantId",
                      tenant,
                      "sellerId",
                      "seller-1",
                      "name",
                      "Mug " + same),
                  Map.of(
                      "skuId",
                      changed,
                      "tenantId",
                      tenant,
                      "sellerId",
                      "seller-2",
                      "name",
                      "Mug " + changed,
                      "perBuyerLimit",
                      3),
                  Map.of(
                      "skuId",
                      fresh,
                      "tenantId",
                      tenant,
                      "sellerId",
                      "seller-2",
                      "name",
                      "New mug",
                      "active",
                      false)));
      Http.Response loaded = http().put("/api/v1/skus", file);
      assertThat(loaded.status()).as(loaded.toString()).isEqualTo(200);
      assertThat(loaded.json().get("created").asInt()).isEqualTo(1);
      assertThat(loaded.json().get("updated").asInt()).isEqualTo(1);
      assertThat(loaded.json().get("unchanged").asInt()).isEqualTo(1);
      assertThat(loaded.json().get("total").asInt()).isEqualTo(3);
      JsonNode updated = http().get("/api/v1/skus/" + changed).json();
      assertThat(updated.get("sellerId").asString()).isEqualTo("seller-2");
      assertThat(updated.get("perBuyerLimit").asLong()).isEqualTo(3);
      assertThat(http().get("/api/v1/skus/" + fresh).json().get("active").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("a skuId twice in a catalog file: 400 invalid-argument and nothing written")
    void catalogFileTwice() {
      String tenant = code("tenant");
      String fresh = code("FILE");
      String twice = code("FILE");
      JsonNode problem =
          problem(
              http()
                  .put(
                      "/api/v1/skus",
                      json(
                          "items",
                          List.of(
                              Map.of(
                                  "skuId", fresh, "tenantId", tenant, "sellerId", "s", "name", "x"),
                              Map.of(
                                  "skuId", twice, "tenantId", tenant, "sellerId", "s", "name", "y"),
                              Map.of(
                                  "skuId",
                                  twice,
                                  "tenantId",
                                  tenant,
                                  "sellerId",
                                  "s",
                                  "name",
                                  "z")))),
              400,
              "invalid-argument");
      assertThat(problem.get("detail").asString()).contains(twice);
      problem(http().get("/api/v1/skus/" + fresh), 404, "catalog-entry-not-found");
    }
  }

  @Nested
  @DisplayName("known-keys mode")
  class KnownKeys {
    String order(String sku, String hub, long quantity) {
      return json("skuId", sku, "hubId", hub, "quantity", quantity, "buyerId", "alice");
    }

    @Test
    @DisplayName("an order of a SKU the catalog lacks: 422 unknown-keys naming it, nothing sold")
    void unknownSku() {
      String hub = createHub(code("kk-hub")).get("hubId").asString();
      String sku = code("KK-NONE");
      JsonNode problem =
          problem(http().post("/api/v1/orders", order(sku, hub, 1)), 422, "unknown-keys");
      assertThat(problem.get("keys").size()).isEqualTo(1);
      assertThat(problem.get("keys").get(0).get("skuId").asString()).isEqualTo(sku);
      assertThat(problem.get("keys").get(0).get("hubId").asString()).isEqualTo(hub);
      assertThat(problem.get("unknownSkuIds").values().stream().map(JsonNode::asString))
          .containsExactly(sku);
      assertThat(problem.get("unknownHubIds").isEmpty()).as("the hub is known").isTrue();
      assertThat(problem.get("detail").asString())
          .isEqualTo(
              "not in the catalog, or deactivated (nothing was written): "
                  + sku
                  + "@"
                  + hub
                  + " (SKU "
                  + sku
                  + ")");
      assertThat(http().get("/api/v1/hubs/" + hub + "/stock/" + sku).json().get("onHand").asLong())
          .isZero();
    }

    @Test
    @DisplayName("a stock figure at an unknown hub of an unknown SKU: both named, nothing written")
    void unknownHubAndSku() {
      String hub = code("kk-nohub");
      String sku = code("KK-NONE");
      JsonNode problem =
          problem(
              http().put("/api/v1/hubs/" + hub + "/stock/" + sku, json("onHand", 5)),
              422,
              "unknown-keys");
      assertThat(problem.get("unknownSkuIds").values().stream().map(JsonNode::asString))
          .containsExactly(sku);
      assertThat(problem.get("unknownHubIds").values().stream().map(JsonNode::asString))
          .containsExactly(hub);
      assertThat(problem.get("detail").asString()).contains(sku + "@" + hub);
      assertThat(http().get("/api/v1/hubs/" + hub + "/stock/" + sku).json().get("onHand").asLong())
          .as("reads are not refused: an unknown key reads as 0")
          .isZero();
    }

    @Test
    @DisplayName("every write on stock refuses an unknown key: bulk, receipt, check, cart")
    void everyWrite() {
      String hub = createHub(code("kk-hub")).get("hubId").asString();
      String known = createSku(code("KK"), "acme-test", "seller-1").get("skuId").asString();
      String unknown = code("KK-NONE");
      JsonNode bulk =
          problem(
              http()
                  .put(
                      "/api/v1/hubs/" + hub + "/stock",
                      json(
                          "items",
                          List.of(
                              Map.of("skuId", known, "onHand", 5),
                              Map.of("skuId", unknown, "onHand", 5)))),
              422,
              "unknown-keys");
      assertThat(ids(bulk.get("keys"), "skuId")).containsExactly(unknown);
      assertThat(
              http().get("/api/v1/hubs/" + hub + "/stock/" + known).json().get("onHand").asLong())
          .as("all or none: the known SKU was not set either")
          .isZero();
      problem(
          http()
              .post(
                  "/api/v1/hubs/" + hub + "/stock/" + unknown + "/receipts",
                  json("quantity", 3),
                  IdempotencyFilter.HEADER,
                  "kk-" + UUID.randomUUID()),
          422,
          "unknown-keys");
      problem(
          http()
              .post(
                  "/api/v1/inventory/check",
                  json(
                      "orderId",
                      code("OMS"),
                      "hubId",
                      hub,
                      "items",
                      List.of(Map.of("skuId", unknown, "quantity", 1)))),
          422,
          "unknown-keys");
      problem(
          http()
              .post(
                  "/api/v1/carts",
                  json("lines", List.of(Map.of("skuId", unknown, "hubId", hub, "quantity", 1)))),
          422,
          "unknown-keys");
    }

    @Test
    @DisplayName(
        "a cart amended onto a deactivated SKU: 422 unknown-keys, the cart keeps its lines")
    void amendGrowth() {
      String hub = createHub(code("kk-hub")).get("hubId").asString();
      String kept = createSku(code("KK"), "acme-test", "seller-1").get("skuId").asString();
      String gone = createSku(code("KK"), "acme-test", "seller-1").get("skuId").asString();
      http()
          .put(
              "/api/v1/hubs/" + hub + "/stock",
              json(
                  "items",
                  List.of(Map.of("skuId", kept, "onHand", 5), Map.of("skuId", gone, "onHand", 5))));
      Http.Response cart =
          http()
              .post(
                  "/api/v1/carts",
                  json("lines", List.of(Map.of("skuId", kept, "hubId", hub, "quantity", 1))));
      assertThat(cart.status()).as(cart.toString()).isEqualTo(201);
      String cartId = cart.json().get("cartId").asString();
      http().post("/api/v1/skus/" + gone + "/deactivate");

      JsonNode problem =
          problem(
              http()
                  .put(
                      "/api/v1/carts/" + cartId + "/lines",
                      json(
                          "lines",
                          List.of(
                              Map.of("skuId", kept, "hubId", hub, "quantity", 1),
                              Map.of("skuId", gone, "hubId", hub, "quantity", 1)))),
              422,
              "unknown-keys");
      assertThat(ids(problem.get("keys"), "skuId")).containsExactly(gone);
      JsonNode lines = http().get("/api/v1/carts/" + cartId).json().get("lines");
      assertThat(ids(lines, "skuId")).containsExactly(kept);
    }

    @Test
    @DisplayName("hub and SKU created: stock and orders go through; deactivated: refused again")
    void createdThenDeactivated() {
      String hub = createHub(code("kk-hub")).get("hubId").asString();
      String sku = createSku(code("KK"), "acme-test", "seller-1").get("skuId").asString();
      assertThat(http().put("/api/v1/hubs/" + hub + "/stock/" + sku, json("onHand", 10)).status())
          .isEqualTo(200);
      assertThat(http().post("/api/v1/orders", order(sku, hub, 1)).status()).isEqualTo(201);
      Http.Response cart =
          http()
              .post(
                  "/api/v1/carts",
                  json("lines", List.of(Map.of("skuId", sku, "hubId", hub, "quantity", 2))));
      assertThat(cart.status()).isEqualTo(201);

      http().post("/api/v1/skus/" + sku + "/deactivate");
      JsonNode problem =
          problem(http().post("/api/v1/orders", order(sku, hub, 1)), 422, "unknown-keys");
      assertThat(problem.get("unknownSkuIds").get(0).asString()).isEqualTo(sku);
      problem(
          http().put("/api/v1/hubs/" + hub + "/stock/" + sku, json("onHand", 20)),
          422,
          "unknown-keys");
      Http.Response paid =
          http().post("/api/v1/carts/" + cart.json().get("cartId").asString() + "/confirm");
      assertThat(paid.status())
          .as("a hold taken before the deactivation can still be paid for: " + paid)
          .isEqualTo(200);

      http()
          .put(
              "/api/v1/skus/" + sku,
              json(
                  "tenantId",
                  "acme-test",
                  "sellerId",
                  "seller-1",
                  "name",
                  "Mug " + sku,
                  "active",
                  true));
      assertThat(http().post("/api/v1/orders", order(sku, hub, 1)).status()).isEqualTo(201);

      http().post("/api/v1/hubs/" + hub + "/deactivate");
      JsonNode atHub =
          problem(http().post("/api/v1/orders", order(sku, hub, 1)), 422, "unknown-keys");
      assertThat(atHub.get("unknownHubIds").get(0).asString()).isEqualTo(hub);
      assertThat(atHub.get("unknownSkuIds").isEmpty()).isTrue();
      JsonNode level = http().get("/api/v1/hubs/" + hub + "/stock/" + sku).json();
      assertThat(level.get("onHand").asLong()).isEqualTo(6);
    }
  }

  @Nested
  @DisplayName("the README's walk with curl")
  class ReadmeWalk {
    @Test
    @DisplayName("runs in known-keys mode too: its hub and SKU come first")
    void runsInKnownKeysMode() throws IOException, InterruptedException {
      ServiceEndpointsTest.walkTheReadme(port);
    }
  }

  @Nested
  @DisplayName("Idempotency-Key on the catalog's writes")
  class IdempotencyKeys {
    @Test
    @DisplayName("a create repeated with its key: the first answer, replayed; another body: 422")
    void createReplayed() {
      String hub = code("idem-hub");
      String key = "hub-" + UUID.randomUUID();
      String body = json("hubId", hub, "name", "Hub " + hub);
      Http.Response first = http().post("/api/v1/hubs", body, IdempotencyFilter.HEADER, key);
      Http.Response again = http().post("/api/v1/hubs", body, IdempotencyFilter.HEADER, key);
      assertThat(first.status()).isEqualTo(201);
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header("Location")).isEqualTo(first.header("Location"));
      assertThat(again.header(IdempotencyFilter.REPLAYED)).contains("true");
      problem(
          http()
              .post(
                  "/api/v1/hubs",
                  json("hubId", hub, "name", "renamed"),
                  IdempotencyFilter.HEADER,
                  key),
          422,
          "idempotency-key-reused");
      assertThat(http().get("/api/v1/hubs/" + hub).json().get("name").asString())
          .isEqualTo("Hub " + hub);
    }

    @Test
    @DisplayName("a catalog file repeated with its key: the first answer (created), not a reload")
    void catalogFileReplayed() {
      String tenant = code("tenant");
      String sku = code("IDEM");
      String key = "file-" + UUID.randomUUID();
      String file =
          json(
              "items",
              List.of(Map.of("skuId", sku, "tenantId", tenant, "sellerId", "s", "name", "x")));
      Http.Response first = http().put("/api/v1/skus", file, IdempotencyFilter.HEADER, key);
      Http.Response again = http().put("/api/v1/skus", file, IdempotencyFilter.HEADER, key);
      Http.Response withoutKey = http().put("/api/v1/skus", file);
      assertThat(first.json().get("created").asInt()).isEqualTo(1);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header(IdempotencyFilter.REPLAYED)).contains("true");
      assertThat(withoutKey.json().get("unchanged").asInt())
          .as("without the key the file runs again, and finds the SKU stored")
          .isEqualTo(1);
    }

    @Test
    @DisplayName("updates and deactivations repeated with their key: replayed as first answered")
    void updateAndDeactivateReplayed() {
      String sku = createSku(code("IDEM"), "acme-test", "seller-1").get("skuId").asString();
      String update =
          json("tenantId", "acme-test", "sellerId", "seller-9", "name", "n", "active", true);
      String updateKey = "upd-" + UUID.randomUUID();
      Http.Response first =
          http().put("/api/v1/skus/" + sku, update, IdempotencyFilter.HEADER, updateKey);
      Http.Response again =
          http().put("/api/v1/skus/" + sku, update, IdempotencyFilter.HEADER, updateKey);
      assertThat(first.status()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.header(IdempotencyFilter.REPLAYED)).contains("true");

      String deactivateKey = "deact-" + UUID.randomUUID();
      Http.Response off = send("POST", "/api/v1/skus/" + sku + "/deactivate", deactivateKey);
      Http.Response offAgain = send("POST", "/api/v1/skus/" + sku + "/deactivate", deactivateKey);
      assertThat(off.json().get("active").asBoolean()).isFalse();
      assertThat(offAgain.body()).isEqualTo(off.body());
      assertThat(offAgain.header(IdempotencyFilter.REPLAYED)).contains("true");
    }

    @Test
    @DisplayName("copies of one create at the same time: one SKU, every copy the same answer")
    void concurrentCopies() throws InterruptedException {
      String sku = code("IDEM");
      String key = "sku-" + UUID.randomUUID();
      String body =
          json("skuId", sku, "tenantId", "acme-test", "sellerId", "seller-1", "name", "x");
      Crowd.Result copies =
          new Crowd(http(), 8, Duration.ofSeconds(30))
              .run(
                  8,
                  copy ->
                      http()
                          .request(
                              "/api/v1/skus",
                              "Content-Type",
                              "application/json",
                              IdempotencyFilter.HEADER,
                              key)
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build());
      assertThat(copies.count(201)).as(copies.statuses().toString()).isEqualTo(8);
      assertThat(copies.outcomes().stream().map(o -> o.response().body()).distinct()).hasSize(1);
      assertThat(http().get("/api/v1/skus/" + sku).json().get("name").asString()).isEqualTo("x");
    }

    Http.Response send(String method, String path, String key) {
      try {
        return http()
            .trySend(
                http()
                    .request(path, IdempotencyFilter.HEADER, key)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
