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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The statements on reservation rows: the conditional moves out of HELD (each guarded by {@code
 * ${heldNotDue}}: of confirm, release and expiry exactly one matches, the others wait for its row
 * lock and then see its status), a held reservation's lines, and the reads of a reservation. Each
 * statement's text, binding and row mapping; no decision. Thread-safe: it holds only text.
 */
final class ReservationSql {
  /** A reservation's times and buyer, as returned by the statement that locked it. */
  record Times(Instant createdAt, Instant expiresAt, @Nullable String buyer) {
    static Times from(ResultSet rs) throws SQLException {
      return new Times(instant(rs, "created_at"), instant(rs, "expires_at"), rs.getString("buyer"));
    }
  }

  /** A line of a locked reservation, and whether it is counted for its buyer (V7). */
  record ClaimedLine(String reservationId, Line line, boolean counted) {
    static ClaimedLine from(ResultSet rs) throws SQLException {
      return new ClaimedLine(
          rs.getString("reservation_id"), PgValues.line(rs), rs.getBoolean("buyer_counted"));
    }
  }

  private final Positional move;
  private final String touchHeld;
  private final String extendHeld;
  private final String linesOf;
  private final String replaceLines;
  private final String findReservation;
  private final String findByBuyer;
  private final StockSql stock;
  private final BuyerSql buyers;

  ReservationSql(SqlText sql, StockSql stock, BuyerSql buyers) {
    this.stock = stock;
    this.buyers = buyers;
    this.move = Positional.of(sql.render(MOVE));
    this.touchHeld = sql.render(TOUCH_HELD);
    this.extendHeld = sql.render(EXTEND_HELD);
    this.linesOf = sql.render(LINES_OF);
    this.replaceLines = sql.render(REPLACE_LINES);
    this.findReservation = sql.render(FIND_RESERVATION);
    this.findByBuyer = sql.render(FIND_BY_BUYER);
  }

  /**
   * Moves held reservations that are not due to their targets and gives their units back, in one
   * statement (V7's {@code inventory_move_reservations}, V5's {@code inventory_move} answering
   * buyers and prices too): one reservation, or a combined batch of distinct ids, each of one line
   * or several. A row per line of each reservation moved; none for the others. Confirm: sold
   * ({@code :sold} 1), off on-hand and reserved; release: freed, off reserved.
   */
  private static final String MOVE =
      """
      SELECT moved_id, moved_created_at, moved_expires_at, moved_buyer, moved_sku,
             moved_location, moved_quantity, moved_unit_price_minor, moved_currency
        FROM ${schema}.inventory_move_reservations(:ids, :targets, :kinds, :sold, :now)
      """;

