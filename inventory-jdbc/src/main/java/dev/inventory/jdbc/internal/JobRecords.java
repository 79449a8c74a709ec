package dev.inventory.jdbc.internal;

import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.ReportStatus.State;
import dev.inventory.jdbc.internal.ReportJobSql.DayDone;
import dev.inventory.jdbc.internal.ReportJobSql.JobRow;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The report jobs as the database keeps them, seen from one instance (one {@code
 * PostgresMovementReports}, the {@link #owner} of the jobs it runs): records a job, a day done, a
 * heartbeat, the end; reads a job's status; asks a job to cancel; takes an abandoned job over.
 *
 * <p>It decides one thing: what a stored row means. A job stored as running whose lease has run out
 * at this instance's clock is {@link State#ABANDONED}: nobody runs it.
 *
 * <p>Thread-safe: it holds only settings.
 */
final class JobRecords {
  private final Session db;
  private final ReportJobSql sql;
  private final Clock clock;
  private final UUID owner;
  private final Duration lease;

  JobRecords(Session db, ReportJobSql sql, Clock clock, UUID owner, Duration lease) {
    this.db = db;
    this.sql = sql;
    this.clock = clock;
    this.owner = owner;
    this.lease = lease;
  }

  /** How long a job's lease lasts from a heartbeat. */
  Duration lease() {
    return lease;
  }

  /** The heartbeat's period: a third of the lease, so that two heartbeats may fail in a row. */
  Duration heartbeatInterval() {
    return lease.dividedBy(3);
  }

  Instant now() {
    return PgValues.now(clock);
  }

  private Instant leaseFromNow(Instant now) {
    return now.plus(lease).truncatedTo(ChronoUnit.MICROS);
  }

  /** Records a new job, running on this instance; returns when it started. */
  Instant insert(UUID id, LocalDate first, LocalDate last, int workers) {
    Instant now = now();
    // A fresh random id: repeated after an unknown outcome, the insert would fail on its own row.
    db.statement(
        Repeat.UNSAFE, sql.insert(id, first, last, workers, now, owner, leaseFromNow(now)));
    return now;
  }

  /** The job's status, if a job has this id. */
  Optional<ReportStatus> status(UUID id) {
    return row(id).map(JobRecords::status);
  }

  /** The stored row of a job, if there is one. */
  Optional<JobRow> row(UUID id) {
    return db.read(sql.read(id, now()));
  }

  /** What a stored row means at this instance's clock. */
  static ReportStatus status(JobRow row) {
    State state = State.valueOf(row.state());
    boolean running = state == State.RUNNING;
    if (running && row.leaseRanOut()) {
      state = State.ABANDONED;
    }
    return new ReportStatus(
        row.id(),
        state,
        row.firstDay(),
        row.lastDay(),
        row.daysDone(),
        days(row.firstDay(), row.lastDay()),
        row.rowsRead(),
        row.startedAt(),
        row.finishedAt(),
        row.failure(),
        row.workers(),
        row.cancelRequested(),
        running ? row.leaseUntil() : null);
  }

  /** The days from {@code first} to {@code last}, both included. */
  static int days(LocalDate first, LocalDate last) {
    return Math.toIntExact(ChronoUnit.DAYS.between(first, last) + 1);
  }

  /** Pushes this instance's lease on a job: the cancel request, or empty if the job is not ours. */
  Optional<Boolean> heartbeat(UUID id) {
    return db.statement(Repeat.SAFE, sql.heartbeat(id, owner, leaseFromNow(now())));
  }

  /** Records a day done; part of the day's transaction. */
  Session.Work<DayDone> dayDone(UUID id, LocalDate day, long rowsRead) {
    return sql.dayDone(id, owner, day, rowsRead, now());
  }

  /** Ends this instance's job; whether it was still this instance's, and running. */
  boolean finish(UUID id, State state, @Nullable String failure) {
    return db.statement(Repeat.SAFE, sql.finish(id, owner, state.name(), now(), failure));
  }

  /** Asks a job to stop; whether it was running (or abandoned, which ends it). */
  boolean requestCancel(UUID id) {
    return db.statement(Repeat.SAFE, sql.requestCancel(id, now()));
  }

  /** Makes this instance the owner of a job whose lease ran out; whether it did. */
  boolean takeOver(UUID id) {
    Instant now = now();
    return db.statement(Repeat.UNSAFE, sql.takeOver(id, owner, now, leaseFromNow(now)));
  }

  /** The days a job has done. */
  Set<LocalDate> daysDone(UUID id) {
    return db.read(sql.daysDone(id));
  }
}
