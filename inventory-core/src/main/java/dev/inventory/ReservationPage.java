package dev.inventory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a buyer's reservations, newest first (see {@link Inventory#findReservations}).
 *
 * @param reservations the reservations of this page, newest first (by {@code createdAt}, then by
 *     id, both descending)
 * @param nextCursor the cursor of the next page, or {@code null} if this page is the last
 * @since 0.1.0
 */
public record ReservationPage(List<Reservation> reservations, @Nullable String nextCursor) {
  /**
   * Copies the reservations.
   *
   * @param reservations the reservations of this page
   * @param nextCursor the cursor of the next page, or {@code null}
   * @throws NullPointerException if {@code reservations} or one of them is null
   * @throws IllegalArgumentException if {@code nextCursor} is blank
   */
  public ReservationPage {
    reservations = List.copyOf(reservations);
    if (nextCursor != null && nextCursor.isBlank()) {
      throw new IllegalArgumentException("nextCursor must be null or not blank");
    }
  }

  /**
   * Whether a page follows.
   *
   * @return {@code true} if {@link #nextCursor()} is not null
   */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
