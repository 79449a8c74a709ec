package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.ReportStatus.State;
import dev.inventory.jdbc.TestDatabase;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
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
 * The report job's life: its pool, cancel and failure, with the real day summary wrapped in
 * latches, so that the test decides when a day runs, without sleeping.
 */
@DisplayName("The report job's worker pool, cancel and failure")
class ReportJobTest {
  private static final long WAIT_SECONDS = 60;
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private PostgresMovementReports reports;
  private LocalDate first;
  private final List<LocalDate> summarized = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch proceed = new CountDownLatch(1);
  private PostgresReportJob job;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(8);
    schema = TestDatabase.newSchema(ReportJobTest.class);
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
    JdbcInventoryStore store =
        JdbcInventory.builder(pool).schema(schema).clock(clock).migrate(false).buildStore();
    Inventory inventory = store.inventory();
    reports =
        new PostgresMovementReports(
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
                false));
    first = LocalDate.of(2031, 1, 1).plusDays(10L * TESTS.incrementAndGet());
    // One receive at noon of each of five days.
    for (int d = 0; d < 5; d++) {
      clock.set(first.plusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC));
      inventory.receive(StockKey.of("job-" + first + "-" + d), d + 1, null);
    }
  }

  @AfterEach
  void releaseLatches() {
    proceed.countDown();
  }

  /** A day of the job, run by the test around the real one. */
  @FunctionalInterface
  interface Around {
    PostgresReportJob.Day run(LocalDate day, PostgresReportJob.DayRunner real);
  }

  private PostgresReportJob start(int workers, Around around) {
    return start(first.plusDays(4), workers, around);
  }

  private PostgresReportJob start(LocalDate last, int workers, Around around) {
    UUID id = UUID.randomUUID();
    PostgresReportJob.DayRunner real = reports.dayRunner(id);
    job = reports.launch(id, first, last, workers, day -> around.run(day, real));
    return job;
  }

  private List<LocalDate> daysInTable() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT DISTINCT day FROM "
                        + schema
                        + ".daily_movement WHERE day BETWEEN :a AND :b ORDER BY day")
                .bind("a", first)
                .bind("b", first.plusDays(4))
                .mapTo(LocalDate.class)
                .list());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch reached").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private List<Thread> workerThreads() {
    String prefix = PostgresReportJob.threadNamePrefix(job.id());
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix))
        .toList();
  }

  @Test
  @DisplayName("cancel: the day in progress finishes, no new day starts, finished days stay")
  void cancelStopsStartingDays() throws Exception {
    CountDownLatch secondDayStarted = new CountDownLatch(1);
    start(
        1,
        (day, real) -> {
          summarized.add(day);
          if (day.equals(first.plusDays(1))) {
            secondDayStarted.countDown();
            await(proceed);
          }
          return real.run(day);
        });
    await(secondDayStarted);

    assertThat(job.cancel()).isTrue();
    assertThat(job.status().state()).isEqualTo(State.RUNNING);
    proceed.countDown();
    ReportStatus status = job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(status.state()).isEqualTo(State.CANCELLED);
    assertThat(status.daysDone()).isEqualTo(2);
    assertThat(status.daysTotal()).isEqualTo(5);
    assertThat(status.rowsRead()).isEqualTo(2);
    assertThat(summarized).containsExactly(first, first.plusDays(1));
    assertThat(daysInTable()).containsExactly(first, first.plusDays(1));
    assertThat(job.cancel()).isFalse();
  }

  @Test
  @DisplayName("a failing day fails the job: days done stay, later days never start")
  void failureStopsTheJob() throws Exception {
    start(
        1,
        (day, real) -> {
          summarized.add(day);
          if (day.equals(first.plusDays(2))) {
            throw new IllegalStateException("disk full");
          }
          return real.run(day);
        });

    ReportStatus status = job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.failure()).isEqualTo("disk full");
    assertThat(status.daysDone()).isEqualTo(2);
    assertThat(summarized).containsExactly(first, first.plusDays(1), first.plusDays(2));
    assertThat(daysInTable()).containsExactly(first, first.plusDays(1));
  }

  @Test
  @DisplayName("the pool runs as many days at once as it has workers, and no more")
  void poolSizeIsTheConcurrency() throws Exception {
    CountDownLatch threeRunning = new CountDownLatch(3);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    start(
        3,
        (day, real) -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          threeRunning.countDown();
          await(threeRunning); // only reached if three days run at once
          try {
            return real.run(day);
          } finally {
            running.decrementAndGet();
          }
        });

    ReportStatus status = job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(most.get()).isEqualTo(3);
    assertThat(daysInTable()).hasSize(5);
  }

  @Test
  @DisplayName("when the job ends, its worker threads end too: no thread leaks")
  void noThreadLeaks() throws Exception {
    CountDownLatch allStarted = new CountDownLatch(4);
    start(
        4,
        (day, real) -> {
          allStarted.countDown();
          await(proceed);
          return real.run(day);
        });
    await(allStarted);
    List<Thread> workers = workerThreads();
    assertThat(workers).hasSize(4).allMatch(Thread::isDaemon);

    proceed.countDown();
    job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS);
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    assertThat(workers).noneMatch(Thread::isAlive);
    assertThat(workerThreads()).isEmpty();
  }

  @Test
  @DisplayName("a job of fewer days than workers starts only one thread per day")
  void noIdleWorkers() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    start(
        first,
        8,
        (day, real) -> {
          started.countDown();
          await(proceed);
          return real.run(day);
        });
    await(started);

    assertThat(workerThreads()).hasSize(1);
    proceed.countDown();
    assertThat(job.completion().get(WAIT_SECONDS, TimeUnit.SECONDS).state())
        .isEqualTo(State.SUCCEEDED);
  }
}
