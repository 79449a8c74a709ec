package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.jdbc.ReportStatus.State;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A report status")
class ReportStatusTest {
  private static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-000000000001");
  private static final LocalDate FIRST = LocalDate.of(2026, 3, 1);
  private static final LocalDate LAST = LocalDate.of(2026, 3, 3);
  private static final Instant STARTED = Instant.parse("2026-03-04T00:00:00Z");

  private static ReportStatus status(int daysDone, int daysTotal, long rowsRead) {
    return new ReportStatus(
        JOB,
        State.RUNNING,
        FIRST,
        LAST,
        daysDone,
        daysTotal,
        rowsRead,
        STARTED,
        null,
        null,
        2,
        false,
        null);
  }

  @Test
  @DisplayName("takes no days done and no rows read, and every day done")
  void acceptsTheBounds() {
    assertThat(status(0, 3, 0).daysDone()).isZero();
    assertThat(status(3, 3, 0).daysDone()).isEqualTo(3);
    assertThat(status(0, 0, 0).daysTotal()).isZero();
  }

  @Test
  @DisplayName("refuses a null job, state, first day, last day or start, naming the field")
  void refusesNulls() {
    assertThatThrownBy(
            () ->
                new ReportStatus(
                    null, State.RUNNING, FIRST, LAST, 0, 3, 0, STARTED, null, null, 2, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("jobId must not be null");
    assertThatThrownBy(
            () ->
                new ReportStatus(
                    JOB, null, FIRST, LAST, 0, 3, 0, STARTED, null, null, 2, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("state must not be null");
    assertThatThrownBy(
            () ->
                new ReportStatus(
                    JOB, State.RUNNING, null, LAST, 0, 3, 0, STARTED, null, null, 2, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("firstDay must not be null");
    assertThatThrownBy(
            () ->
                new ReportStatus(
                    JOB, State.RUNNING, FIRST, null, 0, 3, 0, STARTED, null, null, 2, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("lastDay must not be null");
    assertThatThrownBy(
            () ->
                new ReportStatus(
                    JOB, State.RUNNING, FIRST, LAST, 0, 3, 0, null, null, null, 2, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("startedAt must not be null");
  }

  @Test
  @DisplayName("is finished once it has left RUNNING, whichever way it ended")
  void finishedOnceNotRunning() {
    assertThat(status(1, 3, 10).isFinished()).isFalse();
    for (State ended :
        new State[] {State.SUCCEEDED, State.FAILED, State.CANCELLED, State.ABANDONED}) {
      ReportStatus status =
          new ReportStatus(
              JOB, ended, FIRST, LAST, 3, 3, 10, STARTED, STARTED, null, 2, false, null);
      assertThat(status.isFinished()).as("%s", ended).isTrue();
    }
  }

  @Test
  @DisplayName("refuses more days done than the range holds, naming the numbers")
  void refusesMoreDaysDoneThanTotal() {
    assertThatThrownBy(() -> status(4, 3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "report status must satisfy 0 <= daysDone <= daysTotal and rowsRead >= 0, but was"
                + " daysDone=4 daysTotal=3 rowsRead=0");
  }

  @Test
  @DisplayName("refuses a worker count outside 1 to 64, naming it")
  void refusesWorkersOutOfBounds() {
    for (int workers : new int[] {0, 65}) {
      assertThatThrownBy(
              () ->
                  new ReportStatus(
                      JOB,
                      State.RUNNING,
                      FIRST,
                      LAST,
                      0,
                      3,
                      0,
                      STARTED,
                      null,
                      null,
                      workers,
                      false,
                      STARTED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("workers must be between 1 and 64, but was " + workers);
    }
  }

  @Test
  @DisplayName("refuses negative days done")
  void refusesNegativeDaysDone() {
    assertThatThrownBy(() -> status(-1, 3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("daysDone=-1");
  }

  @Test
  @DisplayName("refuses a negative count of rows read, naming it")
  void refusesNegativeRowsRead() {
    assertThatThrownBy(() -> status(1, 3, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "report status must satisfy 0 <= daysDone <= daysTotal and rowsRead >= 0, but was"
                + " daysDone=1 daysTotal=3 rowsRead=-1");
  }
}
