package dev.inventory.jdbc.internal;

import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A reservation as stored, with its request's fingerprint; {@link #asOf} gives its effective status
 * at an instant (a hold past its expiry is expired, written down or not).
 */
record Stored(
    String id,
    Status status,
    List<Line> lines,
    Instant createdAt,
    Instant expiresAt,
    String hash,
    @Nullable String buyer) {
  Reservation asOf(Instant now) {
    Status effective = isDueAt(now) ? Status.EXPIRED : status;
    return new Reservation(id, effective, lines, createdAt, expiresAt, buyer);
  }

  /** Held on the books, but past its expiry: it no longer holds anything. */
  boolean isDueAt(Instant now) {
    return status == Status.HELD && !expiresAt.isAfter(now);
  }
}
