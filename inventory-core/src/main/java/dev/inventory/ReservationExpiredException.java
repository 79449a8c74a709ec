package dev.inventory;

import java.time.Instant;

/**
 * The reservation's hold ran out before the operation: its stock is free again (or is being freed
 * by this very call), and the caller must reserve anew.
 */
public class ReservationExpiredException extends ReservationStateException {
  private static final long serialVersionUID = 1L;

  private final Instant expiresAt;

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public ReservationExpiredException(String reservationId, Instant expiresAt, String action) {
    super(reservationId, Reservation.Status.EXPIRED, action, "it expired at " + expiresAt);
    this.expiresAt = expiresAt;
  }

  /** When the hold ran out. */
  public Instant expiresAt() {
    return expiresAt;
  }
}
