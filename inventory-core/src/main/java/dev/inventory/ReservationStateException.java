package dev.inventory;

/**
 * The reservation is not in a state that allows the operation, for example a release after a
 * confirm. {@link #status()} tells what it is now: whoever moved it there won.
 *
 * @since 0.1.0
 */
public class ReservationStateException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** The reservation. */
  private final String reservationId;

  /** Its status when the operation was refused. */
  private final Reservation.Status status;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the reservation
   * @param status its status now
   * @param action the refused operation, for the message: "confirm", "release", …
   */
  public ReservationStateException(String reservationId, Reservation.Status status, String action) {
    this(reservationId, status, action, "it is " + status);
  }

  /**
   * For subclasses, with their own reason: the message is "cannot ACTION reservation 'ID': WHY".
   *
   * @param reservationId the reservation
   * @param status its status now
   * @param action the refused operation, for the message
   * @param why the end of the message
   */
  protected ReservationStateException(
      String reservationId, Reservation.Status status, String action, String why) {
    super("cannot " + action + " reservation '" + reservationId + "': " + why);
    this.reservationId = reservationId;
    this.status = status;
  }

  /**
   * The reservation the operation was refused on.
   *
   * @return its id
   */
  public String reservationId() {
    return reservationId;
  }

  /**
   * The reservation's status when the operation was refused.
   *
   * @return the status, a final one ({@link Reservation.Status#isFinal()})
   */
  public Reservation.Status status() {
    return status;
  }
}
