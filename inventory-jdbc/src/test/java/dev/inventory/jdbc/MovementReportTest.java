package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.MutableClock;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.ReportStatus.State;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("The daily movement report on PostgreSQL")
class MovementReportTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(6);

  private static final AtomicInteger TESTS = new AtomicInteger();

  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private JdbcInventoryStore store;
  private Inventory inventory;
  private MovementReports reports;
  private String prefix;
  private LocalDate day1;

  @BeforeEach
  void build() {
    store = DB.store(clock);
    inventory = store.inventory();
    reports = store.reports();
    int test = TESTS.incrementAndGet();
    prefix = "m" + test + "-";
    // Days of their own for every test: the summary table is per day, for all keys.
    day1 = LocalDate.of(2030, 1, 1).plusDays(10L * test);
  }

  private StockKey key(String name) {
    return StockKey.of(prefix + name);
  }

  private void at(LocalDate day, String time) {
    clock.set(Instant.parse(day + "T" + time + "Z"));
  }

  /** Every kind of movement on one key in one day; returns the key. */
  private StockKey busyDay(LocalDate day) {
    StockKey a = key("A");
    at(day, "08:00:00");
    inventory.receive(a, 10, "delivery");
    inventory.reserve(ReservationRequest.builder(prefix + "c1").line(a, 3).build());
    inventory.confirm(prefix + "c1");
    inventory.purchase(ReservationRequest.builder(prefix + "direct").line(a, 2).build());
    inventory.reserve(ReservationRequest.builder(prefix + "c2").line(a, 1).build());
    inventory.release(prefix + "c2");
    inventory.reserve(
        ReservationRequest.builder(prefix + "c3").line(a, 2).ttl(Duration.ofMinutes(1)).build());
    inventory.amend(prefix + "c3", List.of(new Line(a, 4)));
    inventory.amend(prefix + "c3", List.of(new Line(a, 1)));
    clock.advance(Duration.ofMinutes(2));
    inventory.expireDue(1000);
    inventory.adjust(a, -1, "breakage");
    inventory.setOnHand(a, 5, "count");
    return a;
  }

  private List<Row> rows(LocalDate first, LocalDate last) {
    return DB.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT day, sku, location, kind, on_hand_delta, reserved_delta, entries FROM "
                            + DB.name()
                            + ".daily_movement WHERE day BETWEEN :first AND :last AND sku LIKE :prefix"
                            + " ORDER BY day, sku, location, kind")
                    .bind("first", first)
                    .bind("last", last)
                    .bind("prefix", prefix + "%")
                    .map(
                        (rs, ctx) ->
                            new Row(
                                rs.getObject("day", LocalDate.class),
                                rs.getString("sku"),
                                rs.getString("location"),
                                rs.getString("kind"),
                                rs.getLong("on_hand_delta"),
                                rs.getLong("reserved_delta"),
                                rs.getLong("entries")))
                    .list());
  }

  record Row(
      LocalDate day,
      String sku,
      String location,
      String kind,
      long onHandDelta,
      long reservedDelta,
      long entries) {}

  private static ReportStatus finish(ReportJob job) throws Exception {
    return job.completion().get(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("sums each UTC day's log per SKU, location and kind of movement")
  void sumsTheLogPerDayKeyAndKind() throws Exception {
    StockKey a = busyDay(day1);

    ReportStatus status = finish(reports.start(day1, day1));

    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(rows(day1, day1))
        .extracting(Row::kind, Row::onHandDelta, Row::reservedDelta, Row::entries)
        .containsExactly(
            tuple("adjusted", 0L, 0L, 2L), // ADJUST -1, SET +1
            tuple("expired", 0L, -1L, 1L),
            tuple("received", 10L, 0L, 1L),
            tuple("released", 0L, -4L, 2L), // RELEASE -1, AMEND -3
            tuple("reserved", 0L, 8L, 4L), // RESERVE 3 + 1 + 2, AMEND +2
            tuple("sold", -5L, -3L, 2L)); // CONFIRM of c1, and the purchase
    assertThat(rows(day1, day1)).extracting(Row::sku).containsOnly(a.sku());
  }

  @Test
  @DisplayName("days are UTC days: an entry at 23:59:59.999999 and one at 00:00 fall apart")
  void daysAreUtcDays() throws Exception {
    StockKey b = StockKey.of(prefix + "B", "hub-7");
    clock.set(day1.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000));
    inventory.receive(b, 1, null);
    clock.set(day1.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    inventory.receive(b, 2, null);

    finish(reports.start(day1, day1.plusDays(1), 2));

    assertThat(rows(day1, day1.plusDays(1)))
        .extracting(Row::day, Row::location, Row::onHandDelta)
        .containsExactly(tuple(day1, "hub-7", 1L), tuple(day1.plusDays(1), "hub-7", 2L));
  }

  @Test
  @DisplayName("running the same days twice gives the same rows")
  void rerunIsIdempotent() throws Exception {
    busyDay(day1);
    busyDayOn(day1.plusDays(2), "B");
    finish(reports.start(day1, day1.plusDays(2), 3));
    List<Row> once = rows(day1, day1.plusDays(2));

    ReportStatus again = finish(reports.start(day1, day1.plusDays(2), 1));

    assertThat(again.state()).isEqualTo(State.SUCCEEDED);
    assertThat(rows(day1, day1.plusDays(2))).isEqualTo(once);
    assertThat(once).extracting(Row::day).contains(day1, day1.plusDays(2));
  }

  private void busyDayOn(LocalDate day, String name) {
    at(day, "12:00:00");
    inventory.receive(key(name), 7, null);
    inventory.purchase(
        ReservationRequest.builder(prefix + name + "-buy").line(key(name), 3).build());
  }

  @Test
  @DisplayName(
      "running a day again takes in entries written since, and drops rows it no longer yields")
  void rerunFollowsTheLog() throws Exception {
    StockKey a = key("A");
    at(day1, "09:00:00");
    inventory.receive(a, 4, null);
    finish(reports.start(day1, day1));
    DB.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO "
                        + DB.name()
                        + ".daily_movement VALUES (?, ?, 'default', 'expired', 0, -9, 1)",
                    day1,
                    prefix + "stray"));
    at(day1, "17:00:00");
    inventory.receive(a, 6, null);

    finish(reports.start(day1, day1));

    assertThat(rows(day1, day1))
        .extracting(Row::sku, Row::kind, Row::onHandDelta, Row::entries)
        .containsExactly(tuple(a.sku(), "received", 10L, 2L));
  }

  @Test
  @DisplayName("the status counts days and log rows read, and the job is found by its id")
  void statusAndLookup() throws Exception {
    busyDay(day1);
    busyDayOn(day1.plusDays(1), "B"); // 2 entries
    ReportJob job = reports.start(day1, day1.plusDays(3), 2);

    ReportStatus status = finish(job);

    assertThat(status.jobId()).isEqualTo(job.id());
    assertThat(status.daysTotal()).isEqualTo(4);
    assertThat(status.daysDone()).isEqualTo(4);
    assertThat(status.rowsRead()).isEqualTo(12 + 2);
    assertThat(status.firstDay()).isEqualTo(day1);
    assertThat(status.lastDay()).isEqualTo(day1.plusDays(3));
    assertThat(status.finishedAt()).isNotNull();
    assertThat(status.failure()).isNull();
    assertThat(status.isFinished()).isTrue();
    assertThat(job.status()).isEqualTo(status);
    assertThat(reports.findJob(job.id())).containsSame(job);
    assertThat(reports.findJob(java.util.UUID.randomUUID())).isEmpty();
    assertThat(job.cancel()).isFalse();
  }

  @Test
  @DisplayName("a job started by one store is found, read and cancelled by another on the schema")
  void anotherStoreReadsAndCancels() throws Exception {
    JdbcInventoryStore other = DB.store(clock);
    ReportJob job = reports.start(day1, day1.plusDays(1999), 1);

    ReportJob seen = other.reports().findJob(job.id()).orElseThrow();
    ReportStatus first = seen.status();
    boolean cancelled = seen.cancel();
    ReportStatus ended = seen.completion().get(60, TimeUnit.SECONDS);

    assertThat(seen).isNotSameAs(job);
    assertThat(first.jobId()).isEqualTo(job.id());
    assertThat(first.daysTotal()).isEqualTo(2000);
    assertThat(first.workers()).isEqualTo(1);
    assertThat(cancelled).isTrue();
    assertThat(ended.state()).isEqualTo(State.CANCELLED);
    assertThat(ended.cancelRequested()).isTrue();
    assertThat(ended.daysDone()).isLessThan(2000);
    assertThat(finish(job)).isEqualTo(ended);
    assertThat(other.reports().findJob(job.id()).orElseThrow().status()).isEqualTo(ended);
  }

  @Test
  @DisplayName("CSV export streams the summarized rows of a range, with a header, in order")
  void csvExport() throws Exception {
    StockKey a = busyDay(day1);
    busyDayOn(day1.plusDays(1), "B");
    busyDayOn(day1.plusDays(2), "C");
    finish(reports.start(day1, day1.plusDays(2)));
    StringWriter csv = new StringWriter();

    long written = reports.exportCsv(day1, day1.plusDays(1), csv);

    List<String> lines = csv.toString().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("day,sku,location,kind,on_hand_delta,reserved_delta,entries");
    assertThat(lines).hasSize((int) written + 1);
    assertThat(written).isEqualTo(6 + 2);
    assertThat(lines)
        .contains(
            day1 + "," + a.sku() + ",default,received,10,0,1",
            day1.plusDays(1) + "," + prefix + "B,default,sold,-3,0,1")
        .noneMatch(line -> line.startsWith(day1.plusDays(2).toString()));
    assertThat(lines.subList(1, lines.size())).isSorted();
  }

  @Test
  @DisplayName("a log row written by hand, against the library's rules, is summed, not refused")
  void handWrittenLogRowsAreSummed() throws Exception {
    DB.jdbi()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO "
                        + DB.name()
                        + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                        + " on_hand_after, reserved_after) VALUES (?, ?, 'default', 'RECEIVE', -2,"
                        + " 0, 0, 0)",
                    day1.atTime(12, 0).atOffset(ZoneOffset.UTC),
                    prefix + "H"));

    ReportStatus status = finish(reports.start(day1, day1));

    assertThat(status.state()).as(String.valueOf(status.failure())).isEqualTo(State.SUCCEEDED);
    assertThat(reports.sellerSummary(day1, day1, MovementReports.NO_SELLER))
        .containsExactly(new SellerDay(day1, MovementReports.NO_SELLER, 0, 0, 0, 0, -2, 0, 1));
  }

  @Test
  @DisplayName("a range out of order or out of bounds, or a bad pool size, is refused")
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> reports.start(day1, day1.minusDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastDay");
    assertThatThrownBy(() -> reports.start(day1, day1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workers");
    assertThatThrownBy(() -> reports.start(day1, day1, 65))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> reports.exportCsv(day1, LocalDate.of(10_000, 1, 1), new StringWriter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9999");
  }

  @Test
  @DisplayName(
      "reports outlast a pool's statement_timeout sized for checkouts, autocommit and no lock"
          + " timeout configured included")
  void reportsLiftThePoolsStatementTimeout() throws Exception {
    busyDay(day1);
    reports.start(day1, day1).completion().get(60, TimeUnit.SECONDS);
    try (HikariDataSource strict =
        TestDatabase.pool(2, c -> c.setConnectionInitSql("SET statement_timeout = '50ms'"))) {
      MovementReports onStrict =
          JdbcInventory.builder(strict).schema(DB.name()).migrate(false).buildStore().reports();
      // A read kept waiting on a lock for longer than the pool's timeout: lifted, it waits.
      CountDownLatch locked = new CountDownLatch(1);
      CompletableFuture<Void> holder =
          CompletableFuture.runAsync(
              () ->
                  DB.jdbi()
                      .useTransaction(
                          h -> {
                            h.execute(
                                "LOCK TABLE "
                                    + DB.name()
                                    + ".daily_seller_movement IN ACCESS EXCLUSIVE MODE");
                            locked.countDown();
                            h.execute("SELECT pg_sleep(0.3)");
                          }));
      assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

      List<SellerDay> rows = onStrict.sellerSummary(day1, day1, MovementReports.NO_SELLER);

      holder.get(10, TimeUnit.SECONDS);
      assertThat(rows).extracting(SellerDay::day).containsOnly(day1);
    }
  }
}