  /**
   * Moves the held, not due reservations among these distinct ids, each by its action (confirm or
   * release); the reservations moved, by id, each with its lines in key order.
   */
  Session.Work<Map<String, Reservation>> move(
      List<String> reservationIds, List<Action> actions, Instant now) {
    int n = reservationIds.size();
    String[] ids = reservationIds.toArray(new String[0]);
    String[] targets = new String[n];
    String[] kinds = new String[n];
    Long[] sold = new Long[n];
    Map<String, Action> actionOf = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Action action = actions.get(i);
      targets[i] = action.target().name();
      kinds[i] = action.name();
      sold[i] = action == Action.CONFIRM ? 1L : 0L;
      actionOf.put(ids[i], action);
    }
    return tx ->
        move.query(
            tx,
            b ->
                b.textArray("ids", ids)
                    .textArray("targets", targets)
                    .textArray("kinds", kinds)
                    .bigintArray("sold", sold)
                    .timestamptz("now", now),
            rs -> {
              Map<String, MovedRows> byId = new LinkedHashMap<>();
              while (rs.next()) {
                String id = rs.getString("moved_id");
                MovedRows rows = byId.get(id);
                if (rows == null) {
                  rows =
                      new MovedRows(
                          instant(rs, "moved_created_at"),
                          instant(rs, "moved_expires_at"),
                          rs.getString("moved_buyer"),
                          new ArrayList<>());
                  byId.put(id, rows);
                }
                rows.lines()
                    .add(
                        new Line(
                            new StockKey(rs.getString("moved_sku"), rs.getString("moved_location")),
                            rs.getLong("moved_quantity"),
                            PgValues.price(rs, "moved_unit_price_minor", "moved_currency")));
              }
              Map<String, Reservation> moved = new HashMap<>();
              byId.forEach(
                  (id, rows) ->
                      moved.put(
                          id,
                          new Reservation(
                              id,
                              actionOf.get(id).target(),
                              rows.lines().stream()
                                  .sorted(Comparator.comparing(Line::key))
                                  .toList(),
                              rows.createdAt(),
                              rows.expiresAt(),
                              rows.buyer())));
              return moved;
            });
  }

  private record MovedRows(
      Instant createdAt, Instant expiresAt, @Nullable String buyer, List<Line> lines) {}

  /** {@link #move} of one reservation; empty if it did not move. */
  Session.Work<Optional<Reservation>> move(String reservationId, Action action, Instant now) {
    Session.Work<Map<String, Reservation>> one = move(List.of(reservationId), List.of(action), now);
    return h -> Optional.ofNullable(one.run(h).get(reservationId));
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
      RETURNING created_at, expires_at, buyer
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
      RETURNING created_at, expires_at, buyer
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
      SELECT reservation_id, sku, location, quantity, unit_price_minor, currency, buyer_counted
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
          SELECT *
            FROM unnest(:skus, :locations, :quantities, :unitPrices, :currencies, :counted)
                 AS w(sku, location, quantity, unit_price, currency, counted)
      ), dropped AS (
          DELETE FROM ${schema}.reservation_line l
           WHERE l.reservation_id = :id
             AND NOT EXISTS (
                 SELECT 1 FROM wanted w WHERE w.sku = l.sku AND w.location = l.location)
      )
      INSERT INTO ${schema}.reservation_line
             (reservation_id, sku, location, quantity, unit_price_minor, currency, buyer_counted)
      SELECT :id, sku, location, quantity, unit_price, currency, counted FROM wanted
      ON CONFLICT (reservation_id, sku, location) DO UPDATE
         SET quantity = EXCLUDED.quantity,
             unit_price_minor = EXCLUDED.unit_price_minor,
             currency = EXCLUDED.currency,
             buyer_counted = EXCLUDED.buyer_counted
      """;

  /** Makes a locked reservation's lines exactly these, those on {@code counted} keys counted. */
  Session.Work<Void> replaceLines(String reservationId, List<Line> lines, Set<StockKey> counted) {
    return h -> {
      List<StockKey> keys = lines.stream().map(Line::key).toList();
      h.createUpdate(replaceLines)
          .bind("id", reservationId)
          .bindArray("skus", String.class, PgValues.skus(keys))
          .bindArray("locations", String.class, PgValues.locations(keys))
          .bindArray("quantities", Long.class, lines.stream().map(Line::quantity).toList())
          .bindArray(
              "unitPrices",
              Long.class,
              lines.stream()
                  .map(l -> l.unitPrice() == null ? null : l.unitPrice().amountMinor())
                  .toList())
          .bindArray(
              "currencies",
              String.class,
              lines.stream()
                  .map(l -> l.unitPrice() == null ? null : l.unitPrice().currency())
                  .toList())
          .bindArray(
              "counted", Boolean.class, lines.stream().map(l -> counted.contains(l.key())).toList())
          .execute();

      return null;
    };
  }

  /** A reservation with its lines, in key order; no rows if unknown. */
  private static final String FIND_RESERVATION =
      """
      SELECT r.status, r.created_at, r.expires_at, r.request_hash, r.buyer,
             l.sku, l.location, l.quantity, l.unit_price_minor, l.currency
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
              first.hash(),
              first.buyer()));
    };
  }

  private record StoredRow(
      String status,
      Instant createdAt,
      Instant expiresAt,
      String hash,
      @Nullable String buyer,
      Line line) {
    static StoredRow from(ResultSet rs) throws SQLException {
      return new StoredRow(
          rs.getString("status"),
          instant(rs, "created_at"),
          instant(rs, "expires_at"),
          rs.getString("request_hash"),
          rs.getString("buyer"),
          PgValues.line(rs));
    }
  }

  /**
   * A page of a buyer's reservations, newest first, strictly after the cursor's position (the
   * keyset: V7's index {@code reservation_by_buyer} serves the order and the bound), each with its
   * lines. Ids compare in code-point order (COLLATE "C"), as in the index and in Java.
   */
  private static final String FIND_BY_BUYER =
      """
      WITH page AS (
          SELECT r.id, r.status, r.created_at, r.expires_at, r.request_hash, r.buyer
            FROM ${schema}.reservation r
           WHERE r.buyer = :buyer
             -- The first page starts after the last instant PostgreSQL can keep.
             AND (r.created_at, r.id COLLATE "C")
                 < (CAST(:afterCreatedAt AS timestamptz), CAST(:afterId AS text) COLLATE "C")
           ORDER BY r.created_at DESC, r.id COLLATE "C" DESC
           LIMIT :limit
      )
      SELECT p.id, p.status, p.created_at, p.expires_at, p.request_hash, p.buyer,
             l.sku, l.location, l.quantity, l.unit_price_minor, l.currency
        FROM page p
        JOIN ${schema}.reservation_line l ON l.reservation_id = p.id
       ORDER BY p.created_at DESC, p.id COLLATE "C" DESC, l.sku, l.location
      """;

  /**
   * Up to {@code limit} of a buyer's reservations as stored, newest first, after the given position
   * ({@code afterCreatedAt} null: from the newest).
   */
  Session.Work<List<Stored>> findByBuyer(
      String buyer, @Nullable Instant afterCreatedAt, @Nullable String afterId, int limit) {
    return h -> {
      Map<String, List<Line>> lines = new LinkedHashMap<>();
      Map<String, Stored> heads = new LinkedHashMap<>();
      h.createQuery(findByBuyer)
          .bind("buyer", buyer)
          .bind(
              "afterCreatedAt",
              timestamp(afterCreatedAt == null ? PgValues.MAX_INSTANT : afterCreatedAt))
          .bind("afterId", afterId == null ? "" : afterId)
          .bind("limit", limit)
          .map(
              (rs, ctx) -> {
                String id = rs.getString("id");
                StoredRow row = StoredRow.from(rs);
                heads.computeIfAbsent(
                    id,
                    k ->
                        new Stored(
                            k,
                            Status.valueOf(row.status()),
                            List.of(),
                            row.createdAt(),
                            row.expiresAt(),
                            row.hash(),
                            row.buyer()));
                lines.computeIfAbsent(id, k -> new ArrayList<>()).add(row.line());
                return id;
              })
          .list();
      List<Stored> page = new ArrayList<>(heads.size());
      heads.forEach(
          (id, head) ->
              page.add(
                  new Stored(
                      id,
                      head.status(),
                      lines.get(id).stream().sorted(Comparator.comparing(Line::key)).toList(),
                      head.createdAt(),
                      head.expiresAt(),
                      head.hash(),
                      head.buyer())));
      return page;
    };
  }

  // ---------------------------------------------------------------- work of several statements

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
                        times.expiresAt(),
                        times.buyer()));
  }

  /**
   * What an amend did: nothing ({@code times} empty: not held, or due, or unknown), or changed the
   * reservation to the lines wanted, or found keys whose growth did not fit ({@code growing}: each
   * with the new total wanted; {@code held}: what the reservation held per key before), or found
   * its buyer's growth on a SKU past the limit ({@code capRefused}: the units it would add).
   */
  record Amendment(
      Optional<Times> times,
      List<Line> growing,
      Map<StockKey, Long> held,
      LazyExpiry.@Nullable CapNeed capRefused) {
    /** Whether the amend applied, or could not apply: everything but growth that did not fit. */
    boolean fits() {
      return growing.isEmpty() && capRefused == null;
    }
  }

  /**
   * Changes a held, not due reservation to exactly these (merged) lines: locks it, changes each key
   * that differs in key order (growth conditional on the free units, shrinking gives back), changes
   * its buyer's units (growth conditional on the limits), and replaces its lines. The caller
   * commits only if the amendment {@link Amendment#fits}.
   *
   * <p>The buyer's units: a line on a SKU with a limit is counted, whole, once it grows or is new;
   * a line counted before stays counted, so that a release gives back exactly what was counted,
   * whatever the limit has become. Per SKU the buyer's units change by the counted units after
   * minus before, in SKU order, after the stock rows (the lock order of the placement functions).
   */
  Session.Work<Amendment> amend(String reservationId, List<Line> wanted, Instant now) {
    return h -> {
      Optional<Times> times = touchHeld(reservationId, now).run(h);
      if (times.isEmpty()) {
        return new Amendment(times, List.of(), Map.of(), null);
      }
      List<ClaimedLine> claimed = linesOf(List.of(reservationId)).run(h);
      List<Line> beforeLines =
          claimed.stream().map(ClaimedLine::line).sorted(Comparator.comparing(Line::key)).toList();
      Set<StockKey> countedBefore = new TreeSet<>();
      claimed.stream().filter(ClaimedLine::counted).forEach(c -> countedBefore.add(c.line().key()));
      Map<StockKey, Long> before = Lines.byKey(beforeLines);
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
      if (!changes.isEmpty()) {
        List<StockKey> shortKeys = stock.changeAll(changes).run(h);
        if (!shortKeys.isEmpty()) {
          return new Amendment(
              times,
              shortKeys.stream().map(key -> new Line(key, after.get(key))).toList(),
              before,
              null);
        }
      }
      Set<StockKey> countedAfter = new TreeSet<>();
      String buyer = times.get().buyer();
      if (buyer != null) {
        List<String> skus = after.keySet().stream().map(StockKey::sku).distinct().toList();
        Map<String, Long> limits = buyers.limits(skus).run(h);
        Map<String, Long> units = new TreeMap<>();
        after.forEach(
            (key, quantity) -> {
              boolean grows = quantity > before.getOrDefault(key, 0L);
              if (countedBefore.contains(key) || (limits.containsKey(key.sku()) && grows)) {
                countedAfter.add(key);
                units.merge(key.sku(), quantity, Math::addExact);
              }
            });
        countedBefore.forEach(key -> units.merge(key.sku(), -before.get(key), Math::addExact));
        for (Map.Entry<String, Long> e : units.entrySet()) {
          long delta = e.getValue();
          if (delta > 0 && !buyers.add(buyer, e.getKey(), delta, limits.get(e.getKey())).run(h)) {
            return new Amendment(
                times, List.of(), before, new LazyExpiry.CapNeed(buyer, e.getKey(), delta));
          } else if (delta < 0) {
            buyers.subtract(buyer, e.getKey(), -delta).run(h);
          }
        }
      }
      if (!beforeLines.equals(wanted) || !countedBefore.equals(countedAfter)) {
        replaceLines(reservationId, wanted, countedAfter).run(h);
      }
      return new Amendment(times, List.of(), before, null);
    };
  }
}
