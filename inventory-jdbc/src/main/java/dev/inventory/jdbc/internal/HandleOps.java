package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PostgresInventory.instant;
import static dev.inventory.jdbc.internal.PostgresInventory.timestamp;

import dev.inventory.InventoryException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Lifecycle;
import dev.inventory.internal.Lifecycle.Action;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Steps of the reservation lifecycle on a handle whose transaction someone else runs: the same SQL
 * ({@link Sql}) and the same order of rows as {@link PostgresInventory}, for the inventory inside a
 * caller's transaction ({@link BoundInventory}) and the bulk calls ({@link PostgresStockLedger}).
 * Holds only SQL strings: thread-safe.
 */
final class HandleOps {
  final String reserveOneLine;
  final String insertReservation;
  final String changeStock;
  final String addOnHand;
  final String moveHeld;
  final String extendHeld;
  private final String expireIfDue;
  private final String expireDueOnKeys;
  private final String linesOf;
  private final String findReservation;
  private final String levels;
  private final String shortageProbe;

  HandleOps(String schema) {
    Sql sql = new Sql(schema);
    this.reserveOneLine = sql.reserveOneLine();
    this.insertReservation = sql.insertReservation();
    this.changeStock = sql.changeStock();
    this.addOnHand = sql.addOnHand();
    this.moveHeld = sql.moveHeld();
    this.extendHeld = sql.extendHeld();
    this.expireIfDue = sql.expireIfDue();
    this.expireDueOnKeys = sql.expireDueOnKeys();
    this.linesOf = sql.linesOf();
    this.findReservation = sql.findReservation();
    this.levels = sql.levels();
    this.shortageProbe = sql.shortageProbe();
  }

  // ---------------------------------------------------------------- expiry

  /** Expires the due holds that have a line on one of these keys; returns how many. */
  int expireDueOn(Handle h, Collection<StockKey> keys, Instant now) {
    List<StockKey> sorted = new ArrayList<>(new TreeSet<>(keys));
    List<String> claimed =
        h.createQuery(expireDueOnKeys)
            .bind("now", timestamp(now))
            .bindArray("skus", String.class, sorted.stream().map(StockKey::sku).toList())
            .bindArray("locations", String.class, sorted.stream().map(StockKey::location).toList())
            .mapTo(String.class)
            .list();
    return giveBack(h, claimed, now);
  }

  /** Expires one hold if it is due. */
  void expireOne(Handle h, String reservationId, Instant now) {
    List<String> claimed =
        h.createQuery(expireIfDue)
            .bind("id", reservationId)
            .bind("now", timestamp(now))
            .mapTo(String.class)
            .list();
    giveBack(h, claimed, now);
  }

  /** Gives back the stock of holds just marked expired, in key order; returns how many holds. */
  int giveBack(Handle h, List<String> claimed, Instant now) {
    if (claimed.isEmpty()) {
      return 0;
    }
    List<ClaimedLine> lines =
        h
            .createQuery(linesOf)
            .bindArray("ids", String.class, claimed)
            .map((rs, ctx) -> ClaimedLine.from(rs))
            .list()
            .stream()
            .sorted(
                Comparator.comparing(ClaimedLine::key).thenComparing(ClaimedLine::reservationId))
            .toList();
    PreparedBatch batch = h.prepareBatch(changeStock);
    for (ClaimedLine line : lines) {
      addStockChange(
          batch, line.key(), 0, -line.quantity(), 0, "EXPIRE", line.reservationId(), now);
    }
    requireAllApplied(batch.execute(), "expired holds");
    return claimed.size();
  }

  // ---------------------------------------------------------------- reads

  /** The lines of a reservation this transaction has locked, in key order. */
  List<Line> linesOf(Handle h, String reservationId) {
    return h
        .createQuery(linesOf)
        .bindArray("ids", String.class, List.of(reservationId))
        .map((rs, ctx) -> ClaimedLine.from(rs).line())
        .list()
        .stream()
        .sorted(Comparator.comparing(Line::key))
        .toList();
  }

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

