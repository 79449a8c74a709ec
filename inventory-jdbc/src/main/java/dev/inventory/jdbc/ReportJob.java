package dev.inventory.jdbc;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A daily movement report running in the background (see {@link MovementReports#start}). Each day
 * of its range is summarized in a transaction of its own, on a worker pool the job owns and shuts
 * down when it ends, so a finished job leaves no thread behind.
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
   * Where the job stands now.
   *
   * @return a snapshot of its status
   */
  ReportStatus status();

  /**
   * Asks the job to stop: no new day is started; a day in progress commits or rolls back as a
   * whole, and every day done stays. Cooperative: the job ends when its days in progress have
   * ended, as {@link ReportStatus.State#CANCELLED} (or {@link ReportStatus.State#SUCCEEDED} if
   * every day was done anyway).
   *
   * @return {@code true} if the job was running, {@code false} if it had already ended
   */
  boolean cancel();

  /**
   * Completes with the final status when the job has ended, whatever the outcome (a failed job
   * completes normally, with state {@link ReportStatus.State#FAILED}). Each call returns a new
   * future: completing or cancelling it does not affect the job.
   *
   * @return a future of the final status
   */
  CompletableFuture<ReportStatus> completion();
}
