package dev.inventory.service.problem;

import java.util.Map;

/**
 * A refusal of the service's own (not the library's), answered as a problem of its type with its
 * properties.
 */
public class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;
  private final transient Map<String, Object> properties;

  /**
   * A refusal.
   *
   * @param type its problem type
   * @param detail what happened, for a person
   * @param properties the data a client needs, as problem properties
   */
  public ServiceException(ProblemType type, String detail, Map<String, Object> properties) {
    super(detail);
    this.type = type;
    this.properties = Map.copyOf(properties);
  }

  /**
   * No cart or order with this id: the same problem as the library's {@code
   * ReservationNotFoundException}, for reads ({@code findReservation} answers empty) and for ids of
   * another kind (an order's id on a cart's path).
   *
   * @param reservationId the id asked for
   * @return the refusal
   */
  public static ServiceException reservationNotFound(String reservationId) {
    return new ServiceException(
        ProblemType.RESERVATION_NOT_FOUND,
        "reservation '" + reservationId + "' does not exist",
        Map.of("reservationId", reservationId));
  }

  /**
   * Its problem type.
   *
   * @return the type
   */
  public ProblemType type() {
    return type;
  }

  /**
   * Its problem properties.
   *
   * @return the properties
   */
  public Map<String, Object> properties() {
    return properties;
  }
}
