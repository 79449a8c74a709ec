package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.instant;
import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import dev.inventory.internal.Lifecycle.Action;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The statements on reservation rows: the conditional moves out of HELD (each guarded by {@code
 * ${heldNotDue}}: of confirm, release and expiry exactly one matches, the others wait for its row
 * lock and then see its status), a held reservation's lines, and the reads of a reservation. Each
 * statement's text, binding and row mapping; no decision. Thread-safe: it holds only text.
 */
final class ReservationSql {
  /** A reservation's times, as returned by the statement that locked it. */
  record Times(Instant createdAt, Instant expiresAt) {
    static Times from(ResultSet rs) throws SQLException {
      return new Times(instant(rs, "created_at"), instant(rs, "expires_at"));
    }
  }

  /** A line of a locked reservation. */
  record ClaimedLine(String reservationId, StockKey key, long quantity) {
    Line line() {
      return new Line(key, quantity);
    }

    static ClaimedLine from(ResultSet rs) throws SQLException {
      return new ClaimedLine(
          rs.getString("reservation_id"), PgValues.key(rs), rs.getLong("quantity"));
    }
  }

  private final String moveHeld;
  private final String moveOneLine;
  private final String touchHeld;
  private final String extendHeld;
  private final String linesOf;
  private final String replaceLines;
  private final String findReservation;

  ReservationSql(SqlText sql) {
    this.moveHeld = sql.render(MOVE_HELD);
    this.moveOneLine = sql.render(MOVE_ONE_LINE);
    this.touchHeld = sql.render(TOUCH_HELD);
    this.extendHeld = sql.render(EXTEND_HELD);
    this.linesOf = sql.render(LINES_OF);
    this.replaceLines = sql.render(REPLACE_LINES);
    this.findReservation = sql.render(FIND_RESERVATION);
  }

  /**
   * Moves a reservation out of HELD, only if it is still held and not yet due. No row back: nothing
   * moved.
   */
  private static final String MOVE_HELD =
      """
      UPDATE ${schema}.reservation
         SET status = :target, updated_at = :now
       WHERE id = :id AND ${heldNotDue}
      RETURNING created_at, expires_at
      """;

  /** Moves a held, not due reservation to the action's target; empty if nothing moved. */
  Optional<Times> moveHeld(Handle h, String reservationId, Action action, Instant now) {
    return h.createQuery(moveHeld)
        .bind("id", reservationId)
        .bind("target", action.target().name())
        .bind("now", timestamp(now))
        .map((rs, ctx) -> Times.from(rs))
        .findOne();
  }

  /**
   * Confirms or releases a held reservation of one line in one statement: the move, the stock and
   * the log row. Its line is read from this statement's snapshot, which could predate an amend that
   * committed while the UPDATE waited for the reservation's row lock; so the move applies only if
   * the row is still the version the snapshot saw (same xmin, re-checked under the lock) and has
   * exactly one line, which also keeps it to one stock row (no lock-order question). No row back:
   * the caller takes the general path. Confirm: {@code :sold} 1; release: 0.
   */
  private static final String MOVE_ONE_LINE =
      """
      WITH moved AS (
          UPDATE ${schema}.reservation r
             SET status = :target, updated_at = :now
           WHERE r.id = :id AND ${heldNotDue(r)}
             AND r.xmin = (SELECT s.xmin FROM ${schema}.reservation s WHERE s.id = :id)
             AND (SELECT count(*) FROM ${schema}.reservation_line WHERE reservation_id = :id) = 1
          RETURNING r.id, r.created_at, r.expires_at
      ), line AS (
          SELECT l.sku, l.location, l.quantity
            FROM ${schema}.reservation_line l
            JOIN moved ON l.reservation_id = moved.id
      ), changed AS (
          UPDATE ${schema}.stock_level s
             SET on_hand = s.on_hand - :sold * line.quantity,
                 reserved = s.reserved - line.quantity,
                 updated_at = :now
            FROM line
           WHERE s.sku = line.sku AND s.location = line.location
          RETURNING s.sku, s.location, s.on_hand, s.reserved, line.quantity
      ), logged AS (
          INSERT INTO ${schema}.inventory_log
                 (at, sku, location, kind, on_hand_delta, reserved_delta,
                  on_hand_after, reserved_after, reservation_id)
          SELECT :now, sku, location, :kind, -:sold * quantity, -quantity,
                 on_hand, reserved, :id
            FROM changed
      )
      SELECT moved.created_at, moved.expires_at, changed.sku, changed.location, changed.quantity
        FROM moved
        LEFT JOIN changed ON true
      """;

  /** The one-statement move of a one-line reservation; empty if it did not apply. */
  Optional<Reservation> moveOneLine(Handle h, String reservationId, Action action, Instant now) {
    return h.createQuery(moveOneLine)
        .bind("id", reservationId)
        .bind("target", action.target().name())
        .bind("kind", action.name())
        .bind("sold", action == Action.CONFIRM ? 1L : 0L)
        .bind("now", timestamp(now))
        .map(
            (rs, ctx) -> {
              if (rs.getString("sku") == null) {
                // Moved, but no stock row changed: impossible while the CHECK constraint holds.
                throw new IllegalStateException(
                    "stock row missing while giving back units of " + reservationId);
              }
              return new Reservation(
                  reservationId,
                  action.target(),
                  List.of(new Line(PgValues.key(rs), rs.getLong("quantity"))),
                  instant(rs, "created_at"),
                  instant(rs, "expires_at"));
            })
        .findOne();
  }

