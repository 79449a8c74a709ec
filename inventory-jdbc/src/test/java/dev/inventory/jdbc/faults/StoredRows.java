package dev.inventory.jdbc.faults;

import dev.inventory.StockKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The rows as stored, read past the library (no effective view, no retries) on a connection the
 * test opens for it, so that a check sees what the server committed and nothing else.
 */
final class StoredRows {
  private StoredRows() {}

  /** on_hand and reserved of the key's stock row. */
  static List<Long> level(Connection c, String schema, StockKey key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT on_hand, reserved FROM "
                + schema
                + ".stock_level WHERE sku = ? AND location = ?")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no stock row for " + key);
        }
        return List.of(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  /** How many log rows of this kind the key has. */
  static long logCount(Connection c, String schema, StockKey key, String kind) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(*) FROM "
                + schema
                + ".inventory_log WHERE sku = ? AND location = ? AND kind = ?")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      s.setString(3, kind);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
