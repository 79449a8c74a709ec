package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;

/**
 * {@code naive}: read the level, check in Java, write the new figure back. Each step is correct on
 * its own; together they lose updates under concurrency, and so oversell. Never timed: it appears
 * in the correctness table only. (The CHECK constraint cannot catch it: every figure it writes is
 * within on-hand, the updates of the others are simply overwritten.)
 */
final class NaiveApproach implements Approach {
  private final DataSource dataSource;
  private final String read;
  private final String write;

  NaiveApproach(DataSource dataSource, String schema) {
    this.dataSource = dataSource;
    this.read =
        "SELECT on_hand, reserved FROM " + schema + ".stock_level WHERE sku = ? AND location = ?";
    this.write =
        "UPDATE "
            + schema
            + ".stock_level SET reserved = ?, updated_at = ? WHERE sku = ? AND location = ?";
  }

  @Override
  public boolean reserve(Request request) throws SQLException {
    if (request.skus().length != 1) {
      throw new UnsupportedOperationException("naive reserves one line at a time");
    }
    String sku = request.skus()[0];
    try (Connection c = dataSource.getConnection()) {
      long reserved;
      try (PreparedStatement s = c.prepareStatement(read)) {
        s.setString(1, sku);
        s.setString(2, Request.LOCATION);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next() || rs.getLong(1) - rs.getLong(2) < Request.QUANTITY) {
            return false;
          }
          reserved = rs.getLong(2);
        }
      }
      try (PreparedStatement s = c.prepareStatement(write)) {
        s.setLong(1, reserved + Request.QUANTITY);
        s.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
        s.setString(3, sku);
        s.setString(4, Request.LOCATION);
        s.executeUpdate();
      }
      return true;
    }
  }

  @Override
  public void settle(Request request, boolean confirm) {
    throw new UnsupportedOperationException("naive is measured for correctness only");
  }
}