  /**
   * Locks a held, not yet due reservation by touching it; the first step of amend. No row back: it
   * is not held, or due, or unknown.
   */
  private static final String TOUCH_HELD =
      """
      UPDATE ${schema}.reservation
         SET updated_at = :now
       WHERE id = :id AND ${heldNotDue}
      RETURNING created_at, expires_at
      """;

  /** Locks a held, not due reservation; empty if it is not held, or due, or unknown. */
  Optional<Times> touchHeld(Handle h, String reservationId, Instant now) {
    return h.createQuery(touchHeld)
        .bind("id", reservationId)
        .bind("now", timestamp(now))
        .map((rs, ctx) -> Times.from(rs))
        .findOne();
  }

  /** Sets a held, not yet due reservation's expiry. No row back: not held, due, or unknown. */
  private static final String EXTEND_HELD =
      """
      UPDATE ${schema}.reservation
         SET expires_at = :expiresAt, updated_at = :now
       WHERE id = :id AND ${heldNotDue}
      RETURNING created_at, expires_at
      """;

  /**
   * Gives a held, not due reservation a new expiry; empty if it is not held, or due, or unknown.
   */
  Optional<Times> extendHeld(Handle h, String reservationId, Instant now, Instant expiresAt) {
    return h.createQuery(extendHeld)
        .bind("id", reservationId)
        .bind("now", timestamp(now))
        .bind("expiresAt", timestamp(expiresAt))
        .map((rs, ctx) -> Times.from(rs))
        .findOne();
  }

  /**
   * The lines of reservations this transaction has just locked. A statement of its own on purpose:
   * a statement reads from the snapshot it started with, so lines read by the statement that took
   * the lock could predate an amend that committed while it waited for that lock. Once the lock is
   * held, no one else can change the lines (every change of lines locks the reservation first).
   */
  private static final String LINES_OF =
      """
      SELECT reservation_id, sku, location, quantity
        FROM ${schema}.reservation_line
       WHERE reservation_id = ANY(:ids)
      """;

  /** The lines of one reservation this transaction has locked, in key order. */
  List<Line> linesOf(Handle h, String reservationId) {
    return linesOf(h, List.of(reservationId)).stream()
        .map(ClaimedLine::line)
        .sorted(Comparator.comparing(Line::key))
        .toList();
  }

  /** The lines of reservations this transaction has locked, in no particular order. */
  List<ClaimedLine> linesOf(Handle h, List<String> reservationIds) {
    return h.createQuery(linesOf)
        .bindArray("ids", String.class, reservationIds)
        .map((rs, ctx) -> ClaimedLine.from(rs))
        .list();
  }

  /** Makes a locked reservation's lines exactly these. */
  private static final String REPLACE_LINES =
      """
      WITH wanted AS (
          SELECT * FROM unnest(:skus, :locations, :quantities) AS w(sku, location, quantity)
      ), dropped AS (
          DELETE FROM ${schema}.reservation_line l
           WHERE l.reservation_id = :id
             AND NOT EXISTS (
                 SELECT 1 FROM wanted w WHERE w.sku = l.sku AND w.location = l.location)
      )
      INSERT INTO ${schema}.reservation_line (reservation_id, sku, location, quantity)
      SELECT :id, sku, location, quantity FROM wanted
      ON CONFLICT (reservation_id, sku, location) DO UPDATE SET quantity = EXCLUDED.quantity
      """;

  /** Makes a locked reservation's lines exactly these. */
  void replaceLines(Handle h, String reservationId, List<Line> lines) {
    List<StockKey> keys = lines.stream().map(Line::key).toList();
    h.createUpdate(replaceLines)
        .bind("id", reservationId)
        .bindArray("skus", String.class, PgValues.skus(keys))
        .bindArray("locations", String.class, PgValues.locations(keys))
        .bindArray("quantities", Long.class, lines.stream().map(Line::quantity).toList())
        .execute();
  }

  /** A reservation with its lines, in key order; no rows if unknown. */
  private static final String FIND_RESERVATION =
      """
      SELECT r.status, r.created_at, r.expires_at, r.request_hash,
             l.sku, l.location, l.quantity
        FROM ${schema}.reservation r
        JOIN ${schema}.reservation_line l ON l.reservation_id = r.id
       WHERE r.id = :id
       ORDER BY l.sku, l.location
      """;

  /** The reservation as stored, with its lines in key order; empty if unknown. */
  Optional<Stored> find(Handle h, String reservationId) {
    List<StoredRow> rows =
        h.createQuery(findReservation)
            .bind("id", reservationId)
            .map((rs, ctx) -> StoredRow.from(rs))
            .list();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    StoredRow first = rows.get(0);
    List<Line> lines =
        rows.stream().map(StoredRow::line).sorted(Comparator.comparing(Line::key)).toList();
    return Optional.of(
        new Stored(
            reservationId,
            Status.valueOf(first.status()),
            lines,
            first.createdAt(),
            first.expiresAt(),
            first.hash()));
  }

  private record StoredRow(
      String status, Instant createdAt, Instant expiresAt, String hash, Line line) {
    static StoredRow from(ResultSet rs) throws SQLException {
      return new StoredRow(
          rs.getString("status"),
          instant(rs, "created_at"),
          instant(rs, "expires_at"),
          rs.getString("request_hash"),
          new Line(PgValues.key(rs), rs.getLong("quantity")));
    }
  }
}
