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
 * statement (the call of {@code inventory_place_one_line}, migration V10's, queued per key since
 * V13, which {@code PlacementSql.reserveOneLine} in inventory-jdbc sends: stock row, reservation,
 * its line and the log row), sent through plain JDBC with the same parameter types. Against {@code
 * library} it shows what the Java layers above the SQL cost; against {@code raw-update-log} what
 * the SQL's extra rows cost. Kept in step with the library by hand.
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
        SELECT placed
          FROM ${schema}.inventory_place_one_line(
                   CAST(? AS text), 'HELD', 'RESERVE', CAST(? AS text), CAST(? AS text),
                   CAST(? AS bigint), 1, 0, CAST(? AS text),
                   CAST(NULL AS text), CAST(NULL AS bigint), CAST(NULL AS text),
                   CAST(? AS timestamptz), CAST(? AS timestamptz))
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
      s.setString(i++, request.id());
      s.setString(i++, sku);
      s.setString(i++, Request.LOCATION);
      s.setLong(i++, q);
      s.setString(i++, HASH);
      s.setObject(i++, now, Types.TIMESTAMP_WITH_TIMEZONE);
      s.setObject(i, expiresAt, Types.TIMESTAMP_WITH_TIMEZONE);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  @Override
  public void settle(Request request, boolean confirm) {
    throw new UnsupportedOperationException("library-sql profiles reserve only");
  }
}
