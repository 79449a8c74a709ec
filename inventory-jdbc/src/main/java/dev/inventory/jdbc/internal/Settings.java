package dev.inventory.jdbc.internal;

import dev.inventory.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a PostgreSQL inventory is configured with, validated on construction with the same
 * checks (and messages) the builder applies to each option as it is set.
 *
 * @param schema the library's schema: a plain lower-case SQL identifier
 * @param clock decides creation and expiry times
 * @param defaultTtl the hold time of a request without a TTL
 * @param attempts tries of a call whose failure is safe to retry, the first included
 * @param lockTimeout PostgreSQL lock_timeout per transaction; zero: the connection's own
 * @param statementTimeout PostgreSQL statement_timeout per transaction; zero: the connection's
 * @param combining whether one-line requests are combined (flash-sale mode, see {@link Combiner})
 * @param maxInFlight the most combined statements of one kind in flight at once
 * @param maxBatch the most requests one combined statement carries
 * @param maxQueue the most combined requests of one kind that may wait
 * @param maxWait how long a request may wait for its turn before it gives up unsent
 * @param knownKeysOnly whether changes on keys the catalog does not know are refused (known-keys
 *     mode): the builder's option, or the schema's guard found on
 */
public record Settings(
    String schema,
    Clock clock,
    Duration defaultTtl,
    int attempts,
    Duration lockTimeout,
    Duration statementTimeout,
    boolean combining,
    int maxInFlight,
    int maxBatch,
    int maxQueue,
    Duration maxWait,
    boolean knownKeysOnly) {

  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public Settings {
    schema(schema);
    Objects.requireNonNull(clock, "clock must not be null");
    Checks.ttl(defaultTtl);
    Checks.positive("attempts", attempts);
    timeout("lockTimeout", lockTimeout);
    timeout("statementTimeout", statementTimeout);
    maxInFlight(maxInFlight);
    maxBatch(maxBatch);
    Checks.positive("maxQueue", maxQueue);
    maxWait(maxWait);
  }

  /** These settings in known-keys mode. */
  public Settings inKnownKeysMode() {
    return new Settings(
        schema,
        clock,
        defaultTtl,
        attempts,
        lockTimeout,
        statementTimeout,
        combining,
        maxInFlight,
        maxBatch,
        maxQueue,
        maxWait,
        true);
  }

  /** 1 to 1,024 combined statements of one kind in flight. */
  public static int maxInFlight(int maxInFlight) {
    return Checks.between("maxInFlight", maxInFlight, 1, 1024);
  }

  /** 2 to 10,000 requests per combined statement. */
  public static int maxBatch(int maxBatch) {
    return Checks.between("maxBatch", maxBatch, 2, 10_000);
  }

  /** Whether the library sets a timeout of its own on each transaction. */
  public boolean setsTimeouts() {
    return !lockTimeout.isZero() || !statementTimeout.isZero();
  }

  /** A plain SQL identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters). */
  public static String schema(String schema) {
    Objects.requireNonNull(schema, "schema must not be null");
    if (!PLAIN_IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be a plain SQL identifier (a-z, 0-9, _; not starting with a digit; at"
              + " most 63 characters), but was '"
              + schema
              + "'");
    }
    return schema;
  }

  /** Zero, or 1 millisecond to 1 hour. */
  public static Duration timeout(String name, Duration value) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isNegative() || value.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(name + " must be between 0 and 1 hour, but was " + value);
    }
    if (!value.isZero() && value.toMillis() == 0) {
      throw new IllegalArgumentException(
          name + " must be zero or at least 1 millisecond, but was " + value);
    }
    return value;
  }

  /** 1 millisecond to 1 hour. */
  public static Duration maxWait(Duration maxWait) {
    Duration checked = timeout("maxWait", maxWait);
    if (checked.isZero()) {
      throw new IllegalArgumentException("maxWait must be at least 1 millisecond, but was 0");
    }
    return checked;
  }
}
