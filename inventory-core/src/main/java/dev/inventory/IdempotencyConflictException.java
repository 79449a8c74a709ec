package dev.inventory;

import java.util.List;

/**
 * A reservation id was used again with different lines. The id is the caller's idempotency key: a
 * retry must send the same lines, and a new cart needs a new id.
 *
 * @since 0.1.0
 */
public class IdempotencyConflictException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** The id used twice. */
  private final String reservationId;

  private final transient List<Line> existingLines;
  private final transient List<Line> requestedLines;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the id used again
   * @param existingLines the lines the existing reservation holds
   * @param requestedLines the merged lines of the refused request
   */
  public IdempotencyConflictException(
      String reservationId, List<Line> existingLines, List<Line> requestedLines) {
    super(
        "reservation '"
            + reservationId
            + "' already exists with lines "
            + existingLines
            + ", not the requested "
            + requestedLines);
    this.reservationId = reservationId;
    this.existingLines = List.copyOf(existingLines);
    this.requestedLines = List.copyOf(requestedLines);
  }

  /**
   * The id that was used again.
   *
   * @return the reservation id
   */
  public String reservationId() {
    return reservationId;
  }

  /**
   * The lines of the existing reservation.
   *
   * @return the lines it holds now (after any amend), merged and in key order
   */
  public List<Line> existingLines() {
    return existingLines;
  }

  /**
   * The lines of the refused request.
   *
   * @return the merged lines, in key order
   */
  public List<Line> requestedLines() {
    return requestedLines;
  }
}
