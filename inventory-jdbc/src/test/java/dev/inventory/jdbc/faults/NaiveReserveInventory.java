package dev.inventory.jdbc.faults;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Lines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The negative control: the library, except that {@link #reserve} is the classic mistake — read the
 * level, check it in Java, write the new figure back (no row lock, no conditional UPDATE). Run on a
 * schema whose CHECK constraint was dropped, so the oversell it allows can reach the table. The
 * fault suite must report this as failing; if it does not, the checker is blind.
 */
final class NaiveReserveInventory implements Inventory {
  private final Inventory library;
  private final DataSource dataSource;
  private final String schema;
  private final Clock clock;

  NaiveReserveInventory(Inventory library, DataSource dataSource, String schema, Clock clock) {
    this.library = library;
    this.dataSource = dataSource;
    this.schema = schema;
    this.clock = clock;
  }

  @Override
  public Reservation reserve(ReservationRequest request) {
    List<Line> lines = request.lines();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant expiresAt = now.plus(request.ttl() != null ? request.ttl() : Duration.ofMinutes(15));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // Read, then decide in Java: between this read and the write below, anyone may change it.
        List<long[]> seen = new ArrayList<>();
        List<Shortage> shortages = new ArrayList<>();
        for (Line line : lines) {
          long[] level = read(c, line.key());
          seen.add(level);
          if (level[0] - level[1] < line.quantity()) {
            shortages.add(new Shortage(line.key(), line.quantity(), level[0] - level[1]));
          }
        }
        if (!shortages.isEmpty()) {
          c.rollback();
          throw new InsufficientStockException(shortages);
        }
        insertReservation(c, request.id(), lines, now, expiresAt);
        for (int i = 0; i < lines.size(); i++) {
          Line line = lines.get(i);
          long[] level = seen.get(i);
          long reserved = level[1] + line.quantity();
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE "
                      + schema
                      + ".stock_level SET reserved = ?, updated_at = ?"
                      + " WHERE sku = ? AND location = ?")) {
            s.setLong(1, reserved);
            s.setObject(2, now.atOffset(ZoneOffset.UTC));
            s.setString(3, line.key().sku());
            s.setString(4, line.key().location());
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO "
                      + schema
                      + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
                      + " on_hand_after, reserved_after, reservation_id)"
                      + " VALUES (?, ?, ?, 'RESERVE', 0, ?, ?, ?, ?)")) {
            s.setObject(1, now.atOffset(ZoneOffset.UTC));
            s.setString(2, line.key().sku());
            s.setString(3, line.key().location());
            s.setLong(4, line.quantity());
            s.setLong(5, level[0]);
            s.setLong(6, reserved);
            s.setString(7, request.id());
            s.executeUpdate();
          }
        }
        c.commit();
        return new Reservation(request.id(), Reservation.Status.HELD, lines, now, expiresAt);
      } catch (SQLException e) {
        rollbackQuietly(c);
        if ("23505".equals(e.getSQLState())) {
          // A replay of an id: answer with what is stored.
          return library.findReservation(request.id()).orElseThrow(() -> unavailable(e));
        }
        throw unavailable(e);
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private long[] read(Connection c, StockKey key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT on_hand, reserved FROM "
                + schema
                + ".stock_level WHERE sku = ? AND location = ?")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[2];
      }
    }
  }

  private void insertReservation(
      Connection c, String id, List<Line> lines, Instant now, Instant expiresAt)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO "
                + schema
                + ".reservation (id, status, created_at, expires_at, updated_at, request_hash)"
                + " VALUES (?, 'HELD', ?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setObject(2, now.atOffset(ZoneOffset.UTC));
      s.setObject(3, expiresAt.atOffset(ZoneOffset.UTC));
      s.setObject(4, now.atOffset(ZoneOffset.UTC));
      s.setString(5, Lines.fingerprint(lines));
      s.executeUpdate();
    }
    for (Line line : lines) {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + schema
                  + ".reservation_line (reservation_id, sku, location, quantity)"
                  + " VALUES (?, ?, ?, ?)")) {
        s.setString(1, id);
        s.setString(2, line.key().sku());
        s.setString(3, line.key().location());
        s.setLong(4, line.quantity());
        s.executeUpdate();
      }
    }
  }

  private static InventoryUnavailableException unavailable(SQLException e) {
    return new InventoryUnavailableException("naive reserve failed: " + e.getMessage(), e);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; so is the transaction
    }
  }

  // Everything else is the library's.

  @Override
  public Reservation amend(String reservationId, List<Line> lines) {
    return library.amend(reservationId, lines);
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    return library.extend(reservationId, ttl);
  }

  @Override
  public Reservation confirm(String reservationId) {
    return library.confirm(reservationId);
  }

  @Override
  public Reservation release(String reservationId) {
    return library.release(reservationId);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return library.purchase(request);
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    return library.findReservation(reservationId);
  }

  @Override
  public dev.inventory.ReservationPage findReservations(String buyer, int pageSize, String cursor) {
    return library.findReservations(buyer, pageSize, cursor);
  }

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    return library.receive(key, quantity, reason);
  }

  @Override
  public StockLevel adjust(StockKey key, long delta, String reason) {
    return library.adjust(key, delta, reason);
  }

  @Override
  public StockLevel setOnHand(StockKey key, long onHand, String reason) {
    return library.setOnHand(key, onHand, reason);
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    return library.levels(keys);
  }

  @Override
  public int expireDue(int limit) {
    return library.expireDue(limit);
  }
}
