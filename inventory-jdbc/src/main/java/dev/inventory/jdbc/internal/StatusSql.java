package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The reads that tell how the store is doing, for metrics and health checks: the oldest due hold
 * (how far the sweeper lags) and the schema's migration version. Each statement's text, binding and
 * row mapping; no decision. Thread-safe: it holds only text.
 */
final class StatusSql {
  private final String oldestDueHold;
  private final String schemaVersion;

  StatusSql(SqlText sql) {
    this.oldestDueHold = sql.render(OLDEST_DUE_HOLD);
    this.schemaVersion = sql.render(SCHEMA_VERSION);
  }

  /**
   * The expiry of the oldest hold that is due and still written as held. One descent of the partial
   * index on held reservations by expiry (V1's {@code reservation_held_by_expiry}): cheap however
   * many reservations the store has kept.
   */
  private static final String OLDEST_DUE_HOLD =
      """
      SELECT min(expires_at) AS oldest
        FROM ${schema}.reservation
       WHERE ${dueHold}
      """;

  /** When the oldest due hold ran out, if any hold is due at {@code now}. */
  Session.Work<Optional<Instant>> oldestDueHold(Instant now) {
    return h ->
        h.createQuery(oldestDueHold)
            .bind("now", timestamp(now))
            .map((rs, ctx) -> Optional.ofNullable(rs.getObject("oldest", OffsetDateTime.class)))
            .one()
            .map(OffsetDateTime::toInstant);
  }

  /** The newest migration applied, from the library's own Flyway history. */
  private static final String SCHEMA_VERSION =
      "SELECT coalesce(max(version::int), 0) FROM ${schema}."
          + Migrations.HISTORY_TABLE
          + " WHERE success AND version IS NOT NULL";

  /** The newest migration applied to the schema (0 if none). */
  Session.Work<Integer> schemaVersion() {
    return h -> h.createQuery(schemaVersion).mapTo(Integer.class).one();
  }
}
