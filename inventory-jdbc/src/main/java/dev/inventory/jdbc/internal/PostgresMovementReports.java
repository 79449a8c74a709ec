package dev.inventory.jdbc.internal;

import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.SellerDay;
import dev.inventory.jdbc.SellerGross;
import dev.inventory.jdbc.internal.ReportJobSql.JobRow;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL {@link MovementReports}: one instance in the sense of the report jobs, the owner
 * (a random id) of the jobs it starts or resumes. Thread-safe: the jobs it runs are kept in a
 * concurrent map, so that {@link #findJob} returns the very object; any other job is read from the
 * database.
 */
public final class PostgresMovementReports implements MovementReports {
  /** How long a job's lease lasts from a heartbeat, unless the builder says otherwise. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  private static final LocalDate MIN_DAY = LocalDate.of(1, 1, 1);
  private static final LocalDate MAX_DAY = LocalDate.of(9999, 12, 31);

  private final Db db;
  private final MovementSql sql;
  private final JobRecords records;
  private final Map<UUID, PostgresReportJob> jobs = new ConcurrentHashMap<>();

  public PostgresMovementReports(DataSource dataSource, Settings settings) {
    this(dataSource, settings, DEFAULT_LEASE);
  }

  /**
   * Reports whose jobs hold a lease of {@code lease}, pushed forward every third of it.
   *
   * @param lease 1 second to 1 hour (see {@link #lease(Duration)})
   */
  public PostgresMovementReports(DataSource dataSource, Settings settings, Duration lease) {
    // The builder's lock timeout applies; its statement timeout, sized for a checkout, does not,
    // nor does the pool's (see Db.backOffice). The reports' retries are not told: the events are
    // the checkout's.
    this.db = Db.backOffice(dataSource, settings.attempts(), settings.lockTimeout(), Events.NONE);
    SqlText text = new SqlText(settings.schema());
    this.sql = new MovementSql(text);
    this.records =
        new JobRecords(
            db, new ReportJobSql(text), settings.clock(), UUID.randomUUID(), lease(lease));
  }

  /** A report job's lease: 1 second to 1 hour. */
  public static Duration lease(Duration lease) {
    Objects.requireNonNull(lease, "reportLease must not be null");
    if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "reportLease must be between 1 second and 1 hour, but was " + lease);
    }
    return lease;
  }

  @Override
  public ReportJob start(LocalDate firstDay, LocalDate lastDay, int workers) {
    checkRange(firstDay, lastDay);
    Checks.between("workers", workers, 1, MAX_WORKERS);
    UUID id = UUID.randomUUID();
    return launch(id, firstDay, lastDay, workers, dayRunner(id));
  }

  /** Records a new job and starts it, each day run by {@code runner}. */
  PostgresReportJob launch(
      UUID id,
      LocalDate firstDay,
      LocalDate lastDay,
      int workers,
      PostgresReportJob.DayRunner runner) {
    Instant startedAt = records.insert(id, firstDay, lastDay, workers);
    PostgresReportJob job =
        new PostgresReportJob(
            id, firstDay, lastDay, workers, startedAt, Set.of(), false, runner, records);
    jobs.put(id, job);
    return job.start();
  }

  /**
   * A job's day: {@code daily_movement} and {@code daily_seller_movement} rebuilt from the log, and
   * the day recorded as done for the job, in one transaction.
   */
  PostgresReportJob.DayRunner dayRunner(UUID jobId) {
    return day ->
        db.transaction(
            // Recomputed from the log, and a day done is recorded once: repeating it after an
            // unknown outcome changes nothing.
            Repeat.SAFE,
            tx -> {
              long rowsRead = sql.summarizeDay(day).run(tx);
              return new PostgresReportJob.Day(
                  rowsRead, records.dayDone(jobId, day, rowsRead).run(tx));
            });
  }

  @Override
  public Optional<ReportJob> findJob(UUID jobId) {
    Objects.requireNonNull(jobId, "jobId must not be null");
    PostgresReportJob mine = jobs.get(jobId);
    if (mine != null) {
      return Optional.of(mine);
    }
    return records.status(jobId).map(found -> new StoredReportJob(found, records));
  }

  @Override
  public ReportJob resume(UUID jobId) {
    Objects.requireNonNull(jobId, "jobId must not be null");
    if (records.takeOver(jobId)) {
      JobRow row = records.row(jobId).orElseThrow();
      PostgresReportJob job =
          new PostgresReportJob(
              jobId,
              row.firstDay(),
              row.lastDay(),
              row.workers(),
              row.startedAt(),
              records.daysDone(jobId),
              row.cancelRequested(),
              dayRunner(jobId),
              records);
      jobs.put(jobId, job);
      return job.start();
    }
    return findJob(jobId)
        .orElseThrow(() -> new IllegalArgumentException("no report job has the id " + jobId));
  }

  @Override
  public List<SellerDay> sellerSummary(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller) {
    checkRange(firstDay, lastDay);
    checkSeller(seller);
    return db.read(sql.sellerDays(firstDay, lastDay, seller));
  }

  @Override
  public List<SellerGross> sellerGross(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller) {
    checkRange(firstDay, lastDay);
    checkSeller(seller);
    return db.read(sql.sellerGross(firstDay, lastDay, seller));
  }

  @Override
  public long exportCsv(LocalDate firstDay, LocalDate lastDay, Writer out) {
    checkRange(firstDay, lastDay);
    Objects.requireNonNull(out, "out must not be null");
    // Not repeated on a lost connection: part of the CSV may already be written.
    return db.transaction(Repeat.UNSAFE, sql.exportCsv(firstDay, lastDay, out));
  }

  @Override
  public long exportSellerCsv(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out) {
    checkRange(firstDay, lastDay);
    checkSeller(seller);
    Objects.requireNonNull(out, "out must not be null");
    return db.transaction(Repeat.UNSAFE, sql.exportSellerCsv(firstDay, lastDay, seller, out));
  }

  @Override
  public long exportGrossCsv(
      LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out) {
    checkRange(firstDay, lastDay);
    checkSeller(seller);
    Objects.requireNonNull(out, "out must not be null");
    return db.transaction(Repeat.UNSAFE, sql.exportGrossCsv(firstDay, lastDay, seller, out));
  }

  /** Null (every seller), {@link #NO_SELLER}, or a seller as the catalog's items name one. */
  private static void checkSeller(@Nullable String seller) {
    if (seller != null && !seller.equals(NO_SELLER)) {
      Checks.name("seller", seller);
    }
  }

  private static void checkRange(LocalDate firstDay, LocalDate lastDay) {
    Objects.requireNonNull(firstDay, "firstDay must not be null");
    Objects.requireNonNull(lastDay, "lastDay must not be null");
    if (firstDay.isBefore(MIN_DAY) || lastDay.isAfter(MAX_DAY)) {
      throw new IllegalArgumentException(
          "days must lie in the years 1 to 9999, but were " + firstDay + " to " + lastDay);
    }
    if (lastDay.isBefore(firstDay)) {
      throw new IllegalArgumentException(
          "lastDay must not be before firstDay, but was firstDay="
              + firstDay
              + " lastDay="
              + lastDay);
    }
  }
}
