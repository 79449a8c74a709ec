package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PostgresInventory.instant;
import static dev.inventory.jdbc.internal.PostgresInventory.timestamp;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Lifecycle;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
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
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Steps of the reservation lifecycle on a handle whose transaction someone else runs, shared by the
 * library's own inventory ({@link PostgresInventory}), the inventory inside a caller's transaction
 * ({@link BoundInventory}) and the bulk calls ({@link PostgresStockLedger}): one copy of the SQL's
 * binding and of the decisions around it. Holds only SQL strings: thread-safe.
 */
final class HandleOps {
  /** How often a short request is tried in all, when stock may have been freed meanwhile. */
  static final int PLACE_ATTEMPTS = 3;

  final String changeStock;
  final String addOnHand;
  private final String reserveOneLine;
  private final String insertReservation;
  private final String moveHeld;
  private final String extendHeld;
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

  /**
   * How an inventory runs handle work: {@link PostgresInventory} on a connection of its own (one
   * autocommit statement, or a transaction; retried as {@link Db} decides), {@link BoundInventory}
   * in a savepoint of the caller's transaction.
   */
  interface Runner {
    /** Work of one statement (or reads). */
    <T> T statement(Db.Work<T> work);

    /** Work whose statements must apply together. */
    <T> T transaction(Db.Work<T> work);
  }

  // ---------------------------------------------------------------- reserve and purchase

  /**
   * Reserves ({@code HELD}) or purchases ({@code CONFIRMED}) one request, all lines or none. A
   * refusal is probed (a one-line statement answers its own), then: a replay returns the stored
   * reservation, a short line throws {@link InsufficientStockException}, and holds past their
   * expiry that stand in the way are expired once and the request tried again.
   */
  Reservation place(
      Runner run,
      ReservationRequest request,
      Status status,
      Duration ttl,
      Supplier<Instant> clock) {
    List<Line> lines = request.lines();
    String id = request.id();
    String hash = Lines.fingerprint(lines);
    boolean expiredOnce = false;
    for (int attempt = 1; attempt <= PLACE_ATTEMPTS; attempt++) {
      Instant now = clock.get();
      // At PostgreSQL's precision too: a TTL may be finer than a microsecond.
      Instant expiresAt = expiresAt(now, ttl, status);
      Probe probe;
      try {
        probe =
            lines.size() == 1
                ? run.statement(
                    h -> placeOneLine(h, id, status, lines.get(0), hash, now, expiresAt))
                : run.transaction(h -> placeLines(h, id, status, lines, hash, now, expiresAt));
      } catch (ShortSignal e) {
        List<StockKey> keys = keysOf(lines);
        probe = run.statement(h -> probe(h, id, keys, now));
      } catch (RuntimeException e) {
        if (Db.isDuplicateReservationId(e)) {
          Optional<Reservation> replayed = replay(run, request, hash, clock);
          if (replayed.isPresent()) {
            return replayed.get();
          }
          continue; // the other insert rolled back: the id is free again
        }
        throw e;
      }
      if (probe == null) {
        return new Reservation(id, status, lines, now, expiresAt);
      }
      if (probe.idTaken()) {
        Optional<Reservation> replayed = replay(run, request, hash, clock);
        if (replayed.isPresent()) {
          return replayed.get();
        }
      }
      List<Shortage> shortages = probe.shortages(lines, Map.of());
      if (!shortages.isEmpty()) {
        throw new InsufficientStockException(shortages);
      }
      if (attempt == PLACE_ATTEMPTS) {
        // Stock kept being freed and taken again between attempts and probes: short as read.
        throw new InsufficientStockException(probe.asShortages(lines, Map.of()));
      }
      List<StockKey> blocked = probe.blockedByDueHolds(lines, Map.of());
      if (!blocked.isEmpty() && !expiredOnce) {
        // Expired holds never block a sale: free them now rather than wait for the sweeper.
        expiredOnce = true;
        run.transaction(h -> expireDueOn(h, blocked, now));
      }
    }
    throw new InventoryUnavailableException(
        "reservation '" + id + "' kept racing with another request of the same id", null);
  }

  /** Places a one-line request in one statement; null if placed, else what the refusal saw. */
  private Probe placeOneLine(
      Handle h, String id, Status status, Line line, String hash, Instant now, Instant expiresAt) {
    long q = line.quantity();
    boolean held = status == Status.HELD;
    return h.createQuery(reserveOneLine)
        .bind("id", id)
        .bind("status", status.name())
        .bind("hash", hash)
        .bind("sku", line.key().sku())
        .bind("location", line.key().location())
        .bind("quantity", q)
        .bind("onHandDelta", held ? 0L : -q)
        .bind("reservedDelta", held ? q : 0L)
        .bind("kind", held ? "RESERVE" : "CONFIRM")
        .bind("now", timestamp(now))
        .bind("expiresAt", timestamp(expiresAt))
        .map(
            (rs, ctx) ->
                rs.getBoolean("placed")
                    ? null
                    : new Probe(
                        Map.of(
                            line.key(), new Free(-1, rs.getLong("available"), rs.getLong("due"))),
                        rs.getBoolean("id_taken")))
        .one();
  }

