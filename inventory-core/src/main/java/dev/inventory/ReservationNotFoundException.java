package dev.inventory;

/** No reservation has this id. */
public class ReservationNotFoundException extends InventoryException {
  private static final long serialVersionUID = 1L;

  private final String reservationId;

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public ReservationNotFoundException(String reservationId) {
    super("reservation '" + reservationId + "' does not exist");
    this.reservationId = reservationId;
  }

  public String reservationId() {
    return reservationId;
  }
}
