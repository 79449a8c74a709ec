package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.instant;
import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
  private final StockSql stock;

  ReservationSql(SqlText sql, StockSql stock) {
    this.stock = stock;
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
  Session.Work<Optional<Times>> moveHeld(String reservationId, Action action, Instant now) {
    return h ->
        h.createQuery(moveHeld)
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
  Session.Work<Optional<Reservation>> moveOneLine(
      String reservationId, Action action, Instant now) {
    return h ->
        h.createQuery(moveOneLine)
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
  Session.Work<Optional<Times>> touchHeld(String reservationId, Instant now) {
    return h ->
        h.createQuery(touchHeld)
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
  Session.Work<Optional<Times>> extendHeld(String reservationId, Instant now, Instant expiresAt) {
    return h ->
        h.createQuery(extendHeld)
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
  Session.Work<List<Line>> linesOf(String reservationId) {
    return h ->
        linesOf(List.of(reservationId)).run(h).stream()
            .map(ClaimedLine::line)
            .sorted(Comparator.comparing(Line::key))
            .toList();
  }

  /** The lines of reservations this transaction has locked, in no particular order. */
  Session.Work<List<ClaimedLine>> linesOf(List<String> reservationIds) {
    return h ->
        h.createQuery(linesOf)
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
  Session.Work<Void> replaceLines(String reservationId, List<Line> lines) {
    return h -> {
      List<StockKey> keys = lines.stream().map(Line::key).toList();
      h.createUpdate(replaceLines)
          .bind("id", reservationId)
          .bindArray("skus", String.class, PgValues.skus(keys))
          .bindArray("locations", String.class, PgValues.locations(keys))
          .bindArray("quantities", Long.class, lines.stream().map(Line::quantity).toList())
          .execute();

      return null;
    };
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
  Session.Work<Optional<Stored>> find(String reservationId) {
    return h -> {
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
    };
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

  // ---------------------------------------------------------------- moves with their stock

  /**
   * Confirms (sold: off on-hand and reserved) or releases (freed: off reserved) a held reservation
   * that is not due, in one transaction: the move, then a change per line in key order. Empty if it
   * was not held, or due, or unknown.
   */
  Session.Work<Optional<Reservation>> moveHeldGivingBack(
      String reservationId, Action action, Instant now) {
    return h -> {
      Optional<Times> times = moveHeld(reservationId, action, now).run(h);
      if (times.isEmpty()) {
        return Optional.empty();
      }
      List<Line> lines = linesOf(reservationId).run(h);
      List<StockSql.Change> changes =
          lines.stream()
              .map(
                  line -> {
                    long q = line.quantity();
                    long onHandDelta = action == Action.CONFIRM ? -q : 0;
                    return new StockSql.Change(
                        line.key(), onHandDelta, -q, 0, action.name(), reservationId, now);
                  })
              .toList();
      stock.giveBackAll(changes, reservationId).run(h);
      return Optional.of(
          new Reservation(
              reservationId,
              action.target(),
              lines,
              times.get().createdAt(),
              times.get().expiresAt()));
    };
  }

  /** Sets a held, not due reservation's expiry; the reservation, or empty if it was not held. */
  Session.Work<Optional<Reservation>> extend(String reservationId, Instant now, Instant expiresAt) {
    return h ->
        extendHeld(reservationId, now, expiresAt)
            .run(h)
            .map(
                times ->
                    new Reservation(
                        reservationId,
                        Status.HELD,
                        linesOf(reservationId).run(h),
                        times.createdAt(),
                        times.expiresAt()));
  }

  /**
   * What an amend did: nothing ({@code times} empty: not held, or due, or unknown), or changed the
   * reservation to the lines wanted, or found keys whose growth did not fit ({@code growing}: each
   * with the new total wanted; {@code held}: what the reservation held per key before).
   */
  record Amendment(Optional<Times> times, List<Line> growing, Map<StockKey, Long> held) {
    /** Whether the amend applied, or could not apply: everything but growth that did not fit. */
    boolean fits() {
      return growing.isEmpty();
    }
  }

  /**
   * Changes a held, not due reservation to exactly these (merged) lines: locks it, changes each key
   * that differs in key order (growth conditional on the free units, shrinking gives back), and
   * replaces its lines. The caller commits only if the amendment {@link Amendment#fits}.
   */
  Session.Work<Amendment> amend(String reservationId, List<Line> wanted, Instant now) {
    return h -> {
      Optional<Times> times = touchHeld(reservationId, now).run(h);
      if (times.isEmpty()) {
        return new Amendment(times, List.of(), Map.of());
      }
      Map<StockKey, Long> before = Lines.byKey(linesOf(reservationId).run(h));
      Map<StockKey, Long> after = Lines.byKey(wanted);
      Set<StockKey> keys = new TreeSet<>(before.keySet());
      keys.addAll(after.keySet());
      List<StockSql.Change> changes = new ArrayList<>();
      for (StockKey key : keys) {
        long delta = after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
        if (delta != 0) {
          changes.add(
              new StockSql.Change(key, 0, delta, Math.max(delta, 0), "AMEND", reservationId, now));
        }
      }
      if (changes.isEmpty()) {
        return new Amendment(times, List.of(), before);
      }
      List<StockKey> shortKeys = stock.changeAll(changes).run(h);
      if (!shortKeys.isEmpty()) {
        return new Amendment(
            times, shortKeys.stream().map(key -> new Line(key, after.get(key))).toList(), before);
      }
      replaceLines(reservationId, wanted).run(h);
      return new Amendment(times, List.of(), before);
    };
  }
}