  /**
   * Places a cart: the reservation row first (a duplicate id fails there, before any stock row is
   * locked), then each key in key order. Null when placed; a short key throws {@link ShortSignal},
   * which rolls the work back.
   */
  private Probe placeLines(
      Handle h,
      String id,
      Status status,
      List<Line> lines,
      String hash,
      Instant now,
      Instant expiresAt) {
    h.createUpdate(insertReservation)
        .bind("id", id)
        .bind("status", status.name())
        .bind("hash", hash)
        .bind("now", timestamp(now))
        .bind("expiresAt", timestamp(expiresAt))
        .bindArray("skus", String.class, lines.stream().map(l -> l.key().sku()).toList())
        .bindArray("locations", String.class, lines.stream().map(l -> l.key().location()).toList())
        .bindArray("quantities", Long.class, lines.stream().map(Line::quantity).toList())
        .execute();
    boolean held = status == Status.HELD;
    PreparedBatch batch = h.prepareBatch(changeStock);
    for (Line line : lines) {
      long q = line.quantity();
      addStockChange(
          batch, line.key(), held ? 0 : -q, held ? q : 0, q, held ? "RESERVE" : "CONFIRM", id, now);
    }
    for (int count : batch.execute()) {
      if (count == 0) {
        throw ShortSignal.INSTANCE;
      }
    }
    return null;
  }

  /** The reservation with this id if the request is a replay of it; conflict if not. */
  private Optional<Reservation> replay(
      Runner run, ReservationRequest request, String hash, Supplier<Instant> clock) {
    Optional<Stored> stored = run.statement(h -> find(h, request.id()));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    Stored existing = stored.get();
    if (!existing.hash().equals(hash)) {
      throw new IdempotencyConflictException(request.id(), existing.lines(), request.lines());
    }
    return Optional.of(existing.asOf(clock.get()));
  }

  /** Rolls back a cart's placement whose stock was short. */
  private static final class ShortSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ShortSignal INSTANCE = new ShortSignal();

    private ShortSignal() {
      super(null, null, false, false);
    }
  }

  // ---------------------------------------------------------------- moves of held reservations

  /**
   * Moves a held reservation that is not due to the action's target and gives its stock back
   * (confirm: sold; release: freed), in key order; empty if it was not held or was due.
   */
  Optional<Reservation> moveHeldTo(Handle h, String reservationId, Action action, Instant now) {
    Optional<Times> times =
        h.createQuery(moveHeld)
            .bind("id", reservationId)
            .bind("target", action.target().name())
            .bind("now", timestamp(now))
            .map((rs, ctx) -> Times.from(rs))
            .findOne();
    if (times.isEmpty()) {
      return Optional.empty();
    }
    List<Line> lines = linesOf(h, reservationId);
    PreparedBatch batch = h.prepareBatch(changeStock);
    for (Line line : lines) {
      long q = line.quantity();
      long onHandDelta = action == Action.CONFIRM ? -q : 0;
      addStockChange(batch, line.key(), onHandDelta, -q, 0, action.name(), reservationId, now);
    }
    requireAllApplied(batch.execute(), reservationId);
    return Optional.of(
        new Reservation(
            reservationId,
            action.target(),
            lines,
            times.get().createdAt(),
            times.get().expiresAt()));
  }

  /** Gives a held reservation that is not due a new expiry; empty if it was not held or was due. */
  Optional<Reservation> extendHold(Handle h, String reservationId, Instant now, Instant expiresAt) {
    return h.createQuery(extendHeld)
        .bind("id", reservationId)
        .bind("now", timestamp(now))
        .bind("expiresAt", timestamp(expiresAt))
        .map((rs, ctx) -> Times.from(rs))
        .findOne()
        .map(
            times ->
                new Reservation(
                    reservationId,
                    Status.HELD,
                    linesOf(h, reservationId),
                    times.createdAt(),
                    times.expiresAt()));
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

  /** Expires one hold if it is due; returns how many it expired (0 or 1). */
  int expireOne(Handle h, String reservationId, Instant now) {
    List<String> claimed =
        h.createQuery(expireIfDue)
            .bind("id", reservationId)
            .bind("now", timestamp(now))
            .mapTo(String.class)
            .list();
    return giveBack(h, claimed, now);
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

  // ---------------------------------------------------------------- stock movements

  /** Adds to a key's on-hand (creating its row if need be), with its movement. */
  void addOnHand(Handle h, StockKey key, long delta, String kind, String reason, Instant now) {
    h.createQuery(addOnHand)
        .bind("sku", key.sku())
        .bind("location", key.location())
        .bind("delta", delta)
        .bind("kind", kind)
        .bind("reason", reason)
        .bind("now", timestamp(now))
        .mapToMap()
        .one();
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

  /** The keys of a levels() call, null-checked and sorted, as {@link #levels} wants them. */
  static List<StockKey> levelKeys(Collection<StockKey> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    List<StockKey> sorted = new ArrayList<>(keys.size());
    for (StockKey key : keys) {
      sorted.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    Collections.sort(sorted);
    return sorted;
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

  static List<StockKey> keysOf(List<Line> lines) {
    return lines.stream().map(Line::key).toList();
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

    /**
     * Reserved as stored, due holds included: what a count is checked against until they are
     * expired. Meaningless on a one-line placement's refusal, which does not read on-hand.
     */
    long reserved() {
      return onHand - available;
    }

    /** A count below what live holds reserve: expiring due holds cannot make it fit. */
    boolean refusesCount(long figure) {
      return effectivelyReserved() > figure;
    }

    /** A count that fits once due holds are expired, and not before: expire them, then retry. */
    boolean countBlockedOnlyByDueHolds(long figure) {
      return due > 0 && !refusesCount(figure) && reserved() > figure;
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
    List<Shortage> shortages(List<Line> wanted, Map<StockKey, Long> held) {
      return asShortages(wanted, held).stream().filter(s -> s.available() < s.requested()).toList();
    }

    /** Keys whose line fits only once their due holds are expired. */
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
