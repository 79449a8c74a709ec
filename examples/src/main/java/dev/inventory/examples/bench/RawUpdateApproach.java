package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;

/**
 * {@code raw-update}: the limit, one hand-written conditional UPDATE per stock row and nothing else
 * (no reservation row, no log). {@code raw-update-log}: the same UPDATE with its log row in one
 * data-modifying CTE, which is what an ideal logged implementation costs.
 *
 * <p>A one-line request is one autocommit statement: one round trip. A cart is one transaction that
 * sends its rows as one JDBC batch, in key order (no deadlocks), and rolls back if any row is
 * short.
 */
final class RawUpdateApproach implements Approach {
  private final DataSource dataSource;
  private final boolean logged;
  private final String sql;

  RawUpdateApproach(DataSource dataSource, String schema, boolean logged) {
    this.dataSource = dataSource;
    this.logged = logged;
    String update =
        "UPDATE "
            + schema
            + ".stock_level"
            + " SET on_hand = on_hand + ?, reserved = reserved + ?, updated_at = ?"
            + " WHERE sku = ? AND location = ?"
            // The whole safety argument, as in the library: the check and the row lock are one.
            + " AND on_hand - reserved >= ?";
    this.sql =
        logged
            ? "WITH changed AS ("
                + update
                + " RETURNING on_hand, reserved)"
                + " INSERT INTO "
                + schema
                + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                + " on_hand_after, reserved_after, reservation_id)"
                + " SELECT ?, ?, ?, ?, ?, ?, on_hand, reserved, ? FROM changed"
            : update;
  }

  @Override
  public boolean reserve(Request request) throws SQLException {
    return change(request, 0, Request.QUANTITY, Request.QUANTITY, "RESERVE");
  }

  @Override
  public void settle(Request request, boolean confirm) throws SQLException {
    long q = Request.QUANTITY;
    if (!change(request, confirm ? -q : 0, -q, 0, confirm ? "CONFIRM" : "RELEASE")) {
      throw new IllegalStateException("stock row missing while settling " + request.id());
    }
  }

  private boolean change(
      Request request, long onHandDelta, long reservedDelta, long required, String kind)
      throws SQLException {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    String[] skus = request.skus();
    try (Connection c = dataSource.getConnection()) {
      if (skus.length == 1) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
          bind(s, request, skus[0], onHandDelta, reservedDelta, required, kind, now);
          return s.executeUpdate() == 1;
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (String sku : skus) {
          bind(s, request, sku, onHandDelta, reservedDelta, required, kind, now);
          s.addBatch();
        }
        for (int count : s.executeBatch()) {
          if (count != 1) {
            c.rollback();
            return false;
          }
        }
        c.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private void bind(
      PreparedStatement s,
      Request request,
      String sku,
      long onHandDelta,
      long reservedDelta,
      long required,
      String kind,
      Timestamp now)
      throws SQLException {
    s.setLong(1, onHandDelta);
    s.setLong(2, reservedDelta);
    s.setTimestamp(3, now);
    s.setString(4, sku);
    s.setString(5, Request.LOCATION);
    s.setLong(6, required);
    if (logged) {
      s.setTimestamp(7, now);
      s.setString(8, sku);
      s.setString(9, Request.LOCATION);
      s.setString(10, kind);
      s.setLong(11, onHandDelta);
      s.setLong(12, reservedDelta);
      s.setString(13, request.id());
    }
  }
}
