package dev.inventory.internal;

import dev.inventory.Reservation.Status;

/**
 * The reservation lifecycle as one table: {@code HELD → CONFIRMED | RELEASED | EXPIRED}. Every
 * implementation asks it what an operation on a reservation in a given state means. Not API.
 */
public final class Lifecycle {
  private Lifecycle() {}

  /** What a caller asks of a reservation. */
  public enum Action {
    CONFIRM("confirm", Status.CONFIRMED),
    RELEASE("release", Status.RELEASED),
    EXPIRE("expire", Status.EXPIRED),
    AMEND("amend", Status.HELD),
    EXTEND("extend", Status.HELD);

    private final String verb;
    private final Status target;

    Action(String verb, Status target) {
      this.verb = verb;
      this.target = target;
    }

    public String verb() {
      return verb;
    }

    /** The status the reservation has after the action succeeds. */
    public Status target() {
      return target;
    }
  }

  /** The answer of the table. */
  public enum Outcome {
    /** Do it. */
    APPLY,
    /** Already done: return the reservation unchanged (idempotent repeat). */
    ALREADY_DONE,
    /** Refuse with a {@code ReservationStateException}. */
    REFUSE
  }

  public static Outcome decide(Status current, Action action) {
    if (current == Status.HELD) {
      return Outcome.APPLY;
    }
    // A final state never changes; repeating the move that got there is the one harmless case.
    if ((action == Action.CONFIRM || action == Action.RELEASE || action == Action.EXPIRE)
        && action.target() == current) {
      return Outcome.ALREADY_DONE;
    }
    return Outcome.REFUSE;
  }
}
