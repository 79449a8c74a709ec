package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.MutableClock;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.ReportStatus.State;
import dev.inventory.jdbc.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Report jobs kept in the database, seen from two instances: two {@link PostgresMovementReports} on
 * one schema, each with a clock of its own, so that a test decides when a lease has run out (the
 * heartbeat writes the lease at its own instance's clock) and when a day runs (latches), without
 * sleeping.
 */
@DisplayName("Report jobs kept in the database, across instances")
class DurableReportJobTest {
  private static final long WAIT_SECONDS = 60;
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;

  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
  private final MutableClock clockA = MutableClock.startingAt(start.toString());
  private final MutableClock clockB = MutableClock.startingAt(start.toString());
  private final CountDownLatch proceed = new CountDownLatch(1);
  private PostgresMovementReports instanceA;
  private PostgresMovementReports instanceB;
  private LocalDate first;
  private LocalDate last;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(8);
    schema = TestDatabase.newSchema(DurableReportJobTest.class);
    JdbcInventory.builder(pool).schema(schema).build();
    jdbi = Jdbi.create(pool);
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @BeforeEach
  void build() {
    instanceA = reports(clockA);
    instanceB = reports(clockB);
    first = LocalDate.of(2032, 1, 1).plusDays(10L * TESTS.incrementAndGet());
    last = first.plusDays(4);
    // One receive at noon of each of five days.
    MutableClock writer = MutableClock.startingAt(start.toString());
    var inventory = JdbcInventory.builder(pool).schema(schema).clock(writer).migrate(false).build();
    for (int d = 0; d < 5; d++) {
      writer.set(first.plusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC));
      inventory.receive(StockKey.of("durable-" + first + "-" + d), d + 1, null);
    }
  }

  @AfterEach
  void releaseLatches() {
    proceed.countDown();
  }

  private static PostgresMovementReports reports(Clock clock) {
    return new PostgresMovementReports(
        pool,
        new Settings(
            schema,
            clock,
            Duration.ofMinutes(15),
            5,
            Duration.ZERO,
            Duration.ZERO,
            true,
            8,
            64,
            10_000,
            Duration.ofSeconds(5),
            false),
        LEASE);
  }

  /** Starts a job on {@code instance} whose third day waits for {@link #proceed}. */
  private PostgresReportJob startBlockingOnThirdDay(
      PostgresMovementReports instance, CountDownLatch thirdDayStarted) {
    UUID id = UUID.randomUUID();
    PostgresReportJob.DayRunner real = instance.dayRunner(id);
    return instance.launch(
        id,
        first,
        last,
        1,
        day -> {
          if (day.equals(first.plusDays(2))) {
            thirdDayStarted.countDown();
            await(proceed);
          }
          return real.run(day);
        });
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch reached").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private List<LocalDate> daysInTable() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT DISTINCT day FROM "
                        + schema
                        + ".daily_movement WHERE day BETWEEN :a AND :b ORDER BY day")
                .bind("a", first)
                .bind("b", last)
                .mapTo(LocalDate.class)
                .list());
  }

  private int dayRows(UUID jobId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM " + schema + ".report_job_day WHERE job_id = :id")
                .bind("id", jobId)
                .mapTo(Integer.class)
                .one());
  }

  /** Moves instance B's clock past the lease instance A last wrote. */
  private void leaseRunsOutForB() {
    clockB.set(clockA.instant().plus(LEASE).plusSeconds(1));
  }

  @Test
  @DisplayName("a job started on one instance is read, and cancelled, from another")
  void readAndCancelledFromAnotherInstance() throws Exception {
    CountDownLatch thirdDay = new CountDownLatch(1);
    PostgresReportJob job = startBlockingOnThirdDay(instanceA, thirdDay);
    await(thirdDay);

    ReportJob seenFromB = instanceB.findJob(job.id()).orElseThrow();
    ReportStatus running = seenFromB.status();
    assertThat(seenFromB).isNotSameAs(job);
    assertThat(running.state()).isEqualTo(State.RUNNING);
    assertThat(running.daysDone()).isEqualTo(2);
    assertThat(running.daysTotal()).isEqualTo(5);
    assertThat(running.rowsRead()).isEqualTo(2);
    assertThat(running.workers()).isEqualTo(1);
    assertThat(running.cancelRequested()).isFalse();
    assertThat(running.leaseExpiresAt()).isAfter(clockA.instant());
    assertThat(running).isEqualTo(job.status());

    assertThat(seenFromB.cancel()).isTrue();
    assertThat(job.status().cancelRequested()).as("A reads the request").isTrue();
    proceed.countDown();
    ReportStatus ended = seenFromB.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(ended.state()).isEqualTo(State.CANCELLED);
    assertThat(ended.daysDone())
        .as("the day in progress finished; no new day started")
        .isEqualTo(3);
    assertThat(ended.finishedAt()).isNotNull();
    assertThat(ended.leaseExpiresAt()).isNull();
    assertThat(job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(ended);
    assertThat(daysInTable()).containsExactly(first, first.plusDays(1), first.plusDays(2));
    assertThat(seenFromB.cancel()).as("already ended").isFalse();
  }

  @Test
  @DisplayName(
      "a job whose instance stopped heartbeating reads as abandoned, and another instance resumes"
          + " the days not done")
  void abandonedJobIsResumedElsewhere() throws Exception {
    CountDownLatch thirdDay = new CountDownLatch(1);
    PostgresReportJob job = startBlockingOnThirdDay(instanceA, thirdDay);
    await(thirdDay);
    assertThat(instanceB.findJob(job.id()).orElseThrow().status().state())
        .as("the lease is live")
        .isEqualTo(State.RUNNING);
    assertThat(instanceB.resume(job.id()))
        .as("a live job is not taken over")
        .isInstanceOf(StoredReportJob.class);

    leaseRunsOutForB();
    ReportStatus abandoned = instanceB.findJob(job.id()).orElseThrow().status();
    assertThat(abandoned.state()).isEqualTo(State.ABANDONED);
    assertThat(abandoned.isFinished()).isTrue();
    assertThat(abandoned.daysDone()).isEqualTo(2);

    ReportJob resumed = instanceB.resume(job.id());
    ReportStatus done = resumed.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(resumed).isInstanceOf(PostgresReportJob.class);
    assertThat(resumed.id()).isEqualTo(job.id());
    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
    assertThat(done.daysDone()).isEqualTo(5);
    assertThat(done.rowsRead()).isEqualTo(5);
    assertThat(daysInTable()).hasSize(5);

    // The first instance, back from its pause, finds the job is no longer its own.
    proceed.countDown();
    ReportStatus seenByA = job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(seenByA.state()).isEqualTo(State.SUCCEEDED);
    assertThat(seenByA.finishedAt()).isEqualTo(done.finishedAt());
    assertThat(dayRows(job.id())).as("a day done by both is counted once").isEqualTo(5);
  }

  @Test
  @DisplayName("of two instances resuming one abandoned job at once, exactly one runs it")
  void oneResumeWins() throws Exception {
    CountDownLatch thirdDay = new CountDownLatch(1);
    PostgresReportJob job = startBlockingOnThirdDay(instanceA, thirdDay);
    await(thirdDay);
    leaseRunsOutForB();
    MutableClock clockC = MutableClock.startingAt(clockB.instant().toString());
    PostgresMovementReports instanceC = reports(clockC);

    ReportJob byB = instanceB.resume(job.id());
    ReportJob byC = instanceC.resume(job.id());

    assertThat(byB).isInstanceOf(PostgresReportJob.class);
    assertThat(byC).as("the lease B took is live").isInstanceOf(StoredReportJob.class);
    assertThat(byC.completion().get(WAIT_SECONDS, TimeUnit.SECONDS).state())
        .isEqualTo(State.SUCCEEDED);
  }

  @Test
  @DisplayName("cancelling an abandoned job ends it at once, as cancelled, with its days done")
  void cancellingAnAbandonedJobEndsIt() throws Exception {
    CountDownLatch thirdDay = new CountDownLatch(1);
    PostgresReportJob job = startBlockingOnThirdDay(instanceA, thirdDay);
    await(thirdDay);
    leaseRunsOutForB();

    ReportJob seenFromB = instanceB.findJob(job.id()).orElseThrow();
    assertThat(seenFromB.cancel()).isTrue();

    ReportStatus cancelled = seenFromB.status();
    assertThat(cancelled.state()).isEqualTo(State.CANCELLED);
    assertThat(cancelled.daysDone()).isEqualTo(2);
    assertThat(cancelled.finishedAt()).isEqualTo(clockB.instant());
    assertThat(instanceB.resume(job.id()).status().state())
        .as("an ended job is not resumed")
        .isEqualTo(State.CANCELLED);
    proceed.countDown();
    assertThat(job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS).state())
        .isEqualTo(State.CANCELLED);
  }

  @Test
  @DisplayName("an unknown job id is found nowhere, and cannot be resumed")
  void unknownJob() {
    UUID unknown = UUID.randomUUID();

    assertThat(instanceB.findJob(unknown)).isEmpty();
    assertThatThrownBy(() -> instanceB.resume(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no report job has the id " + unknown);
  }

  @Test
  @DisplayName("a job's lease is pushed forward by its heartbeat while it runs")
  void heartbeatPushesTheLease() throws Exception {
    CountDownLatch thirdDay = new CountDownLatch(1);
    PostgresReportJob job = startBlockingOnThirdDay(instanceA, thirdDay);
    await(thirdDay);
    Instant before = job.status().leaseExpiresAt();
    clockA.advance(Duration.ofMinutes(5));
    Instant expected = clockA.instant().plus(LEASE);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!expected.equals(job.status().leaseExpiresAt()) && System.nanoTime() < deadline) {
      // The heartbeat runs every third of the lease (1 s here): wait for the next one.
      TimeUnit.MILLISECONDS.sleep(50);
    }

    assertThat(job.status().leaseExpiresAt()).isEqualTo(expected).isAfter(before);
    leaseRunsOutForB();
    assertThat(instanceB.findJob(job.id()).orElseThrow().status().state())
        .as("B's clock is past the new lease")
        .isEqualTo(State.ABANDONED);
    clockB.set(clockA.instant());
    assertThat(instanceB.findJob(job.id()).orElseThrow().status().state()).isEqualTo(State.RUNNING);
  }
}
