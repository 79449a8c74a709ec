package dev.inventory.jdbc;

import java.io.Writer;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

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
 * <p><b>Per seller</b>: the same transaction sums the day's rows per seller into {@code
 * daily_seller_movement} ({@link #sellerSummary}, {@link #exportSellerCsv}): units sold, reserved,
 * released, expired, received and adjusted per seller and UTC day; and the gross amount sold per
 * seller, day and currency, from the unit prices stored with the sold lines, into {@code
 * daily_seller_gross} ({@link #sellerGross}, {@link #exportGrossCsv}). A SKU's seller is the
 * catalog's ({@code item.seller}) when the day is summarized; the SKUs the catalog does not know
 * are summed under {@link #NO_SELLER}.
 *
 * <p>Summarizing a day is idempotent: it recomputes the day from the log and upserts its rows (and
 * deletes the day's rows the log no longer yields) in one transaction, so running a day twice, or a
 * day that was cut short, gives the same rows as running it once. A day that is still going on can
 * be summarized again later.
 *
 * <p><b>Jobs are kept in the database</b> ({@code report_job}, and {@code report_job_day} for the
 * days done): any instance on the schema — another {@code MovementReports}, in this JVM or another
 * — finds a job by its id ({@link #findJob}), reads its status and progress, and asks it to cancel.
 * The instance running a job pushes its lease forward every third of the lease ({@link
 * JdbcInventory.Builder#reportLease}); a job whose lease ran out, because its instance died or lost
 * the database, reads as {@link ReportStatus.State#ABANDONED}, and {@link #resume} on any instance
 * takes it over and does the days not done. Finished reports are read, or streamed as CSV, from the
 * summary tables at any time later, by any instance.
 *
 * <p>Thread-safe. The database role needs SELECT on {@code inventory_log} and {@code item}; SELECT,
 * INSERT, UPDATE and DELETE on {@code daily_movement}, {@code daily_seller_movement} and {@code
 * daily_seller_gross}; SELECT on {@code reservation_line}; SELECT, INSERT and UPDATE on {@code
 * report_job}; SELECT and INSERT on {@code report_job_day}.
 *
 * @since 0.1.0
 */
public interface MovementReports {
  /** The worker pool size of {@link #start(LocalDate, LocalDate)}. */
  int DEFAULT_WORKERS = 2;

  /** The largest worker pool a job may have. */
  int MAX_WORKERS = 64;

  /**
   * The seller of the SKUs the catalog does not know, in {@link SellerDay} and the seller CSV: the
   * empty string, which no item's seller can be.
   */
  String NO_SELLER = "";

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
   * @throws dev.inventory.InventoryException if the job cannot be recorded in the database (then it
   *     does not run)
   */
  ReportJob start(LocalDate firstDay, LocalDate lastDay, int workers);

  /**
   * A job by its id, started by any instance on this schema, running or ended: the very object
   * {@link #start} or {@link #resume} returned if this object runs it, else a view of the job as
   * the database keeps it (its status read there, its cancel asked there, its completion followed
   * by reading it every quarter of a second or so).
   *
   * @param jobId the {@link ReportJob#id()} of a job
   * @return the job, or empty if no job has this id
   * @throws dev.inventory.InventoryException if the database cannot be read
   */
  Optional<ReportJob> findJob(UUID jobId);

  /**
   * Takes over a job whose instance stopped running it ({@link ReportStatus.State#ABANDONED}: its
   * lease ran out) and runs the days it has not done, on this object, with the job's worker count;
   * the days done stay done. Taking over is conditional on the lease having run out, so of several
   * instances resuming one job at once exactly one runs it. A job that is running (its lease is
   * live) or has ended is not touched: it is returned as {@link #findJob} finds it. A cancel asked
   * before the take-over still holds: the job ends as cancelled.
   *
   * @param jobId the {@link ReportJob#id()} of a job
   * @return the job, running here if it was taken over
   * @throws IllegalArgumentException if no job has this id
   * @throws dev.inventory.InventoryException if the database cannot be read or written
   */
  ReportJob resume(UUID jobId);

  /**
   * The per-seller summary of the days {@code firstDay} to {@code lastDay} (both included), ordered
   * by day and seller: one row per day and seller that had movements. Only summarized days have
   * rows: run a job first. Reads only.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param seller one seller, {@link #NO_SELLER} for the SKUs the catalog does not know, or {@code
   *     null} for every seller
   * @return the rows, possibly empty
   * @throws IllegalArgumentException if the range is out of bounds, or {@code seller} is neither
   *     null, {@link #NO_SELLER} nor a valid seller code (1 to 128 characters, not blank, no
   *     control characters)
   */
  List<SellerDay> sellerSummary(LocalDate firstDay, LocalDate lastDay, @Nullable String seller);

  /**
   * The gross amounts sold per seller, day and currency over the days {@code firstDay} to {@code
   * lastDay} (both included), ordered by day, seller and currency: from the sold lines that carried
   * a unit price ({@link dev.inventory.Price}), each line's units times its price. Lines sold
   * without a price are in no row (their units are in {@link SellerDay#sold()}). Only summarized
   * days have rows. Reads only.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param seller one seller, {@link #NO_SELLER}, or {@code null} for every seller
   * @return the rows, possibly empty
   * @throws IllegalArgumentException as {@link #sellerSummary}
   */
  List<SellerGross> sellerGross(LocalDate firstDay, LocalDate lastDay, @Nullable String seller);

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

  /**
   * Writes the per-seller summary of the days {@code firstDay} to {@code lastDay} (both included)
   * as CSV with a header line ({@code
   * day,seller,sold,reserved,released,expired,received,adjusted,entries}), one row per day and
   * seller (the {@link SellerDay} fields), ordered by day and seller, streamed from PostgreSQL with
   * {@code COPY ... TO STDOUT}. The SKUs without an item are under the seller {@code ""}, written
   * as a quoted empty field. Only summarized days have rows. The writer is flushed, not closed.
   * Reads only.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param seller one seller, {@link #NO_SELLER}, or {@code null} for every seller
   * @param out where the CSV goes
   * @return the number of rows written, the header not counted
   * @throws IllegalArgumentException as {@link #sellerSummary}
   * @throws java.io.UncheckedIOException if the writer fails
   */
  long exportSellerCsv(LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out);

  /**
   * Writes the gross amounts of {@link #sellerGross} as CSV with a header line ({@code
   * day,seller,currency,units,amount_minor}), one row per day, seller and currency, ordered so,
   * streamed from PostgreSQL with {@code COPY ... TO STDOUT}: a second CSV beside {@link
   * #exportSellerCsv}'s, so that each has fixed columns whatever the currencies. The SKUs without
   * an item are under the seller {@code ""}, written as a quoted empty field. The writer is
   * flushed, not closed. Reads only.
   *
   * @param firstDay the first UTC day, year 1 to 9999
   * @param lastDay the last UTC day, not before {@code firstDay}
   * @param seller one seller, {@link #NO_SELLER}, or {@code null} for every seller
   * @param out where the CSV goes
   * @return the number of rows written, the header not counted
   * @throws IllegalArgumentException as {@link #sellerSummary}
   * @throws java.io.UncheckedIOException if the writer fails
   */
  long exportGrossCsv(LocalDate firstDay, LocalDate lastDay, @Nullable String seller, Writer out);
}
