package dev.inventory.examples.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;

/**
 * What the {@code queue}'s consumer runs in PostgreSQL for one message, in the approach's schema of
 * the library's tables. Reserve of one line: the conditional UPDATE and its order row (the
 * reservation and its line) as one autocommit statement; a cart: the lines' conditional UPDATEs and
 * the order in one transaction, rolled back if a line is short. Confirm or release: the order's
 * status and its stock rows in one autocommit statement, if the order is held.
 *
 * <p>A message is {@code op}, the request id and its SKUs, one per line; the answer is {@link
 * #DONE}, {@link #REFUSED}, or {@link #FAILED} and the error.
 */
final class QueueOrders {
  static final String RESERVE = "reserve";
  static final String CONFIRM = "confirm";
  static final String RELEASE = "release";
  static final String DONE = "1";
  static final String REFUSED = "0";
  static final String FAILED = "error: ";

  private final DataSource pool;
  private final String reserveOne;
  private final String take;
  private final String order;
  private final String orderLine;
  private final String settle;

  QueueOrders(DataSource pool, String schema) {
    this.pool = pool;
    String condition =
        " WHERE sku = ? AND location = ?"
            // The whole safety argument, as in the library: the check and the row lock are one.
            + " AND on_hand - reserved >= ?";
    this.take =
        "UPDATE " + schema + ".stock_level SET reserved = reserved + ?, updated_at = ?" + condition;
    this.order =
        "INSERT INTO "
            + schema
            + ".reservation (id, status, created_at, expires_at, updated_at, request_hash)"
            + " VALUES (?, 'HELD', ?, ?, ?, '')";
    this.orderLine =
        "INSERT INTO "
            + schema
            + ".reservation_line (reservation_id, sku, location, quantity) VALUES (?, ?, ?, ?)";
    this.reserveOne =
        "WITH taken AS ("
            + take
            + " RETURNING sku, location), ordered AS (INSERT INTO "
            + schema
            + ".reservation (id, status, created_at, expires_at, updated_at, request_hash)"
            + " SELECT ?, 'HELD', ?, ?, ?, '' FROM taken)"
            + " INSERT INTO "
            + schema
            + ".reservation_line (reservation_id, sku, location, quantity)"
            + " SELECT ?, sku, location, ? FROM taken";
    // sku = ANY: several stock rows in one statement, in whatever order the plan visits them (a
    // deadlock with a cart is undone by PostgreSQL and run again, see handle).
    this.settle =
        "WITH settled AS (UPDATE "
            + schema
            + ".reservation SET status = ?, updated_at = ? WHERE id = ? AND status = 'HELD'"
            + " RETURNING id)"
            + " UPDATE "
            + schema
            + ".stock_level SET on_hand = on_hand - ?, reserved = reserved - ?, updated_at = ?"
            + " WHERE location = ? AND sku = ANY (?) AND EXISTS (SELECT 1 FROM settled)";
  }

  static String message(String op, Request request) {
    return op + "\n" + request.id() + "\n" + String.join("\n", request.skus());
  }

  /** Runs one message; never throws (a failure is the answer). */
  String handle(String message) {
    String[] parts = message.split("\n");
    String id = parts[1];
    String[] skus = java.util.Arrays.copyOfRange(parts, 2, parts.length);
    for (int attempt = 1; ; attempt++) {
      try {
        boolean done =
            switch (parts[0]) {
              case RESERVE -> reserve(id, skus);
              case CONFIRM -> settle(id, skus, true);
              case RELEASE -> settle(id, skus, false);
              default -> throw new IllegalArgumentException("unknown operation " + parts[0]);
            };
        return done ? DONE : REFUSED;
      } catch (SQLException e) {
        // Carts lock their rows in key order, but a settle's UPDATE of several rows may visit
        // them in another (a bitmap scan goes by page): PostgreSQL breaks such a deadlock by
        // undoing one side whole, and the consumer runs it again, as a shop's would.
        if (!DEADLOCK.equals(e.getSQLState()) || attempt == DEADLOCK_ATTEMPTS) {
          return FAILED + e.getMessage();
        }
      } catch (RuntimeException e) {
        return FAILED + e.getMessage();
      }
    }
  }

  private static final String DEADLOCK = "40P01";
  private static final int DEADLOCK_ATTEMPTS = 3;

  private boolean reserve(String id, String[] skus) throws SQLException {
    long q = Request.QUANTITY;
    Timestamp now = new Timestamp(System.currentTimeMillis());
    Timestamp expires = new Timestamp(now.getTime() + LibraryApproach.TTL.toMillis());
    try (Connection c = pool.getConnection()) {
      if (skus.length == 1) {
        try (PreparedStatement s = c.prepareStatement(reserveOne)) {
          int i = bindTake(s, 1, skus[0], now);
          s.setString(i++, id);
          s.setTimestamp(i++, now);
          s.setTimestamp(i++, expires);
          s.setTimestamp(i++, now);
          s.setString(i++, id);
          s.setLong(i, q);
          return s.executeUpdate() == 1;
        }
      }
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement(take)) {
          for (String sku : skus) {
            bindTake(s, 1, sku, now);
            s.addBatch();
          }
          for (int count : s.executeBatch()) {
            if (count != 1) {
              c.rollback();
              return false;
            }
          }
        }
        try (PreparedStatement s = c.prepareStatement(order)) {
          s.setString(1, id);
          s.setTimestamp(2, now);
          s.setTimestamp(3, expires);
          s.setTimestamp(4, now);
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(orderLine)) {
          for (String sku : skus) {
            s.setString(1, id);
            s.setString(2, sku);
            s.setString(3, Request.LOCATION);
            s.setLong(4, q);
            s.addBatch();
          }
          s.executeBatch();
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

  /** Binds the conditional UPDATE of one line from parameter {@code at}; the next one's index. */
  private static int bindTake(PreparedStatement s, int at, String sku, Timestamp now)
      throws SQLException {
    int i = at;
    s.setLong(i++, Request.QUANTITY);
    s.setTimestamp(i++, now);
    s.setString(i++, sku);
    s.setString(i++, Request.LOCATION);
    s.setLong(i++, Request.QUANTITY);
    return i;
  }

  private boolean settle(String id, String[] skus, boolean confirm) throws SQLException {
    long q = Request.QUANTITY;
    Timestamp now = new Timestamp(System.currentTimeMillis());
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(settle)) {
      Array array = c.createArrayOf("text", skus);
      s.setString(1, confirm ? "CONFIRMED" : "RELEASED");
      s.setTimestamp(2, now);
      s.setString(3, id);
      s.setLong(4, confirm ? q : 0);
      s.setLong(5, q);
      s.setTimestamp(6, now);
      s.setString(7, Request.LOCATION);
      s.setArray(8, array);
      return s.executeUpdate() == skus.length;
    }
  }
}
