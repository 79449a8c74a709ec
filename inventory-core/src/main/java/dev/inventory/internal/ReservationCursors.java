package dev.inventory.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The cursors of a buyer's reservation pages, the same in every implementation: an opaque token
 * naming the buyer and the last reservation of the page before (its creation instant to the
 * microsecond, and its id), so that the next page starts strictly after it in the order newest
 * first, and a cursor of another buyer is refused. Not API.
 */
public final class ReservationCursors {
  private static final String PREFIX = "reservations:";

  private ReservationCursors() {}

  /** Where a page starts: strictly after this creation instant and id, newest first. */
  public record After(Instant createdAt, String id) {}

  /** The cursor of the page after the one that ended with this reservation. */
  public static String next(String buyer, Instant createdAt, String id) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    String text = PREFIX + buyer.length() + ":" + buyer + ":" + micros + ":" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Where the page of a cursor starts, or null for the first page.
   *
   * @throws IllegalArgumentException if the cursor is not one made for this buyer's pages
   */
  public static @Nullable After after(String buyer, @Nullable String cursor) {
    if (cursor == null) {
      return null;
    }
    String expected = PREFIX + buyer.length() + ":" + buyer + ":";
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(expected)) {
        String rest = text.substring(expected.length());
        int colon = rest.indexOf(':');
        if (colon > 0 && colon < rest.length() - 1) {
          long micros = Long.parseLong(rest.substring(0, colon));
          return new After(
              Instant.EPOCH.plus(micros, ChronoUnit.MICROS), rest.substring(colon + 1));
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below (NumberFormatException is one)
    }
    throw new IllegalArgumentException(
        "cursor must be the nextCursor of a page of buyer '"
            + buyer
            + "', but was '"
            + cursor
            + "'");
  }
}
