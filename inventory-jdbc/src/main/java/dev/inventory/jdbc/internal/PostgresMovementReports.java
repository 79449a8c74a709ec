package dev.inventory.jdbc.internal;

import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The PostgreSQL {@link MovementReports}. Thread-safe: the jobs it started are kept in a concurrent
 * map, for {@link #findJob}.
 */
public final class PostgresMovementReports implements MovementReports {
  private static final LocalDate MIN_DAY = LocalDate.of(1, 1, 1);
  private static final LocalDate MAX_DAY = LocalDate.of(9999, 12, 31);

  private final Db db;
  private final Clock clock;
  private final MovementSql sql;
  private final Map<UUID, ReportJob> jobs = new ConcurrentHashMap<>();

  public PostgresMovementReports(DataSource dataSource, Settings settings) {
    // The builder's lock timeout applies; its statement timeout, sized for a checkout, does not:
    // a day of a large log, or a CSV of a month, takes longer (see Db.liftStatementTimeout).
    // The reports' retries are not told: the events are the checkout's.
    this.db =
        new Db(dataSource, settings.attempts(), settings.lockTimeout(), Duration.ZERO, Events.NONE);
    this.clock = settings.clock();
    this.sql = new MovementSql(new SqlText(settings.schema()));
  }

  @Override
  public ReportJob start(LocalDate firstDay, LocalDate lastDay, int workers) {
    checkRange(firstDay, lastDay);
    Checks.between("workers", workers, 1, MAX_WORKERS);
    PostgresReportJob job =
        new PostgresReportJob(firstDay, lastDay, workers, this::summarize, clock);
    jobs.put(job.id(), job);
    return job.start();
  }

  /** Rebuilds one day's rows from the log in one transaction; returns the log entries read. */
  long summarize(LocalDate day) {
    return db.transaction(
        Repeat
            .SAFE, // recomputed from the log: repeating it after an unknown outcome changes nothing
        sql.summarizeDay(day));
  }

  @Override
  public Optional<ReportJob> findJob(UUID jobId) {
    Objects.requireNonNull(jobId, "jobId must not be null");
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public long exportCsv(LocalDate firstDay, LocalDate lastDay, Writer out) {
    checkRange(firstDay, lastDay);
    Objects.requireNonNull(out, "out must not be null");
    // Not repeated on a lost connection: part of the CSV may already be written.
    return db.transaction(Repeat.UNSAFE, sql.exportCsv(firstDay, lastDay, out));
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
