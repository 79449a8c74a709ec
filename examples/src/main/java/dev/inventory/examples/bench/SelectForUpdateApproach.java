package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;

/**
 * {@code select-for-update}: the common peer approach, one statement at a time in a transaction.
 *
 * <p>Reserve: {@code BEGIN; SELECT ... FOR UPDATE} (the stock rows, in key order); check in Java;
 * {@code UPDATE} the rows; {@code INSERT} the order (a {@code reservation} row and its lines);
 * {@code COMMIT}. Settle: lock the order {@code FOR UPDATE}, check it is held, {@code UPDATE} the
 * stock rows and the order's status, {@code COMMIT}. The stock row lock is held across every round
 * trip in between.
 */
final class SelectForUpdateApproach implements Approach {
  private final DataSource dataSource;
  private final String lockOne;
  private final String lockCart;
  private final String updateStock;
  private final String insertOrder;
  private final String insertLine;
  private final String lockOrder;
  private final String updateOrder;

  SelectForUpdateApproach(DataSource dataSource, String schema, int cartLines) {
    this.dataSource = dataSource;
    this.lockOne =
        "SELECT on_hand, reserved FROM "
            + schema
            + ".stock_level WHERE sku = ? AND location = ? FOR UPDATE";
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < cartLines; i++) {
      in.append(i == 0 ? "(?, ?)" : ", (?, ?)");
    }
    // A LockRows node above the sort: the rows are locked in key order, so carts cannot deadlock.
    this.lockCart =
        "SELECT on_hand, reserved FROM "
            + schema
            + ".stock_level WHERE (sku, location) IN ("
            + in
            + ") ORDER BY sku, location FOR UPDATE";
    this.updateStock =
        "UPDATE "
            + schema
            + ".stock_level SET on_hand = on_hand + ?, reserved = reserved + ?, updated_at = ?"
            + " WHERE sku = ? AND location = ?";
    this.insertOrder =
        "INSERT INTO "
            + schema
            + ".reservation (id, status, created_at, expires_at, updated_at, request_hash)"
            + " VALUES (?, 'HELD', ?, ?, ?, '')";
    this.insertLine =
        "INSERT INTO "
            + schema
            + ".reservation_line (reservation_id, sku, location, quantity) VALUES (?, ?, ?, ?)";
    this.lockOrder =
        "SELECT r.status, l.sku, l.location, l.quantity FROM "
            + schema
            + ".reservation r JOIN "
            + schema
            + ".reservation_line l ON l.reservation_id = r.id"
            + " WHERE r.id = ? ORDER BY l.sku, l.location FOR UPDATE OF r";
    this.updateOrder =
        "UPDATE " + schema + ".reservation SET status = ?, updated_at = ? WHERE id = ?";
  }

  @Override
  public boolean reserve(Request request) throws SQLException {
    String[] skus = request.skus();
    long q = Request.QUANTITY;
    Timestamp now = new Timestamp(System.currentTimeMillis());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement(skus.length == 1 ? lockOne : lockCart)) {
          for (int i = 0; i < skus.length; i++) {
            s.setString(2 * i + 1, skus[i]);
            s.setString(2 * i + 2, Request.LOCATION);
          }
          int rows = 0;
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              rows++;
              if (rs.getLong(1) - rs.getLong(2) < q) {
                c.rollback();
                return false;
              }
            }
          }
          if (rows != skus.length) {
            c.rollback();
            return false;
          }
        }
        try (PreparedStatement s = c.prepareStatement(updateStock)) {
          for (String sku : skus) {
            s.setLong(1, 0);
            s.setLong(2, q);
            s.setTimestamp(3, now);
            s.setString(4, sku);
            s.setString(5, Request.LOCATION);
            if (skus.length == 1) {
              s.executeUpdate();
            } else {
              s.addBatch();
            }
          }
          if (skus.length > 1) {
            s.executeBatch();
          }
        }
        try (PreparedStatement s = c.prepareStatement(insertOrder)) {
          s.setString(1, request.id());
          s.setTimestamp(2, now);
          s.setTimestamp(3, new Timestamp(now.getTime() + LibraryApproach.TTL.toMillis()));
          s.setTimestamp(4, now);
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(insertLine)) {
          for (String sku : skus) {
            s.setString(1, request.id());
            s.setString(2, sku);
            s.setString(3, Request.LOCATION);
            s.setLong(4, q);
            if (skus.length == 1) {
              s.executeUpdate();
            } else {
              s.addBatch();
            }
          }
          if (skus.length > 1) {
            s.executeBatch();
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

  @Override
  public void settle(Request request, boolean confirm) throws SQLException {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int lines = 0;
        try (PreparedStatement lock = c.prepareStatement(lockOrder);
            PreparedStatement update = c.prepareStatement(updateStock)) {
          lock.setString(1, request.id());
          try (ResultSet rs = lock.executeQuery()) {
            while (rs.next()) {
              if (!"HELD".equals(rs.getString(1))) {
                throw new IllegalStateException(request.id() + " is " + rs.getString(1));
              }
              long q = rs.getLong(4);
              update.setLong(1, confirm ? -q : 0);
              update.setLong(2, -q);
              update.setTimestamp(3, now);
              update.setString(4, rs.getString(2));
              update.setString(5, rs.getString(3));
              update.addBatch();
              lines++;
            }
          }
          if (lines == 0) {
            throw new IllegalStateException("order " + request.id() + " not found");
          }
          update.executeBatch(); // one round trip for the order's lines
        }
        try (PreparedStatement s = c.prepareStatement(updateOrder)) {
          s.setString(1, confirm ? "CONFIRMED" : "RELEASED");
          s.setTimestamp(2, now);
          s.setString(3, request.id());
          s.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }
}
