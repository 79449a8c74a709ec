package dev.inventory;

import dev.inventory.internal.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A reservation as it stands at one instant.
 *
 * @param id the caller's id
 * @param status where it is in its lifecycle
 * @param lines what it holds (or held), merged per key and sorted by key
 * @param createdAt when it was first reserved
 * @param expiresAt when a {@link Status#HELD} reservation stops holding stock
 */
public record Reservation(
    String id, Status status, List<Line> lines, Instant createdAt, Instant expiresAt) {

  public Reservation {
    Checks.name("id", id);
    Objects.requireNonNull(status, "status must not be null");
    lines = List.copyOf(lines);
    Objects.requireNonNull(createdAt, "createdAt must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
  }

  /**
   * The lifecycle: {@code HELD → CONFIRMED | RELEASED | EXPIRED}. The last three are final: a
   * reservation never leaves them.
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

    /** Whether this status can never change again. */
    public boolean isFinal() {
      return this != HELD;
    }
  }

  public boolean isHeld() {
    return status == Status.HELD;
  }
}
