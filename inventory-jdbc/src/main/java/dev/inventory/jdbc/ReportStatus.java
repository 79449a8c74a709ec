package dev.inventory.jdbc;

import dev.inventory.internal.Checks;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ReportJob} stands, at one instant, as the database records it: the same on every
 * instance that reads it.
 *
 * @param jobId the job
 * @param state what it is doing
 * @param firstDay the first day of its range (UTC)
 * @param lastDay the last day of its range, inclusive
 * @param daysDone days summarized and committed so far
 * @param daysTotal days in the range
 * @param rowsRead log entries read by the days done
 * @param startedAt when the job started, by the inventory's clock
 * @param finishedAt when it ended, or {@code null} while it runs
 * @param failure what made it fail, or {@code null} unless {@link State#FAILED}
 * @param workers the worker threads it runs on, 1 to {@value MovementReports#MAX_WORKERS}
 * @param cancelRequested whether some instance has asked it to stop
 * @param leaseExpiresAt while it is {@link State#RUNNING} or {@link State#ABANDONED}: until when
 *     the instance running it has promised to run it (it pushes this forward as it runs); {@code
 *     null} once it has ended
 * @since 0.1.0
 */
public record ReportStatus(
    UUID jobId,
    State state,
    LocalDate firstDay,
    LocalDate lastDay,
    int daysDone,
    int daysTotal,
    long rowsRead,
    Instant startedAt,
    @Nullable Instant finishedAt,
    @Nullable String failure,
    int workers,
    boolean cancelRequested,
    @Nullable Instant leaseExpiresAt) {

  /**
   * Checks the fields; statuses are made by the report jobs.
   *
   * @param jobId the job
   * @param state what it is doing
   * @param firstDay the first day of its range (UTC)
   * @param lastDay the last day of its range, inclusive
   * @param daysDone days summarized and committed so far
   * @param daysTotal days in the range
   * @param rowsRead log entries read by the days done
   * @param startedAt when the job started, by the inventory's clock
   * @param finishedAt when it ended, or {@code null} while it runs
   * @param failure what made it fail, or {@code null} unless {@link State#FAILED}
   * @param workers the worker threads it runs on
   * @param cancelRequested whether some instance has asked it to stop
   * @param leaseExpiresAt until when its instance has promised to run it, or {@code null} once it
   *     has ended
   * @throws NullPointerException if a field other than {@code finishedAt}, {@code failure} and
   *     {@code leaseExpiresAt} is null
   * @throws IllegalArgumentException if {@code daysDone} is negative or above {@code daysTotal},
   *     {@code rowsRead} is negative, or {@code workers} is not between 1 and {@value
   *     MovementReports#MAX_WORKERS}
   */
  public ReportStatus {
    Objects.requireNonNull(jobId, "jobId must not be null");
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(firstDay, "firstDay must not be null");
    Objects.requireNonNull(lastDay, "lastDay must not be null");
    Objects.requireNonNull(startedAt, "startedAt must not be null");
    if (daysDone < 0 || daysDone > daysTotal || rowsRead < 0) {
      throw new IllegalArgumentException(
          "report status must satisfy 0 <= daysDone <= daysTotal and rowsRead >= 0, but was"
              + " daysDone="
              + daysDone
              + " daysTotal="
              + daysTotal
              + " rowsRead="
              + rowsRead);
    }
    Checks.between("workers", workers, 1, MovementReports.MAX_WORKERS);
  }

  /**
   * Whether nobody is running the job any more: it has ended one way or another, or it was
   * abandoned ({@link State#ABANDONED}, which {@link MovementReports#resume} can take up again).
   *
   * @return {@code true} unless the state is {@link State#RUNNING}
   */
  public boolean isFinished() {
    return state != State.RUNNING;
  }

  /**
   * The life of a job: {@code RUNNING → SUCCEEDED | FAILED | CANCELLED}, and {@code RUNNING ⇄
   * ABANDONED} when the instance running it stops and another resumes it.
   *
   * @since 0.1.0
   */
  public enum State {
    /** Days are being summarized (also after a cancel, until the days in progress end). */
    RUNNING,
    /** Every day of the range was summarized. */
    SUCCEEDED,
    /** A day failed; days done before stay, the rest were not started. */
    FAILED,
    /** Cancelled: the days done stay, the rest were not started. */
    CANCELLED,
    /**
     * Nobody runs it: the instance that did stopped pushing its lease forward (it died, or lost the
     * database) and the lease ran out. Not an end: the days done stay, and {@link
     * MovementReports#resume} on any instance takes it over and does the rest (and {@link
     * ReportJob#cancel()} ends it as {@link #CANCELLED}).
     */
    ABANDONED
  }
}
