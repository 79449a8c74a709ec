package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.AuditReport;
import dev.inventory.ExpirySweeper;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.spring.boot.InventorySweeper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the service on one database: each with its expiry sweeper, and settlement jobs
 * that either instance reads and cancels (the library keeps them in the database).
 */
@DisplayName("two instances on one database")
class TwoInstancesTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(TwoInstancesTest.class);

  @AfterAll
  static void drop() {
    SCHEMAS.drop();
  }

  @Test
  @DisplayName("abandoned carts expire once each, whichever instance's sweeper gets them")
  void eachHoldExpiredOnce() throws InterruptedException {
    Map<String, Object> sweepOften =
        Map.of("inventory.sweeper.period", "200ms", "inventory.sweeper.batch-limit", "7");
    try (TestService a = TestService.start(SCHEMAS, 0, sweepOften);
        TestService b = TestService.start(SCHEMAS, 0, sweepOften)) {
      List<Http> both = List.of(a.http(), b.http());
      for (int k = 0; k < 3; k++) {
        assertThat(
                both.get(0)
                    .put("/api/v1/hubs/default/stock/SWEEP-" + k, "{\"onHand\":50}")
                    .status())
            .isEqualTo(200);
      }
      int abandoned = 60;
      for (int i = 0; i < abandoned; i++) {
        Http.Response cart =
            both.get(i % 2)
                .post(
                    "/api/v1/carts",
                    "{\"lines\":[{\"skuId\":\"SWEEP-"
                        + (i % 3)
                        + "\",\"quantity\":1}],"
                        + "\"ttlSeconds\":1}");
        assertThat(cart.status()).as(cart.toString()).isEqualTo(201);
      }
      List<String> paid = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Http.Response cart =
            both.get(i % 2)
                .post(
                    "/api/v1/carts",
                    "{\"lines\":[{\"skuId\":\"SWEEP-"
                        + (i % 3)
                        + "\",\"quantity\":2}],"
                        + "\"ttlSeconds\":600}");
        String id = cart.json().get("cartId").asString();
        assertThat(both.get((i + 1) % 2).post("/api/v1/carts/" + id + "/confirm").status())
            .isEqualTo(200);
        paid.add(id);
      }

      JdbcTemplate jdbc = new JdbcTemplate(a.bean(DataSource.class));
      String reservations = SCHEMAS.inventory() + ".reservation";
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int expired = 0;
      while (System.nanoTime() < deadline) {
        expired =
            jdbc.queryForObject(
                "SELECT count(*) FROM " + reservations + " WHERE status = 'EXPIRED'",
                Integer.class);
        if (expired == abandoned) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(expired).as("holds written as expired").isEqualTo(abandoned);

      List<Map<String, Object>> expiries =
          jdbc.queryForList(
              "SELECT reservation_id, count(*) AS entries FROM "
                  + SCHEMAS.inventory()
                  + ".inventory_log WHERE kind = 'EXPIRE' GROUP BY reservation_id");
      assertThat(expiries).hasSize(abandoned);
      assertThat(expiries).allSatisfy(row -> assertThat(row.get("entries")).isEqualTo(1L));

      long byA = sweeper(a).expiredCount();
      long byB = sweeper(b).expiredCount();
      System.out.println(
          "[inventory-service] two sweepers: instance A expired "
              + byA
              + ", instance B "
              + byB
              + " of "
              + abandoned
              + " abandoned carts, each once");
      assertThat(byA + byB).isEqualTo(abandoned);

      for (int k = 0; k < 3; k++) {
        Http.Response level = both.get(1).get("/api/v1/hubs/default/stock/SWEEP-" + k);
        assertThat(level.json().get("onHand").asLong()).isEqualTo(50 - 4);
        assertThat(level.json().get("reserved").asLong()).isZero();
      }
      for (String id : paid) {
        assertThat(both.get(0).get("/api/v1/carts/" + id).json().get("status").asString())
            .isEqualTo("CONFIRMED");
      }
      AuditReport audit =
          a.bean(StockLedger.class)
              .audit(
                  List.of(StockKey.of("SWEEP-0"), StockKey.of("SWEEP-1"), StockKey.of("SWEEP-2")));
      assertThat(audit.isClean()).as(audit.describe()).isTrue();
    }
  }

  @Test
  @DisplayName("a settlement job started on one instance is read and cancelled on the other")
  void jobReadAndCancelledOnTheOtherInstance() throws InterruptedException {
    try (TestService a =
            TestService.start(SCHEMAS, 0, Map.of("service.settlement.report-lease", "5s"));
        TestService b = TestService.start(SCHEMAS, 0, Map.of())) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      // Ten years of days on one worker: running for seconds, long after B's cancel arrives.
      Http.Response started =
          a.http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\""
                      + today.minusDays(3650)
                      + "\",\"to\":\""
                      + today
                      + "\",\"workers\":1}");
      assertThat(started.status()).as(started.toString()).isEqualTo(202);
      String location = started.header("Location").orElseThrow();
      String jobId = started.json().get("jobId").asString();

      Http.Response onB = b.http().get(location);
      assertThat(onB.status()).as(onB.toString()).isEqualTo(200);
      assertThat(onB.json().get("jobId").asString()).isEqualTo(jobId);
      assertThat(onB.json().get("daysTotal").asInt()).isEqualTo(3651);
      assertThat(onB.json().get("state").asString()).isEqualTo("RUNNING");
      assertThat(Instant.parse(onB.json().get("leaseExpiresAt").asString()))
          .as("A's lease, of service.settlement.report-lease")
          .isBefore(Instant.now().plusSeconds(6));

      Http.Response cancelled = b.http().post(location + "/cancel");
      assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(202);
      assertThat(cancelled.json().get("cancelRequested").asBoolean()).isTrue();

      JsonNode onA = a.http().awaitEnd(location);
      assertThat(onA.get("state").asString()).as("ended where it ran").isEqualTo("CANCELLED");
      assertThat(onA.get("daysDone").asInt()).isLessThan(3651);
      assertThat(b.http().get(location).json()).as("the same on both").isEqualTo(onA);
      ServiceEndpointsTest.problem(a.http().get(location + "/download"), 409, "job-state");
      ServiceEndpointsTest.problem(b.http().post(location + "/cancel"), 409, "job-state");

      // And the other way round: started on B, followed to its end and downloaded on A.
      Http.Response small =
          b.http()
              .post(
                  "/api/v1/jobs/settlement",
                  "{\"from\":\"" + today + "\",\"to\":\"" + today + "\"}");
      String smallLocation = small.header("Location").orElseThrow();
      JsonNode job = a.http().awaitEnd(smallLocation);
      assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
      Http.Response csv = a.http().get(job.get("downloadUrl").asString());
      assertThat(csv.status()).isEqualTo(200);
      assertThat(csv.body())
          .startsWith("day,sku,location,kind,on_hand_delta,reserved_delta,entries\n");
    }
  }

  @Test
  @DisplayName("a job whose instance died reads ABANDONED; another instance resumes and ends it")
  void abandonedJobResumed() throws InterruptedException {
    try (TestService survivor = TestService.start(SCHEMAS, 0, Map.of())) {
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      String location;
      // The instance that dies: a store of its own with a lease of one second, whose database is
      // taken away while its job runs (its heartbeat can no longer push the lease forward).
      try (HikariDataSource dying = TestDatabase.pool(2)) {
        JdbcInventoryStore store =
            JdbcInventory.builder(dying)
                .schema(SCHEMAS.inventory())
                .reportLease(Duration.ofSeconds(1))
                .buildStore();
        ReportJob job = store.reports().start(today.minusDays(3650), today, 1);
        location = "/api/v1/jobs/" + job.id();
        assertThat(survivor.http().get(location).json().get("state").asString())
            .isEqualTo("RUNNING");
      }
      JsonNode seen =
          survivor.http().awaitState(location, "ABANDONED"::equals, Duration.ofSeconds(90));
      assertThat(seen.get("state").asString()).isEqualTo("ABANDONED");
      int doneBefore = seen.get("daysDone").asInt();

      Http.Response resumed = survivor.http().post(location + "/resume");
      assertThat(resumed.status()).as(resumed.toString()).isEqualTo(202);
      assertThat(resumed.json().get("state").asString()).isEqualTo("RUNNING");
      // The rest of 3,651 days on one worker: as long as the wait for the lease above, at most.
      JsonNode ended =
          survivor
              .http()
              .awaitState(location, state -> !state.equals("RUNNING"), Duration.ofSeconds(90));
      assertThat(ended.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(ended.get("daysDone").asInt())
          .as("the days not done before, done here")
          .isEqualTo(3651)
          .isGreaterThan(doneBefore);
    }
  }

  private static ExpirySweeper sweeper(TestService app) {
    return app.bean(InventorySweeper.class).sweeper().orElseThrow();
  }
}
