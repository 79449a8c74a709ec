package dev.inventory.service.problem;

import java.util.List;
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
   * A field, parameter or header out of bounds that the service checks itself (not a bean
   * constraint): the same {@code validation-failed} problem, naming it.
   *
   * @param field the field as the client sends it
   * @param message what is wrong with it
   * @return the refusal
   */
  public static ServiceException invalid(String field, String message) {
    return new ServiceException(
        ProblemType.VALIDATION_FAILED,
        "invalid: " + field,
        Map.of("errors", List.of(Map.of("field", field, "message", message))));
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
