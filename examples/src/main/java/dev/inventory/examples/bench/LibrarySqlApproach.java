package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * {@code library-sql}, a diagnostic of the profile only: the library's own one-line reserve
 * statement (the data-modifying CTE of {@code Sql.reserveOneLine} in inventory-jdbc: stock row,
 * reservation, its line and the log row), sent through plain JDBC with the same parameter types.
 * Against {@code library} it shows what the Java layers above the SQL cost; against {@code
 * raw-update-log} what the SQL's extra rows cost. Kept in step with the library by hand.
 */
final class LibrarySqlApproach implements Approach {
  static final String NAME = "library-sql";

  /** A SHA-256 in hex, as long as the library's request fingerprint. */
  private static final String HASH = "0".repeat(64);

  private final DataSource dataSource;
  private final String sql;

  LibrarySqlApproach(DataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.sql =
        """
        WITH taken AS (
            UPDATE ${schema}.stock_level
               SET on_hand = on_hand + ?, reserved = reserved + ?, updated_at = ?
             WHERE sku = ? AND location = ? AND on_hand - reserved >= ?
            RETURNING on_hand, reserved
        ), held AS (
            INSERT INTO ${schema}.reservation
                   (id, status, created_at, expires_at, updated_at, request_hash)
            SELECT ?, 'HELD', ?, ?, ?, ? FROM taken
            RETURNING id
        ), line AS (
            INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
            SELECT id, ?, ?, ? FROM held
        ), logged AS (
            INSERT INTO ${schema}.inventory_log
                   (at, sku, location, kind, on_hand_delta, reserved_delta,
                    on_hand_after, reserved_after, reservation_id)
            SELECT ?, ?, ?, 'RESERVE', ?, ?, on_hand, reserved, ? FROM taken
        )
        SELECT on_hand, reserved FROM taken
        """
            .replace("${schema}", schema);
  }

  @Override
  public boolean reserve(Request request) throws SQLException {
    if (request.skus().length != 1) {
      throw new UnsupportedOperationException("library-sql profiles one-line reserves only");
    }
    String sku = request.skus()[0];
    long q = Request.QUANTITY;
    Instant instant = Instant.now();
    OffsetDateTime now = instant.atOffset(ZoneOffset.UTC);
    OffsetDateTime expiresAt = instant.plus(LibraryApproach.TTL).atOffset(ZoneOffset.UTC);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      s.setLong(i++, 0);
      s.setLong(i++, q);
      s.setObject(i++, now, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setString(i++, sku);
      s.setString(i++, Request.LOCATION);
      s.setLong(i++, q);
      s.setString(i++, request.id());
      s.setObject(i++, now, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setObject(i++, expiresAt, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setObject(i++, now, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setString(i++, HASH);
      s.setString(i++, sku);
      s.setString(i++, Request.LOCATION);
      s.setLong(i++, q);
      s.setObject(i++, now, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setString(i++, sku);
      s.setString(i++, Request.LOCATION);
      s.setLong(i++, 0);
      s.setLong(i++, q);
      s.setString(i, request.id());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void settle(Request request, boolean confirm) {
    throw new UnsupportedOperationException("library-sql profiles reserve only");
  }
}
