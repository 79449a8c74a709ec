package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.AuditReport;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.service.idempotency.IdempotencyFilter;
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
 * the table; and it does so with the service stopped and started again mid-run.
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
      assertThat(result.statuses().keySet()).containsOnly(201, 422);
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
      assertThat(result.statuses().keySet()).containsOnly(201, 422);
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
