package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The report jobs' statements: {@code report_job} (a job's range, state, cancel request, owner and
 * lease) and {@code report_job_day} (the days it has done). Each statement's text, binding and row
 * mapping; no decision. Thread-safe: it holds only text.
 *
 * <p>The one rule these rows carry, a lease that ran out, is written once, in {@link
 * #LEASE_RAN_OUT}: every statement that reads or acts on it compares the lease with {@code :now},
 * the caller's clock, as holds compare their expiry.
 */
final class ReportJobSql {
  /** A running job whose owner has stopped pushing its lease forward: nobody runs it any more. */
  private static final String LEASE_RAN_OUT = "lease_until <= :now";

  private final String insert;
  private final String read;
  private final String heartbeat;
  private final String dayDone;
  private final String finish;
  private final String requestCancel;
  private final String takeOver;
  private final String daysDone;

  ReportJobSql(SqlText text) {
    this.insert =
        text.render(
            """
            INSERT INTO ${schema}.report_job
                   (id, first_day, last_day, workers, state, cancel_requested, started_at, owner,
                    lease_until)
            VALUES (:id, :first, :last, :workers, 'RUNNING', false, :now, :owner, :leaseUntil)
            """);
    // Progress is counted from the days done, not kept in a counter the workers would contend on.
    this.read =
        text.render(
            """
            SELECT j.*, ${leaseRanOut} AS lease_ran_out, d.days_done, d.rows_read
              FROM ${schema}.report_job j
             CROSS JOIN LATERAL (
                   -- One pass over the job's days for both figures (a poll may come every 250 ms).
                   SELECT count(*) AS days_done, coalesce(sum(x.rows_read), 0)::bigint AS rows_read
                     FROM ${schema}.report_job_day x
                    WHERE x.job_id = j.id) d
             WHERE j.id = :id
            """
                .replace("${leaseRanOut}", LEASE_RAN_OUT));
    // Only the owner of a running job pushes its lease; its answer carries the cancel request,
    // made by any instance, to the owner.
    this.heartbeat =
        text.render(
            """
            UPDATE ${schema}.report_job SET lease_until = :leaseUntil
             WHERE id = :id AND owner = :owner AND state = 'RUNNING'
            RETURNING cancel_requested
            """);
    // A day done is recorded in the transaction that summarized it. Two instances may have done
    // the same day (one took the job over while the other still ran it): the day is the same
    // either way, and counted once.
    this.dayDone =
        text.render(
            """
            WITH done AS (
                INSERT INTO ${schema}.report_job_day (job_id, day, rows_read, done_at)
                VALUES (:id, :day, :rowsRead, :now)
                ON CONFLICT (job_id, day) DO NOTHING
            )
            SELECT cancel_requested, (owner = :owner AND state = 'RUNNING') AS still_ours
              FROM ${schema}.report_job WHERE id = :id
            """);
    // Only the owner ends its job, and only once: a job taken over by another instance is that
    // instance's to end.
    this.finish =
        text.render(
            """
            UPDATE ${schema}.report_job
               SET state = :state, finished_at = :now, failure = :failure
             WHERE id = :id AND owner = :owner AND state = 'RUNNING'
            """);
    // Any instance may ask: a job with a live owner stops when its owner reads the request (after
    // its current day, or at its next heartbeat); a job whose lease ran out has nobody to read it,
    // so it ends here, as cancelled.
    this.requestCancel =
        text.render(
            """
            UPDATE ${schema}.report_job
               SET cancel_requested = true,
                   state = CASE WHEN ${leaseRanOut} THEN 'CANCELLED' ELSE state END,
                   finished_at = CASE WHEN ${leaseRanOut} THEN :now END
             WHERE id = :id AND state = 'RUNNING'
            RETURNING id
            """
                .replace("${leaseRanOut}", LEASE_RAN_OUT));
    // Conditional on the lease having run out, so two instances resuming one job at once cannot
    // both get it: the second finds the lease pushed forward by the first.
    this.takeOver =
        text.render(
            """
            UPDATE ${schema}.report_job
               SET owner = :owner, lease_until = :leaseUntil
             WHERE id = :id AND state = 'RUNNING' AND ${leaseRanOut}
            RETURNING id
            """
                .replace("${leaseRanOut}", LEASE_RAN_OUT));
    this.daysDone = text.render("SELECT day FROM ${schema}.report_job_day WHERE job_id = :id");
  }

  /** A job as stored, with its progress, and whether its lease has run out at {@code now}. */
  record JobRow(
      UUID id,
      LocalDate firstDay,
      LocalDate lastDay,
      int workers,
      String state,
      boolean cancelRequested,
      Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable String failure,
      Instant leaseUntil,
      boolean leaseRanOut,
      int daysDone,
      long rowsRead) {}

  /** What recording a day done answered: the cancel request, and whether the job is still ours. */
  record DayDone(boolean cancelRequested, boolean stillOurs) {}

  /** Records a new running job, owned by {@code owner} until {@code leaseUntil}. */
  Session.Work<Integer> insert(
      UUID id,
      LocalDate first,
      LocalDate last,
      int workers,
      Instant now,
      UUID owner,
      Instant leaseUntil) {
    return h ->
        h.createUpdate(insert)
            .bind("id", id)
            .bind("first", first)
            .bind("last", last)
            .bind("workers", workers)
            .bind("now", timestamp(now))
            .bind("owner", owner)
            .bind("leaseUntil", timestamp(leaseUntil))
            .execute();
  }

  /** The job, if there is one with this id. */
  Session.Work<Optional<JobRow>> read(UUID id, Instant now) {
    return h ->
        h.createQuery(read)
            .bind("id", id)
            .bind("now", timestamp(now))
            .map((rs, ctx) -> row(rs))
            .findOne();
  }

  /** Pushes the lease; the cancel request, or empty if the job is no longer this owner's. */
  Session.Work<Optional<Boolean>> heartbeat(UUID id, UUID owner, Instant leaseUntil) {
    return h ->
        h.createQuery(heartbeat)
            .bind("id", id)
            .bind("owner", owner)
            .bind("leaseUntil", timestamp(leaseUntil))
            .mapTo(Boolean.class)
            .findOne();
  }

  /** Records a day done (in the day's transaction). */
  Session.Work<DayDone> dayDone(UUID id, UUID owner, LocalDate day, long rowsRead, Instant now) {
    return h ->
        h.createQuery(dayDone)
            .bind("id", id)
            .bind("owner", owner)
            .bind("day", day)
            .bind("rowsRead", rowsRead)
            .bind("now", timestamp(now))
            .map(
                (rs, ctx) ->
                    new DayDone(rs.getBoolean("cancel_requested"), rs.getBoolean("still_ours")))
            .one();
  }

  /** Ends the owner's running job; whether it was still the owner's and running. */
  Session.Work<Boolean> finish(
      UUID id, UUID owner, String state, Instant now, @Nullable String failure) {
    return h ->
        h.createUpdate(finish)
                .bind("id", id)
                .bind("owner", owner)
                .bind("state", state)
                .bind("now", timestamp(now))
                .bind("failure", failure)
                .execute()
            == 1;
  }

  /** Asks a running job to stop; whether it was running (a job that ran out is ended here). */
  Session.Work<Boolean> requestCancel(UUID id, Instant now) {
    return h ->
        h.createQuery(requestCancel)
            .bind("id", id)
            .bind("now", timestamp(now))
            .mapTo(UUID.class)
            .findOne()
            .isPresent();
  }

  /** Makes {@code owner} the owner of a running job whose lease ran out; whether it did. */
  Session.Work<Boolean> takeOver(UUID id, UUID owner, Instant now, Instant leaseUntil) {
    return h ->
        h.createQuery(takeOver)
            .bind("id", id)
            .bind("owner", owner)
            .bind("now", timestamp(now))
            .bind("leaseUntil", timestamp(leaseUntil))
            .mapTo(UUID.class)
            .findOne()
            .isPresent();
  }

  /** The days a job has done. */
  Session.Work<Set<LocalDate>> daysDone(UUID id) {
    return h -> new HashSet<>(h.createQuery(daysDone).bind("id", id).mapTo(LocalDate.class).list());
  }

  private static JobRow row(ResultSet rs) throws SQLException {
    OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
    return new JobRow(
        rs.getObject("id", UUID.class),
        rs.getObject("first_day", LocalDate.class),
        rs.getObject("last_day", LocalDate.class),
        rs.getInt("workers"),
        rs.getString("state"),
        rs.getBoolean("cancel_requested"),
        PgValues.instant(rs, "started_at"),
        finished == null ? null : finished.toInstant(),
        rs.getString("failure"),
        PgValues.instant(rs, "lease_until"),
        rs.getBoolean("lease_ran_out"),
        Math.toIntExact(rs.getLong("days_done")),
        rs.getLong("rows_read"));
  }
}
