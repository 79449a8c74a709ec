package dev.inventory.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks shared by the API records and the implementations. Not API.
 *
 * <p>Every message names the field and the value, so a caller can tell from the exception alone
 * what to fix.
 */
public final class Checks {
  /** The longest SKU, location or reservation id, in characters. */
  public static final int MAX_NAME_LENGTH = 128;

  /** The longest free-text reason, in characters. */
  public static final int MAX_REASON_LENGTH = 1000;

  /** The largest quantity one line or one stock movement may carry. */
  public static final long MAX_QUANTITY = 1_000_000_000L;

  /** The largest on-hand figure {@code setOnHand} accepts; keeps every sum far from overflow. */
  public static final long MAX_ON_HAND = 1_000_000_000_000_000_000L;

  public static final Duration MIN_TTL = Duration.ofSeconds(1);
  public static final Duration MAX_TTL = Duration.ofDays(30);

  private Checks() {}

  /** A SKU, location or id: 1..128 characters, not blank, no control characters. */
  public static String name(String field, String value) {
    Objects.requireNonNull(value, () -> field + " must not be null");
    if (value.isEmpty() || value.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to "
              + MAX_NAME_LENGTH
              + " characters long, but was "
              + value.length()
              + " characters");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, but was '" + value + "'");
    }
    rejectControlCharacters(field, value);
    return value;
  }

  /**
   * A display name (of a catalog item or location): 1 to {@code max} characters, not blank, no
   * control characters.
   */
  public static String label(String field, String value, int max) {
    Objects.requireNonNull(value, () -> field + " must not be null");
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to "
              + max
              + " characters long, but was "
              + value.length()
              + " characters");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, but was '" + value + "'");
    }
    rejectControlCharacters(field, value);
    return value;
  }

  /** A free-text reason: may be null, at most 1000 characters, no control characters. */
  public static String reason(String value) {
    if (value == null) {
      return null;
    }
    if (value.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException(
          "reason must be at most "
              + MAX_REASON_LENGTH
              + " characters long, but was "
              + value.length()
              + " characters");
    }
    rejectControlCharacters("reason", value);
    return value;
  }

  public static long quantity(String field, long value) {
    if (value < 1 || value > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          field + " must be between 1 and " + MAX_QUANTITY + ", but was " + value);
    }
    return value;
  }

  public static long delta(long value) {
    if (value == 0 || value < -MAX_QUANTITY || value > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          "delta must be non-zero and between -"
              + MAX_QUANTITY
              + " and "
              + MAX_QUANTITY
              + ", but was "
              + value);
    }
    return value;
  }

  public static long onHand(long value) {
    if (value < 0 || value > MAX_ON_HAND) {
      throw new IllegalArgumentException(
          "onHand must be between 0 and " + MAX_ON_HAND + ", but was " + value);
    }
    return value;
  }

  public static Duration ttl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "ttl must be between " + MIN_TTL + " and " + MAX_TTL + ", but was " + ttl);
    }
    return ttl;
  }

  public static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be between " + min + " and " + max + ", but was " + value);
    }
    return value;
  }

  public static int positive(String field, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(field + " must be at least 1, but was " + value);
    }
    return value;
  }

  private static void rejectControlCharacters(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(
            field
                + " must not contain control characters, but has U+"
                + String.format("%04X", (int) value.charAt(i))
                + " at index "
                + i);
      }
    }
  }
}
