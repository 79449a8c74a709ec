package dev.inventory;

import java.time.Instant;

/**
 * The reservation's hold ran out before the operation: its stock is free again (or is being freed
 * by this very call), and the caller must reserve anew. Its {@link #status()} is {@link
 * Reservation.Status#EXPIRED}.
 *
 * @since 0.1.0
 */
public class ReservationExpiredException extends ReservationStateException {
  private static final long serialVersionUID = 1L;

  /** When the hold ran out. */
  private final Instant expiresAt;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param reservationId the reservation
   * @param expiresAt when its hold ran out
   * @param action the refused operation, for the message: "confirm", "release", …
   */
  public ReservationExpiredException(String reservationId, Instant expiresAt, String action) {
    super(reservationId, Reservation.Status.EXPIRED, action, "it expired at " + expiresAt);
    this.expiresAt = expiresAt;
  }

  /**
   * When the hold ran out.
   *
   * @return the reservation's {@code expiresAt}, at or before the instant of the refused call
   */
  public Instant expiresAt() {
    return expiresAt;
  }
}
