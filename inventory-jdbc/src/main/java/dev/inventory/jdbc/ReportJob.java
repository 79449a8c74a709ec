package dev.inventory.jdbc;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A daily movement report running in the background (see {@link MovementReports#start}). Each day
 * of its range is summarized in a transaction of its own, on a worker pool the job owns and shuts
 * down when it ends, so a finished job leaves no thread behind.
 *
 * <p>The job is kept in the database: the object {@link MovementReports#findJob} returns on another
 * instance reads the same status and cancels the same job.
 *
 * <p>Thread-safe: any thread may ask for the status or cancel.
 *
 * @since 0.1.0
 */
public interface ReportJob {
  /**
   * The job's id, by which {@link MovementReports#findJob} finds it again.
   *
   * @return a random id, fixed for the life of the job
   */
  UUID id();

  /**
   * Where the job stands now, as the database records it (one read).
   *
   * @return a snapshot of its status
   * @throws dev.inventory.InventoryException if the database cannot be read
   */
  ReportStatus status();

  /**
   * Asks the job to stop: no new day is started; a day in progress commits or rolls back as a
   * whole, and every day done stays. Cooperative: the job ends when its days in progress have
   * ended, as {@link ReportStatus.State#CANCELLED} (or {@link ReportStatus.State#SUCCEEDED} if
   * every day was done anyway). The request is recorded in the database: a job running on another
   * instance stops after its current day, or at its next heartbeat (a third of the lease) at the
   * latest; an {@link ReportStatus.State#ABANDONED} job ends at once, as cancelled.
   *
   * @return {@code true} if the job was running (or abandoned), {@code false} if it had already
   *     ended
   * @throws dev.inventory.InventoryException if the job runs on another instance and the database
   *     cannot be written
   */
  boolean cancel();

  /**
   * Completes with the final status when the job has ended, whatever the outcome (a failed job
   * completes normally, with state {@link ReportStatus.State#FAILED}), or when nobody runs it any
   * more ({@link ReportStatus.State#ABANDONED}). Each call returns a new future: completing or
   * cancelling it does not affect the job.
   *
   * @return a future of the final status
   */
  CompletableFuture<ReportStatus> completion();
}
