package dev.inventory;

/**
 * No reservation has this id: it was never reserved, or its reserve was refused (a refused request
 * leaves no record).
 *
 * @since 0.1.0
 */
public class ReservationNotFoundException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** The id that was not found. */
  private final String reservationId;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the id that was not found
   */
  public ReservationNotFoundException(String reservationId) {
    super("reservation '" + reservationId + "' does not exist");
    this.reservationId = reservationId;
  }

  /**
   * The id that was not found.
   *
   * @return the reservation id the call named
   */
  public String reservationId() {
    return reservationId;
  }
}
