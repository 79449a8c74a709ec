package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.AuditReport;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.problem.ProblemType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A flash sale over HTTP: thousands of buyers on many client threads against one hot SKU, through
 * Tomcat, JSON, the Idempotency-Key filter and the library's flash-sale mode, on a real PostgreSQL.
 * It sells exactly the stock, every sale is an order a buyer was told about, and the log replays to
 * the table; it does so with the service stopped and started again mid-run; and with a per-buyer
 * limit, buyers sending several orders each, no buyer gets more than the limit.
 */
@DisplayName("a flash sale over HTTP")
class FlashSaleHttpTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(FlashSaleHttpTest.class);

  @AfterAll
  static void drop() {
    SCHEMAS.drop();
  }

  static HttpRequest order(Http http, String sku, String run, int buyer) {
    return http.request(
            "/api/v1/orders",
            "Content-Type",
            "application/json",
            IdempotencyFilter.HEADER,
            run + "-" + buyer)
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"skuId\":\"" + sku + "\",\"quantity\":1,\"buyerId\":\"buyer-" + buyer + "\"}"))
        .build();
  }

  /** The books: sold exactly the stock, each sale an order someone was told of, log replayed. */
  static void assertBooks(TestService app, String sku, int stock, Crowd.Result result) {
    assertThat(result.count(201)).as("orders created").isEqualTo(stock);
    Set<String> told =
        result.outcomes().stream()
            .filter(o -> o.response().status() == 201)
            .map(o -> o.response().json().get("orderId").asString())
            .collect(Collectors.toSet());
    assertThat(told).hasSize(stock);

    JdbcTemplate jdbc = new JdbcTemplate(app.bean(DataSource.class));
    List<String> sold =
        jdbc.queryForList(
            "SELECT r.id FROM "
                + SCHEMAS.inventory()
                + ".reservation r JOIN "
                + SCHEMAS.inventory()
                + ".reservation_line l ON l.reservation_id = r.id"
                + " WHERE r.status = 'CONFIRMED' AND l.sku = ?",
            String.class,
            sku);
    assertThat(Set.copyOf(sold)).as("sales in the database = orders told").isEqualTo(told);

    Http.Response level = app.http().get("/api/v1/hubs/default/stock/" + sku);
    assertThat(level.json().get("onHand").asLong()).as("oversold: on hand below 0").isZero();
    assertThat(level.json().get("reserved").asLong()).isZero();

    AuditReport audit = app.bean(StockLedger.class).audit(List.of(StockKey.of(sku)));
    assertThat(audit.isClean()).as(audit.describe()).isTrue();
  }

  /** The answers other than created and refused, each with its body: what went wrong, said. */
  static String otherAnswers(Crowd.Result result) {
    return result.outcomes().stream()
        .filter(o -> o.response().status() != 201 && o.response().status() != 422)
        .map(
            o ->
                "buyer "
                    + o.buyer()
                    + " after "
                    + o.attempts()
                    + " attempts: "
                    + o.response().status()
                    + " "
                    + o.response().body())
        .collect(Collectors.joining("; ", "other answers: [", "]"));
  }

  static String figures(String name, int buyers, int threads, int stock, Crowd.Result result) {
    return String.format(
        Locale.ROOT,
        "[inventory-service] %s: %d buyers on %d client threads, one SKU of %d units:"
            + " %.0f requests/s, p50 %.1f ms, p99 %.1f ms; sold %d, oversold 0, refused %d,"
            + " other answers %s; connection failures retried %d, 503 retried %d",
        name,
        buyers,
        threads,
        stock,
        result.requestsPerSecond(),
        result.percentileMillis(50),
        result.percentileMillis(99),
        result.count(201),
        result.count(422),
        result.statuses().entrySet().stream()
            .filter(e -> e.getKey() != 201 && e.getKey() != 422)
            .map(e -> e.getKey() + "x" + e.getValue())
            .toList(),
        result.connectionFailures(),
        result.retried503());
  }

  @Test
  @DisplayName("3,000 buyers on 64 threads for 200 units: exactly 200 sold, the log replays")
  void sellsExactlyTheStock() throws InterruptedException {
    int stock = 200;
    int buyers = 3_000;
    int threads = 64;
    try (TestService app = TestService.start(SCHEMAS, 0, Map.of())) {
      String sku = "HOT-1";
      Http http = app.http();
      assertThat(
              http.put("/api/v1/hubs/default/stock/" + sku, "{\"onHand\":" + stock + "}").status())
          .isEqualTo(200);
      // Warm the path once (JIT, pools) so that the figures are the sale's, not the start's.
      new Crowd(http, 8, Duration.ofSeconds(60)).run(200, b -> order(http, "WARM", "warm", b));

      Crowd.Result result =
          new Crowd(http, threads, Duration.ofSeconds(90))
              .run(buyers, b -> order(http, sku, "sale", b));

      System.out.println(figures("HTTP flash sale", buyers, threads, stock, result));
      assertThat(result.outcomes()).hasSize(buyers);
      assertThat(result.count(422)).isEqualTo(buyers - stock);
      assertThat(result.statuses().keySet()).as(otherAnswers(result)).containsOnly(201, 422);
      assertBooks(app, sku, stock, result);
    }
  }

  @Test
  @DisplayName(
      "3,000 orders from 500 buyers, 6 each, at most 2 per buyer: exactly the stock sold, no"
          + " buyer above 2, the log replays")
  void capsEachBuyer() throws InterruptedException {
    int stock = 600;
    int buyers = 500;
    int ordersPerBuyer = 6;
    int requests = buyers * ordersPerBuyer;
    int limit = 2;
    int threads = 64;
    try (TestService app = TestService.start(SCHEMAS, 0, Map.of())) {
      String sku = "HOT-CAPPED";
      Http http = app.http();
      Http.Response created =
          http.post(
              "/api/v1/skus",
              "{\"skuId\":\""
                  + sku
                  + "\",\"tenantId\":\"acme\",\"sellerId\":\"seller-1\",\"name\":\"Hot mug\","
                  + "\"perBuyerLimit\":"
                  + limit
                  + "}");
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      assertThat(
              http.put("/api/v1/hubs/default/stock/" + sku, "{\"onHand\":" + stock + "}").status())
          .isEqualTo(200);
      new Crowd(http, 8, Duration.ofSeconds(60)).run(200, b -> order(http, "WARM", "warm", b));

      // A buyer's orders are next to each other in the queue, so that they race each other on
      // different client threads; each has its own Idempotency-Key.
      Crowd.Result result =
          new Crowd(http, threads, Duration.ofSeconds(90))
              .run(requests, r -> order(http, sku, "capped-" + r, r / ordersPerBuyer));

      Map<String, Long> refusals =
          result.outcomes().stream()
              .filter(o -> o.response().status() == 422)
              .collect(
                  Collectors.groupingBy(
                      o -> o.response().json().get("type").asString().replace(ProblemType.BASE, ""),
                      Collectors.counting()));
      JdbcTemplate jdbc = new JdbcTemplate(app.bean(DataSource.class));
      Map<String, Long> boughtByBuyer =
          jdbc
              .queryForList(
                  "SELECT r.buyer, sum(l.quantity) AS units FROM "
                      + SCHEMAS.inventory()
                      + ".reservation r JOIN "
                      + SCHEMAS.inventory()
                      + ".reservation_line l ON l.reservation_id = r.id"
                      + " WHERE r.status = 'CONFIRMED' AND l.sku = ? GROUP BY r.buyer",
                  sku)
              .stream()
              .collect(
                  Collectors.toMap(
                      row -> (String) row.get("buyer"),
                      row -> ((Number) row.get("units")).longValue()));
      long aboveLimit = boughtByBuyer.values().stream().filter(units -> units > limit).count();

      System.out.println(
          String.format(
              Locale.ROOT,
              "[inventory-service] HTTP flash sale with buyer caps: %d orders from %d buyers (%d"
                  + " each) on %d client threads, one SKU of %d units, at most %d per buyer:"
                  + " %.0f requests/s, p50 %.1f ms, p99 %.1f ms; sold %d, oversold 0, buyers"
                  + " above the limit %d, refused by the limit %d, refused for stock %d, other"
                  + " answers %s",
              requests,
              buyers,
              ordersPerBuyer,
              threads,
              stock,
              limit,
              result.requestsPerSecond(),
              result.percentileMillis(50),
              result.percentileMillis(99),
              result.count(201),
              aboveLimit,
              refusals.getOrDefault("buyer-limit-exceeded", 0L),
              refusals.getOrDefault("insufficient-stock", 0L),
              result.statuses().entrySet().stream()
                  .filter(e -> e.getKey() != 201 && e.getKey() != 422)
                  .map(e -> e.getKey() + "x" + e.getValue())
                  .toList()));
      assertThat(result.outcomes()).hasSize(requests);
      assertThat(result.statuses().keySet()).as(otherAnswers(result)).containsOnly(201, 422);
      assertThat(refusals.keySet())
          .as("refused only by the limit or for stock")
          .containsOnly("buyer-limit-exceeded", "insufficient-stock");
      assertThat(refusals.get("buyer-limit-exceeded")).as("the limit was reached").isPositive();
      assertThat(aboveLimit).as("buyers above the limit, in the library's tables").isZero();
      assertThat(boughtByBuyer.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(stock);
      Map<Integer, Long> toldByBuyer =
          result.outcomes().stream()
              .filter(o -> o.response().status() == 201)
              .collect(
                  Collectors.groupingBy(o -> o.buyer() / ordersPerBuyer, Collectors.counting()));
      assertThat(toldByBuyer.values()).as("orders a buyer was told of").allMatch(n -> n <= limit);
      assertThat(boughtByBuyer)
          .as("the library's buyers are the buyers told")
          .isEqualTo(
              toldByBuyer.entrySet().stream()
                  .collect(Collectors.toMap(e -> "buyer-" + e.getKey(), Map.Entry::getValue)));
      assertBooks(app, sku, stock, result);
    }
  }

  @Test
  @DisplayName("stopped and started again mid-run: nothing lost, nothing sold twice")
  void survivesARestart() throws InterruptedException {
    int stock = 300;
    int buyers = 1_500;
    int threads = 32;
    int port = TestService.freePort();
    Map<String, Object> fast = Map.of("spring.lifecycle.timeout-per-shutdown-phase", "20s");
    TestService first = TestService.start(SCHEMAS, port, fast);
    TestService second = null;
    try {
      String sku = "HOT-2";
      Http http = new Http(port);
      assertThat(
              http.put("/api/v1/hubs/default/stock/" + sku, "{\"onHand\":" + stock + "}").status())
          .isEqualTo(200);
      Crowd crowd = new Crowd(http, threads, Duration.ofSeconds(120));
      AtomicReference<Crowd.Result> ran = new AtomicReference<>();
      Thread runner =
          new Thread(
              () -> {
                try {
                  ran.set(crowd.run(buyers, b -> order(http, sku, "restart", b)));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      runner.start();
      while (crowd.answered() < buyers / 4 && runner.isAlive()) {
        Thread.sleep(5);
      }
      int answeredBeforeStop = crowd.answered();
      long stopping = System.nanoTime();
      first.close(); // graceful: the requests in flight finish, then the pool closes
      second = TestService.start(SCHEMAS, port, fast);
      long downMillis = (System.nanoTime() - stopping) / 1_000_000;
      runner.join(Duration.ofSeconds(150).toMillis());
      Crowd.Result result = ran.get();

      System.out.println(
          figures("HTTP flash sale with a restart", buyers, threads, stock, result)
              + String.format(
                  Locale.ROOT,
                  "; stopped after %d answers, down %d ms",
                  answeredBeforeStop,
                  downMillis));
      assertThat(result.outcomes()).as("every buyer answered").hasSize(buyers);
      assertThat(result.statuses().keySet()).as(otherAnswers(result)).containsOnly(201, 422);
      assertThat(result.connectionFailures()).as("the restart was felt").isPositive();
      assertBooks(second, sku, stock, result);

      // Answers kept in PostgreSQL: a repeat after the restart gets the first answer again.
      for (Crowd.Outcome outcome : result.outcomes().subList(0, 50)) {
        Http.Response again = http.trySend(order(http, sku, "restart", outcome.buyer()));
        assertThat(again.status()).isEqualTo(outcome.response().status());
        assertThat(again.body()).isEqualTo(outcome.response().body());
        assertThat(again.header(IdempotencyFilter.REPLAYED)).contains("true");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }
}
