package dev.inventory.jdbc.internal;

import dev.inventory.Line;
import dev.inventory.Price;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.argument.Argument;
import org.jspecify.annotations.Nullable;

/**
 * Java values as PostgreSQL keeps them, and back: instants at the microsecond as {@code
 * timestamptz}, whatever the JVM's or the session's time zone; the expiry instant of a hold; keys
 * as the parallel arrays the statements unnest.
 */
final class PgValues {
  /** The earliest and latest instants PostgreSQL's timestamptz holds for years 1 to 9999. */
  static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

  private PgValues() {}

  /** The clock's now at PostgreSQL's precision, so that what is returned equals what is stored. */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * When a hold placed now with this TTL ends: at PostgreSQL's microsecond too (a TTL may be finer
   * than a microsecond), so that what is returned is what is stored. A purchase ({@code CONFIRMED})
   * never held, and ends now.
   */
  static Instant expiresAt(Instant now, Duration ttl, Status status) {
    return status == Status.HELD ? now.plus(ttl).truncatedTo(ChronoUnit.MICROS) : now;
  }

  /** Binds an instant as timestamptz, whatever the JVM's or the session's time zone. */
  static Argument timestamp(Instant instant) {
    OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
    return (position, statement, ctx) ->
        statement.setObject(position, value, Types.TIMESTAMP_WITH_TIMEZONE);
  }

  /** A timestamptz column as an instant. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  /** Microseconds since the epoch: how a batch passes its expiries in an array of bigint. */
  static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  /** The first instant of a UTC day. */
  static Instant startOfUtcDay(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The SKUs of keys, for {@code unnest(:skus, :locations)}. */
  static List<String> skus(List<StockKey> keys) {
    return keys.stream().map(StockKey::sku).toList();
  }

  /** The locations of keys, in the same order as {@link #skus}. */
  static List<String> locations(List<StockKey> keys) {
    return keys.stream().map(StockKey::location).toList();
  }

  /** A key from the {@code sku} and {@code location} columns. */
  /** A line's unit price from the columns {@code <prefix>unit_price_minor} and currency. */
  static @Nullable Price price(ResultSet rs, String amountColumn, String currencyColumn)
      throws SQLException {
    long amount = rs.getLong(amountColumn);
    return rs.wasNull() ? null : new Price(amount, rs.getString(currencyColumn));
  }

  /** A line from {@code sku}, {@code location}, {@code quantity} and its price's columns. */
  static Line line(ResultSet rs) throws SQLException {
    return new Line(key(rs), rs.getLong("quantity"), price(rs, "unit_price_minor", "currency"));
  }

  static StockKey key(ResultSet rs) throws SQLException {
    return new StockKey(rs.getString("sku"), rs.getString("location"));
  }
}
