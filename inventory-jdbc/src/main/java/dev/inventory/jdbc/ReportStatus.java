package dev.inventory.jdbc;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ReportJob} stands, at one instant.
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
    @Nullable String failure) {

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
   * @throws NullPointerException if a field other than {@code finishedAt} and {@code failure} is
   *     null
   * @throws IllegalArgumentException if {@code daysDone} is negative or above {@code daysTotal}, or
   *     {@code rowsRead} is negative
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
  }

  /**
   * Whether the job has ended, one way or another.
   *
   * @return {@code true} unless the state is {@link State#RUNNING}
   */
  public boolean isFinished() {
    return state != State.RUNNING;
  }

  /**
   * The life of a job: {@code RUNNING → SUCCEEDED | FAILED | CANCELLED}.
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
    CANCELLED
  }
}
