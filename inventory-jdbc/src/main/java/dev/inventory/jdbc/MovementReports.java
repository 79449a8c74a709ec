package dev.inventory.jdbc;

import java.io.Writer;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * The daily movement report of a shop's back office (its "settlement"): per UTC day, SKU, location
 * and kind of movement, the sums of the inventory log, kept in the table {@code daily_movement} and
 * exported as CSV.
 *
 * <p>Kinds of movement, from the log's kinds: {@code received} (RECEIVE), {@code sold} (CONFIRM,
 * including purchases), {@code reserved} (RESERVE, and an AMEND that grows a hold), {@code
 * released} (RELEASE, and an AMEND that shrinks one), {@code expired} (EXPIRE), {@code adjusted}
 * (ADJUST and SET). Each row has the sums of the on-hand and reserved deltas and the number of log
 * entries.
 *
 * <p><b>Days are UTC days</b>: {@code 2026-03-01} is the log entries with {@code 2026-03-01T00:00Z
 * <= at < 2026-03-02T00:00Z}, whatever the time zone of the JVM, the session or the shop.
 *
 * <p>Summarizing a day is idempotent: it recomputes the day from the log and upserts its rows (and
 * deletes the day's rows the log no longer yields) in one transaction, so running a day twice, or a
 * day that was cut short, gives the same rows as running it once. A day that is still going on can
 * be summarized again later.
 *
 * <p>Thread-safe. The database role needs SELECT on {@code inventory_log} and SELECT, INSERT,
 * UPDATE and DELETE on {@code daily_movement}.
 *
 * @since 0.1.0
 */
public interface MovementReports {
  /** The worker pool size of {@link #start(LocalDate, LocalDate)}. */
  int DEFAULT_WORKERS = 2;

  /** The largest worker pool a job may have. */
  int MAX_WORKERS = 64;

  /**
   * {@link #start(LocalDate, LocalDate, int)} with {@value #DEFAULT_WORKERS} workers.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @return the running job
   * @throws IllegalArgumentException if the range is out of bounds
   */
  default ReportJob start(LocalDate firstDay, LocalDate lastDay) {
    return start(firstDay, lastDay, DEFAULT_WORKERS);
  }

  /**
   * Starts summarizing the days {@code firstDay} to {@code lastDay} (both included) in the
   * background and returns at once. Days are started in date order, {@code workers} at a time (at
   * most one worker per day), each on a connection borrowed from the pool: size the pool for it.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param workers 1 to {@value #MAX_WORKERS} threads, owned by the job and shut down when it ends
   * @return the running job; {@link ReportJob#completion()} tells when it ends
   * @throws IllegalArgumentException if the range or the worker count is out of bounds
   */
  ReportJob start(LocalDate firstDay, LocalDate lastDay, int workers);

  /**
   * A job started by this object, running or ended, by its id. Jobs are kept in memory for the life
   * of this object (a few hundred bytes each), not in the database: after a restart, look at {@code
   * daily_movement} itself.
   *
   * @param jobId the {@link ReportJob#id()} of a job started by this object
   * @return the job, or empty if this object started none with this id
   */
  Optional<ReportJob> findJob(UUID jobId);

  /**
   * Writes the summary rows of the days {@code firstDay} to {@code lastDay} (both included) as CSV
   * with a header line ({@code day,sku,location,kind,on_hand_delta,reserved_delta,entries}),
   * ordered by day, SKU, location and kind, streamed from PostgreSQL with {@code COPY ... TO
   * STDOUT} (no row is held in memory). Only summarized days have rows: run a job first. The writer
   * is flushed, not closed. Reads only.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param out where the CSV goes
   * @return the number of rows written, the header not counted
   * @throws IllegalArgumentException if the range is out of bounds
   * @throws java.io.UncheckedIOException if the writer fails
   */
  long exportCsv(LocalDate firstDay, LocalDate lastDay, Writer out);
}
