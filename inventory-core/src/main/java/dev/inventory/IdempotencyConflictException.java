package dev.inventory;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A reservation id was used again with different lines (or unit prices, or another buyer). The id
 * is the caller's idempotency key: a retry must send the same lines, and a new cart needs a new id.
 *
 * @since 0.1.0
 */
public class IdempotencyConflictException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** The id used twice. */
  private final String reservationId;

  private final transient List<Line> existingLines;
  private final transient List<Line> requestedLines;

  /** The existing reservation's buyer, or null. */
  private final @Nullable String existingBuyer;

  /** The refused request's buyer, or null. */
  private final @Nullable String requestedBuyer;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the id used again
   * @param existingLines the lines the existing reservation holds
   * @param requestedLines the merged lines of the refused request
   */
  public IdempotencyConflictException(
      String reservationId, List<Line> existingLines, List<Line> requestedLines) {
    this(reservationId, existingLines, requestedLines, null, null);
  }

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the id used again
   * @param existingLines the lines the existing reservation holds
   * @param requestedLines the merged lines of the refused request
   * @param existingBuyer the existing reservation's buyer, or {@code null}
   * @param requestedBuyer the refused request's buyer, or {@code null}
   */
  public IdempotencyConflictException(
      String reservationId,
      List<Line> existingLines,
      List<Line> requestedLines,
      @Nullable String existingBuyer,
      @Nullable String requestedBuyer) {
    super(
        "reservation '"
            + reservationId
            + "' already exists with lines "
            + existingLines
            + (Objects.equals(existingBuyer, requestedBuyer)
                ? ""
                : " for buyer " + quoted(existingBuyer))
            + ", not the requested "
            + requestedLines
            + (Objects.equals(existingBuyer, requestedBuyer)
                ? ""
                : " for buyer " + quoted(requestedBuyer)));
    this.reservationId = reservationId;
    this.existingLines = List.copyOf(existingLines);
    this.requestedLines = List.copyOf(requestedLines);
    this.existingBuyer = existingBuyer;
    this.requestedBuyer = requestedBuyer;
  }

  private static String quoted(@Nullable String buyer) {
    return buyer == null ? "(none)" : "'" + buyer + "'";
  }

  /**
   * The buyer of the existing reservation.
   *
   * @return its buyer, or {@code null} if it has none
   */
  public @Nullable String existingBuyer() {
    return existingBuyer;
  }

  /**
   * The buyer of the refused request.
   *
   * @return its buyer, or {@code null} if it named none
   */
  public @Nullable String requestedBuyer() {
    return requestedBuyer;
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
