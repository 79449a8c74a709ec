package dev.inventory;

import dev.inventory.internal.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A reservation as it stands at one instant.
 *
 * @param id the caller's id
 * @param status where it is in its lifecycle
 * @param lines what it holds (or held), merged per key and sorted by key
 * @param createdAt when it was first reserved
 * @param expiresAt when a {@link Status#HELD} reservation stops holding stock; for the other
 *     statuses, when it would have
 * @param buyer who it is for, as the request said, or {@code null}
 * @since 0.1.0
 */
public record Reservation(
    String id,
    Status status,
    List<Line> lines,
    Instant createdAt,
    Instant expiresAt,
    @Nullable String buyer) {

  /**
   * Checks the fields and copies the lines; reservations are made by the implementations.
   *
   * @param id the caller's id
   * @param status where it is in its lifecycle
   * @param lines what it holds (or held), merged per key and sorted by key
   * @param createdAt when it was first reserved
   * @param expiresAt when a {@link Status#HELD} reservation stops holding stock; for the other
   *     statuses, when it would have
   * @param buyer who it is for, or {@code null}
   * @throws NullPointerException if a field other than {@code buyer}, or a line, is null
   * @throws IllegalArgumentException if {@code id} or {@code buyer} is not 1 to 128 characters
   *     without control characters
   */
  public Reservation {
    Checks.name("id", id);
    Objects.requireNonNull(status, "status must not be null");
    lines = List.copyOf(lines);
    Objects.requireNonNull(createdAt, "createdAt must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    if (buyer != null) {
      Checks.name("buyer", buyer);
    }
  }

  /**
   * A reservation without a buyer.
   *
   * @param id the caller's id
   * @param status where it is in its lifecycle
   * @param lines what it holds (or held), merged per key and sorted by key
   * @param createdAt when it was first reserved
   * @param expiresAt when a held reservation stops holding stock
   * @throws NullPointerException if a field or a line is null
   * @throws IllegalArgumentException if {@code id} is out of bounds
   */
  public Reservation(
      String id, Status status, List<Line> lines, Instant createdAt, Instant expiresAt) {
    this(id, status, lines, createdAt, expiresAt, null);
  }

  /**
   * The lifecycle: {@code HELD → CONFIRMED | RELEASED | EXPIRED}. The last three are final: a
   * reservation never leaves them.
   *
   * @since 0.1.0
   */
  public enum Status {
    /** Stock is set aside until confirm, release or expiry. */
    HELD,
    /** Sold: the units left on-hand. */
    CONFIRMED,
    /** Cancelled by the caller: the units are free again. */
    RELEASED,
    /** Timed out: the units are free again. */
    EXPIRED;

    /**
     * Whether this status can never change again.
     *
     * @return {@code true} for every status but {@link #HELD}
     */
    public boolean isFinal() {
      return this != HELD;
    }
  }

  /**
   * Whether it holds stock, as this value says; a reservation read at or after {@link #expiresAt()}
   * reads as {@link Status#EXPIRED}, never as held.
   *
   * @return {@code true} if the status is {@link Status#HELD}
   */
  public boolean isHeld() {
    return status == Status.HELD;
  }
}