  /** Levels of sorted keys as in {@link PostgresInventory#levels}. */
  Map<StockKey, StockLevel> levels(Handle h, List<StockKey> sorted, Instant now) {
    Map<StockKey, StockLevel> result = new TreeMap<>();
    h.createQuery(levels)
        .bind("now", timestamp(now))
        .bindArray("skus", String.class, sorted.stream().map(StockKey::sku).toList())
        .bindArray("locations", String.class, sorted.stream().map(StockKey::location).toList())
        .map(
            (rs, ctx) ->
                new StockLevel(
                    new StockKey(rs.getString("sku"), rs.getString("location")),
                    rs.getLong("on_hand"),
                    rs.getLong("reserved")))
        .forEach(level -> result.put(level.key(), level));
    return Collections.unmodifiableMap(result);
  }

  /** What is free on these keys, and whether the reservation id is taken. */
  Probe probe(Handle h, String reservationId, List<StockKey> keys, Instant now) {
    Map<StockKey, Free> byKey = new LinkedHashMap<>();
    boolean[] idTaken = {false};
    h.createQuery(shortageProbe)
        .bind("id", reservationId)
        .bind("now", timestamp(now))
        .bindArray("skus", String.class, keys.stream().map(StockKey::sku).toList())
        .bindArray("locations", String.class, keys.stream().map(StockKey::location).toList())
        .map(
            (rs, ctx) -> {
              idTaken[0] = rs.getBoolean("id_taken");
              return Map.entry(
                  new StockKey(rs.getString("sku"), rs.getString("location")),
                  new Free(rs.getLong("on_hand"), rs.getLong("available"), rs.getLong("due")));
            })
        .forEach(e -> byKey.put(e.getKey(), e.getValue()));
    return new Probe(byKey, idTaken[0]);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * When a hold placed now with this TTL ends: at PostgreSQL's microsecond, so that what is
   * returned is what is stored. A purchase ({@code CONFIRMED}) never held, and ends now.
   */
  static Instant expiresAt(Instant now, Duration ttl, Status status) {
    return status == Status.HELD ? now.plus(ttl).truncatedTo(ChronoUnit.MICROS) : now;
  }

  /**
   * After a move of a reservation matched nothing: the lifecycle table decides between "already
   * done" (returned) and which exception. A hold found due is expired through {@code expireDue}
   * first, so its stock is free even if no sweeper runs.
   */
  static Reservation refuseOrRepeat(
      Optional<Stored> found,
      String reservationId,
      Action action,
      Instant now,
      Runnable expireDue) {
    Stored stored = found.orElseThrow(() -> new ReservationNotFoundException(reservationId));
    if (stored.status() == Status.HELD && !stored.expiresAt().isAfter(now)) {
      expireDue.run();
      throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
    }
    Status current = stored.status();
    switch (Lifecycle.decide(current, action)) {
      case ALREADY_DONE:
        return stored.asOf(now);
      case REFUSE:
        if (current == Status.EXPIRED) {
          throw new ReservationExpiredException(reservationId, stored.expiresAt(), action.verb());
        }
        throw new ReservationStateException(reservationId, current, action.verb());
      default:
        // Held and not due, yet the conditional move matched nothing: the clock went backwards
        // between the two reads. Refuse rather than guess.
        throw new InventoryException(
            "reservation '" + reservationId + "' changed while being " + action.verb() + "ed");
    }
  }

  // ---------------------------------------------------------------- binding

  static void addStockChange(
      PreparedBatch batch,
      StockKey key,
      long onHandDelta,
      long reservedDelta,
      long required,
      String kind,
      String reservationId,
      Instant now) {
    bindStockChange(batch, key, onHandDelta, reservedDelta, required, kind, reservationId, now)
        .bindNull("reason", Types.VARCHAR)
        .add();
  }

  static <S extends SqlStatement<S>> S bindStockChange(
      S statement,
      StockKey key,
      long onHandDelta,
      long reservedDelta,
      long required,
      String kind,
      String reservationId,
      Instant now) {
    return statement
        .bind("sku", key.sku())
        .bind("location", key.location())
        .bind("onHandDelta", onHandDelta)
        .bind("reservedDelta", reservedDelta)
        .bind("required", required)
        .bind("kind", kind)
        .bind("reservationId", reservationId)
        .bind("now", timestamp(now));
  }

  static void requireAllApplied(int[] counts, String what) {
    for (int count : counts) {
      if (count != 1) {
        // Giving back held units cannot be short while the CHECK constraint holds.
        throw new IllegalStateException("stock row missing while giving back units of " + what);
      }
    }
  }

  /**
   * An SQLException of a direct JDBC call (savepoints, COPY) as the Jdbi exception every other
   * failure arrives as, so that {@link Db} translates it in the same place.
   */
  static JdbiException sqlFailure(String what, SQLException e) {
    return new UnableToExecuteStatementException(what + ": " + e.getMessage(), e, null);
  }

  // ---------------------------------------------------------------- values

  /**
   * A key's on-hand and unreserved units, and how many of the reserved ones are held by due holds:
   * those count as available, and are expired when they stand in the way.
   */
  record Free(long onHand, long available, long due) {
    long effectivelyAvailable() {
      return available + due;
    }

    /** Reserved, not counting due holds: what {@link PostgresInventory#levels} reports. */
    long effectivelyReserved() {
      return onHand - available - due;
    }
  }

  /**
   * What a short attempt found on its keys. {@code held}: what a reservation already holds per key
   * (amend), which counts as available to it.
   */
  record Probe(Map<StockKey, Free> byKey, boolean idTaken) {
    Free free(StockKey key) {
      return byKey.get(key);
    }

    /** The lines that do not fit even once due holds are expired: the request is refused. */
    List<Shortage> shortages(List<Line> wanted) {
      return shortages(wanted, Map.of());
    }

    List<Shortage> shortages(List<Line> wanted, Map<StockKey, Long> held) {
      List<Shortage> shortages = new ArrayList<>();
      for (Line line : wanted) {
        long available =
            free(line.key()).effectivelyAvailable() + held.getOrDefault(line.key(), 0L);
        if (available < line.quantity()) {
          shortages.add(new Shortage(line.key(), line.quantity(), available));
        }
      }
      return shortages;
    }

    /** Keys whose line fits only once their due holds are expired. */
    List<StockKey> blockedByDueHolds(List<Line> wanted) {
      return blockedByDueHolds(wanted, Map.of());
    }

    List<StockKey> blockedByDueHolds(List<Line> wanted, Map<StockKey, Long> held) {
      return wanted.stream()
          .filter(
              line ->
                  free(line.key()).available() + held.getOrDefault(line.key(), 0L)
                      < line.quantity())
          .map(Line::key)
          .toList();
    }

    /** Every line as a shortage, as read: for a last attempt that lost every race. */
    List<Shortage> asShortages(List<Line> wanted) {
      return asShortages(wanted, Map.of());
    }

    List<Shortage> asShortages(List<Line> wanted, Map<StockKey, Long> held) {
      return wanted.stream()
          .map(
              line ->
                  new Shortage(
                      line.key(),
                      line.quantity(),
                      free(line.key()).effectivelyAvailable() + held.getOrDefault(line.key(), 0L)))
          .toList();
    }
  }

  /** A line of a locked reservation. */
  private record ClaimedLine(String reservationId, StockKey key, long quantity) {
    Line line() {
      return new Line(key, quantity);
    }

    static ClaimedLine from(ResultSet rs) throws SQLException {
      return new ClaimedLine(
          rs.getString("reservation_id"),
          new StockKey(rs.getString("sku"), rs.getString("location")),
          rs.getLong("quantity"));
    }
  }

  private record StoredRow(
      String status, Instant createdAt, Instant expiresAt, String hash, Line line) {
    static StoredRow from(ResultSet rs) throws SQLException {
      return new StoredRow(
          rs.getString("status"),
          instant(rs, "created_at"),
          instant(rs, "expires_at"),
          rs.getString("request_hash"),
          new Line(
              new StockKey(rs.getString("sku"), rs.getString("location")), rs.getLong("quantity")));
    }
  }

  /** A reservation as stored; {@link #asOf} gives its effective status at an instant. */
  record Stored(
      String id,
      Status status,
      List<Line> lines,
      Instant createdAt,
      Instant expiresAt,
      String hash) {
    Reservation asOf(Instant now) {
      Status effective = status == Status.HELD && !expiresAt.isAfter(now) ? Status.EXPIRED : status;
      return new Reservation(id, effective, lines, createdAt, expiresAt);
    }
  }

  /** A reservation's times, as returned by the statement that locked it. */
  record Times(Instant createdAt, Instant expiresAt) {
    static Times from(ResultSet rs) throws SQLException {
      return new Times(instant(rs, "created_at"), instant(rs, "expires_at"));
    }
  }
}
