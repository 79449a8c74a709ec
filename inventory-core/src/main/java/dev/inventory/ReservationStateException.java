package dev.inventory;

/**
 * The reservation is not in a state that allows the operation, for example a release after a
 * confirm. {@link #status()} tells what it is now: whoever moved it there won.
 */
public class ReservationStateException extends InventoryException {
  private static final long serialVersionUID = 1L;

  private final String reservationId;
  private final Reservation.Status status;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param action the refused operation, for the message: "confirm", "release", …
   */
  public ReservationStateException(String reservationId, Reservation.Status status, String action) {
    this(reservationId, status, action, "it is " + status);
  }

  /** For subclasses: {@code why} completes "cannot ACTION reservation 'ID': ". */
  protected ReservationStateException(
      String reservationId, Reservation.Status status, String action, String why) {
    super("cannot " + action + " reservation '" + reservationId + "': " + why);
    this.reservationId = reservationId;
    this.status = status;
  }

  public String reservationId() {
    return reservationId;
  }

  /** The reservation's status when the operation was refused. */
  public Reservation.Status status() {
    return status;
  }
}
