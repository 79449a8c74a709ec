package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.HandleOps.addStockChange;
import static dev.inventory.jdbc.internal.HandleOps.bindStockChange;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.InventoryException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.HandleOps.Free;
import dev.inventory.jdbc.internal.HandleOps.Probe;
import dev.inventory.jdbc.internal.HandleOps.Stored;
import dev.inventory.jdbc.internal.HandleOps.Times;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The PostgreSQL {@link Inventory}. Every stock change is a conditional UPDATE (see {@link Sql});
 * Java never reads a level to decide a write. Thread-safe: its only mutable state is its combiners'
 * queues, behind their lock, and each call borrows a connection from the host's pool for as long as
 * the call lasts.
 */
public final class PostgresInventory implements Inventory {
  /** Compare-and-set attempts of setOnHand under contention before giving up. */
  private static final int SET_ATTEMPTS = 50;

  private final Db db;
  private final HandleOps ops;

  /** Placement and its probes on connections of this inventory's own, retried as Db decides. */
  private final HandleOps.Runner runner =
      new HandleOps.Runner() {
        @Override
        public <T> T statement(Db.Work<T> work) {
          return db.statement(true, work);
        }

        @Override
        public <T> T transaction(Db.Work<T> work) {
          return db.transaction(true, work);
        }
      };

  private final Combiner heldCombiner;
  private final Combiner soldCombiner;
  private final Clock clock;
  private final Duration defaultTtl;
  private final String placeBatch;
  private final String placeBatchOfKeys;
  private final String changeStockReturningLevel;
  private final String setOnHand;
  private final String moveOneLine;
  private final String expireDue;
  private final String touchHeld;
  private final String replaceLines;

  public PostgresInventory(
      Jdbi jdbi, String schema, Clock clock, Duration defaultTtl, Tuning tuning) {
    this.db = new Db(jdbi, tuning.attempts(), tuning.lockTimeout(), tuning.statementTimeout());
    this.heldCombiner = combiner(tuning, Status.HELD);
    this.soldCombiner = combiner(tuning, Status.CONFIRMED);
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    this.defaultTtl = Checks.ttl(defaultTtl);
    Sql sql = new Sql(schema);
    this.ops = new HandleOps(schema);
    this.placeBatch = sql.placeBatch();
    this.placeBatchOfKeys = sql.placeBatchOfKeys();
    this.changeStockReturningLevel = sql.changeStockReturningLevel();
    this.setOnHand = sql.setOnHand();
    this.moveOneLine = sql.moveOneLine();
    this.expireDue = sql.expireDue();
    this.touchHeld = sql.touchHeld();
    this.replaceLines = sql.replaceLines();
  }

  /** Flash-sale mode's combiner for one kind of placement, or null when combining is off. */
  private Combiner combiner(Tuning tuning, Status status) {
    if (!tuning.combining()) {
      return null;
    }
    return new Combiner(
        tuning.maxInFlight(),
        tuning.maxBatch(),
        tuning.maxQueue(),
        tuning.maxWait(),
        batch -> placeBatch(batch, status));
  }

  /**
   * How calls behave under trouble.
   *
   * @param attempts tries of a call whose failure is safe to retry, the first included
   * @param lockTimeout PostgreSQL lock_timeout per transaction; zero: the connection's own
   * @param statementTimeout PostgreSQL statement_timeout per transaction; zero: the connection's
   * @param combining whether one-line requests are combined (see {@link Combiner})
   * @param maxInFlight the most combined statements of one kind in flight at once
   * @param maxBatch the most requests one combined statement carries
   * @param maxQueue the most combined requests of one kind that may wait
   * @param maxWait how long a request may wait for its turn before it gives up unsent
   */
  public record Tuning(
      int attempts,
      Duration lockTimeout,
      Duration statementTimeout,
      boolean combining,
      int maxInFlight,
      int maxBatch,
      int maxQueue,
      Duration maxWait) {}

  // ---------------------------------------------------------------- reserve and purchase

  @Override
  public Reservation reserve(ReservationRequest request) {
    return place(request, Status.HELD);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return place(request, Status.CONFIRMED);
  }

  /**
   * Reserve ({@code HELD}) or purchase ({@code CONFIRMED}) a request, all lines or none. One-line
   * requests go through the combiner when it is on; carts of several lines go on their own: a batch
   * is all or nothing per key, not per request, so it cannot keep a cart's lines together.
   */
  private Reservation place(ReservationRequest request, Status status) {
    Objects.requireNonNull(request, "request must not be null");
    Combiner combiner = status == Status.HELD ? heldCombiner : soldCombiner;
    if (combiner != null && request.lines().size() == 1) {
      return combiner.submit(request);
    }
    return placeAlone(request, status);
  }

  /**
   * Runs a batch of one-line requests (one key or several). A batch for one key is one statement;
   * if refused, it reports what was free, and the requests that fit it in arrival order (first fit)
   * go again together, the rest are refused. A batch for several keys is one call that locks the
   * keys in key order; the requests of a key that did not fit go again, as a batch of their own.
   * Whatever is left (a single request, replays, due holds to expire, an id twice in the batch, a
   * lock wait that timed out on one key of several) goes on its own, in arrival order, which gives
   * each exactly the answer it would get without combining.
   */
  private void placeBatch(List<Combiner.Ticket> batch, Status status) {
    // At most three combined attempts per request: e.g. several keys, then one key that did not
    // fit, then the part of it that fits what was free. Each refused key goes again on its own, so
    // that it gets the one-key statement and its first fit rather than another call for several.
    ArrayDeque<Attempt> attempts = new ArrayDeque<>();
    attempts.add(new Attempt(withoutRepeatedIds(batch), 1));
    while (!attempts.isEmpty()) {
      Attempt attempt = attempts.poll();
      List<Combiner.Ticket> sent = attempt.tickets();
      if (attempt.round() > 3 || sent.size() < 2) {
        continue;
      }
      Instant now = now();
      List<Instant> expiresAt =
          sent.stream().map(t -> HandleOps.expiresAt(now, ttlOf(t.request), status)).toList();
      TreeMap<StockKey, List<Integer>> byKey = new TreeMap<>();
      for (int i = 0; i < sent.size(); i++) {
        byKey.computeIfAbsent(sent.get(i).key, k -> new ArrayList<>()).add(i);
      }
      BatchRefusal refusal = null;
      Set<StockKey> refusedKeys;
      try {
        if (byKey.size() == 1) {
          refusal = db.statement(true, h -> placeOneKey(h, sent, status, now, expiresAt));
          refusedKeys = refusal == null ? Set.of() : byKey.keySet();
        } else {
          refusedKeys = db.statement(true, h -> placeKeys(h, sent, byKey, status, now, expiresAt));
        }
      } catch (InventoryTimeoutException e) {
        if (byKey.size() == 1) {
          sent.forEach(t -> t.fail(e));
        }
        continue; // one key's lock wait must not fail the requests for the others
      } catch (RuntimeException e) {
        if (!Db.isReservationIdTaken(e)) {
          sent.forEach(t -> t.fail(e));
        }
        continue; // an id already taken: serve each on its own, as a replay
      }
      Map<StockKey, List<Combiner.Ticket>> again = new TreeMap<>();
      long free = refusal == null ? 0 : refusal.available();
      for (int i = 0; i < sent.size(); i++) {
        Combiner.Ticket t = sent.get(i);
        if (!refusedKeys.contains(t.key)) {
          ReservationRequest r = t.request;
          t.succeed(new Reservation(r.id(), status, r.lines(), now, expiresAt.get(i)));
        } else if (byKey.size() > 1) {
          // One of several keys: its requests go again, as a batch for that key alone.
          again.computeIfAbsent(t.key, k -> new ArrayList<>()).add(t);
        } else if (refusal.anyIdTaken() || refusal.due() > 0) {
          // Replays or due holds to expire: left to the path for one request, which handles both.
        } else {
          // First fit in arrival order, as one request after the other would have gone.
          long quantity = t.request.lines().get(0).quantity();
          if (quantity <= free) {
            free -= quantity;
            again.computeIfAbsent(t.key, k -> new ArrayList<>()).add(t);
          } else {
            t.fail(new InsufficientStockException(List.of(new Shortage(t.key, quantity, free))));
          }
        }
      }
      for (List<Combiner.Ticket> tickets : again.values()) {
        attempts.add(new Attempt(tickets, attempt.round() + 1));
      }
    }
    for (Combiner.Ticket ticket : batch) {
      if (ticket.answered()) {
        continue;
      }
      try {
        ticket.succeed(placeAlone(ticket.request, status));
      } catch (RuntimeException e) {
        ticket.fail(e);
      }
    }
  }

  /** Requests to send combined, and which combined attempt that is for them. */
  private record Attempt(List<Combiner.Ticket> tickets, int round) {}

  /** The batch without the requests whose id it holds twice: those go on their own afterwards. */
  private static List<Combiner.Ticket> withoutRepeatedIds(List<Combiner.Ticket> batch) {
    if (batch.size() == 1) {
      return batch;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Combiner.Ticket t : batch) {
      seen.merge(t.request.id(), 1, Integer::sum);
    }
    if (seen.size() == batch.size()) {
      return batch;
    }
    return batch.stream().filter(t -> seen.get(t.request.id()) == 1).toList();
  }

  /** A batch's requests as columns (arrays in batch order), to be unnested by the statement. */
  private record Columns(String[] ids, Long[] quantities, String[] hashes, Long[] expiresMicros) {
    static Columns of(List<Combiner.Ticket> batch, List<Instant> expiresAt) {
      int n = batch.size();
      Columns c = new Columns(new String[n], new Long[n], new String[n], new Long[n]);
      for (int i = 0; i < n; i++) {
        ReservationRequest r = batch.get(i).request;
        c.ids[i] = r.id();
        c.quantities[i] = r.lines().get(0).quantity();
        c.hashes[i] = Lines.fingerprint(r.lines());
        c.expiresMicros[i] = epochMicros(expiresAt.get(i));
      }
      return c;
    }
  }

  /** What a refused batch for one key saw: units free and kept by due holds, and taken ids. */
  private record BatchRefusal(long available, long due, boolean anyIdTaken) {}

  private BatchRefusal placeOneKey(
      Handle h, List<Combiner.Ticket> batch, Status status, Instant now, List<Instant> expiresAt) {
    Columns c = Columns.of(batch, expiresAt);
    long total = 0;
    for (long quantity : c.quantities()) {
      total = Math.addExact(total, quantity);
    }
    StockKey key = batch.get(0).key;
    boolean held = status == Status.HELD;
    return h.createQuery(placeBatch)
        .bind("sku", key.sku())
        .bind("location", key.location())
        .bind("total", total)
        .bind("held", held ? 1L : 0L)
        .bind("sold", held ? 0L : 1L)
        .bind("status", status.name())
        .bind("kind", held ? "RESERVE" : "CONFIRM")
        .bind("now", timestamp(now))
        .bind("ids", c.ids())
        .bind("quantities", c.quantities())
        .bind("hashes", c.hashes())
        .bind("expiresMicros", c.expiresMicros())
        .map(
            (rs, ctx) ->
                rs.getBoolean("placed")
                    ? null
                    : new BatchRefusal(
                        rs.getLong("available"),
                        rs.getLong("due"),
                        ((String[]) rs.getArray("taken_ids").getArray()).length > 0))
        .one();
  }

  /** One call for several keys, locked in key order (see Sql#placeBatchOfKeys); keys refused. */
  private Set<StockKey> placeKeys(
      Handle h,
      List<Combiner.Ticket> batch,
      TreeMap<StockKey, List<Integer>> byKey,
      Status status,
      Instant now,
      List<Instant> expiresAt) {
    int keys = byKey.size();
    String[] keySkus = new String[keys];
    String[] keyLocations = new String[keys];
    Long[] keyTotals = new Long[keys];
    int n = batch.size();
    Integer[] keyOf = new Integer[n];
    int k = 0;
    for (Map.Entry<StockKey, List<Integer>> e : byKey.entrySet()) {
      keySkus[k] = e.getKey().sku();
      keyLocations[k] = e.getKey().location();
      long total = 0;
      for (int i : e.getValue()) {
        total = Math.addExact(total, batch.get(i).request.lines().get(0).quantity());
        keyOf[i] = k + 1;
      }
      keyTotals[k++] = total;
    }
    Columns c = Columns.of(batch, expiresAt);
    boolean held = status == Status.HELD;
    return h.createQuery(placeBatchOfKeys)
        .bind("status", status.name())
        .bind("kind", held ? "RESERVE" : "CONFIRM")
        .bind("held", held ? 1L : 0L)
        .bind("sold", held ? 0L : 1L)
        .bind("now", timestamp(now))
        .bind("keySkus", keySkus)
        .bind("keyLocations", keyLocations)
        .bind("keyTotals", keyTotals)
        .bind("ids", c.ids())
        .bind("keyOf", keyOf)
        .bind("quantities", c.quantities())
        .bind("hashes", c.hashes())
        .bind("expiresMicros", c.expiresMicros())
        .map(
            (rs, ctx) ->
                new StockKey(rs.getString("refused_sku"), rs.getString("refused_location")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private Duration ttlOf(ReservationRequest request) {
    return request.ttl() != null ? request.ttl() : defaultTtl;
  }

  private static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  /** One request on its own: the path every request takes when combining is off. */
  private Reservation placeAlone(ReservationRequest request, Status status) {
    return ops.place(runner, request, status, ttlOf(request), this::now);
  }

  // ---------------------------------------------------------------- lifecycle moves

  @Override
  public Reservation confirm(String reservationId) {
    return move(reservationId, Action.CONFIRM);
  }

  @Override
  public Reservation release(String reservationId) {
    return move(reservationId, Action.RELEASE);
  }

  private Reservation move(String reservationId, Action action) {
    Checks.name("reservationId", reservationId);
    Instant now = now();
    Reservation moved = db.statement(true, h -> moveOneLine(h, reservationId, action, now));
    if (moved != null) {
      return moved;
    }
    moved = db.transaction(true, h -> ops.moveHeldTo(h, reservationId, action, now).orElse(null));
    return moved != null ? moved : refuseOrRepeat(reservationId, action, now);
  }

  /** The one-statement move of a one-line reservation; null if it did not apply. */
  private Reservation moveOneLine(Handle h, String reservationId, Action action, Instant now) {
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
                  List.of(
                      new Line(
                          new StockKey(rs.getString("sku"), rs.getString("location")),
                          rs.getLong("quantity"))),
                  instant(rs, "created_at"),
                  instant(rs, "expires_at"));
            })
        .findOne()
        .orElse(null);
  }

  private Reservation refuseOrRepeat(String reservationId, Action action, Instant now) {
    return HandleOps.refuseOrRepeat(
        find(reservationId),
        reservationId,
        action,
        now,
        () -> db.transaction(true, h -> ops.expireOne(h, reservationId, now)));
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    Instant now = now();
    Instant expiresAt = HandleOps.expiresAt(now, ttl, Status.HELD);
    Reservation extended =
        db.transaction(true, h -> ops.extendHold(h, reservationId, now, expiresAt).orElse(null));
    return extended != null ? extended : refuseOrRepeat(reservationId, Action.EXTEND, now);
  }

  @Override
  public Reservation amend(String reservationId, List<Line> lines) {
    Checks.name("reservationId", reservationId);
    List<Line> wanted = Lines.merge(lines);
    boolean expiredOnce = false;
    for (int attempt = 1; ; attempt++) {
      Instant now = now();
      AmendResult result;
      try {
        result = db.transaction(true, h -> amendHeld(h, reservationId, wanted, now));
      } catch (AmendShort s) {
        Probe probe = probe(reservationId, HandleOps.keysOf(s.growing()), now);
        List<Shortage> shortages = probe.shortages(s.growing(), s.held());
        if (!shortages.isEmpty()) {
          throw new InsufficientStockException(shortages);
        }
        if (attempt == HandleOps.PLACE_ATTEMPTS) {
          throw new InsufficientStockException(probe.asShortages(s.growing(), s.held()));
        }
        List<StockKey> blocked = probe.blockedByDueHolds(s.growing(), s.held());
        if (!blocked.isEmpty() && !expiredOnce) {
          expiredOnce = true;
          expireDueOn(blocked, now);
        }
        continue;
      }
      if (result == null) {
        return refuseOrRepeat(reservationId, Action.AMEND, now);
      }
      return new Reservation(
          reservationId, Status.HELD, wanted, result.createdAt(), result.expiresAt());
    }
  }

  private AmendResult amendHeld(Handle h, String reservationId, List<Line> wanted, Instant now) {
    Optional<Times> times =
        h.createQuery(touchHeld)
            .bind("id", reservationId)
            .bind("now", timestamp(now))
            .map((rs, ctx) -> Times.from(rs))
            .findOne();
    if (times.isEmpty()) {
      return null;
    }
    Map<StockKey, Long> before = Lines.byKey(ops.linesOf(h, reservationId));
    Map<StockKey, Long> after = Lines.byKey(wanted);
    Set<StockKey> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());

    PreparedBatch batch = h.prepareBatch(ops.changeStock);
    List<StockKey> changed = new ArrayList<>();
    for (StockKey key : keys) {
      long delta = after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
      if (delta != 0) {
        addStockChange(batch, key, 0, delta, Math.max(delta, 0), "AMEND", reservationId, now);
        changed.add(key);
      }
    }
    if (!changed.isEmpty()) {
      int[] counts = batch.execute();
      List<Line> growing = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          StockKey key = changed.get(i);
          growing.add(new Line(key, after.get(key)));
        }
      }
      if (!growing.isEmpty()) {
        throw new AmendShort(growing, before);
      }
      h.createUpdate(replaceLines)
          .bind("id", reservationId)
          .bindArray("skus", String.class, wanted.stream().map(l -> l.key().sku()).toList())
          .bindArray(
              "locations", String.class, wanted.stream().map(l -> l.key().location()).toList())
          .bindArray("quantities", Long.class, wanted.stream().map(Line::quantity).toList())
          .execute();
    }
    return new AmendResult(times.get().createdAt(), times.get().expiresAt());
  }

  private record AmendResult(Instant createdAt, Instant expiresAt) {}

  /** Growth of an amend did not fit; carries what the cart held before, for the shortages. */
  private static final class AmendShort extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Line> growing;
    private final transient Map<StockKey, Long> held;

    AmendShort(List<Line> growing, Map<StockKey, Long> held) {
      super(null, null, false, false);
      this.growing = growing;
      this.held = held;
    }

    List<Line> growing() {
      return growing;
    }

    Map<StockKey, Long> held() {
      return held;
    }
  }

  // ---------------------------------------------------------------- expiry

  @Override
  public int expireDue(int limit) {
    Checks.positive("limit", limit);
    Instant now = now();
    return db.transaction(
        true,
        h ->
            ops.giveBack(
                h,
                h.createQuery(expireDue)
                    .bind("now", timestamp(now))
                    .bind("limit", limit)
                    .mapTo(String.class)
                    .list(),
                now));
  }

  /** Expires the due holds that have a line on one of these keys; how many it expired. */
  private int expireDueOn(Collection<StockKey> keys, Instant now) {
    return db.transaction(true, h -> ops.expireDueOn(h, keys, now));
  }

  // ---------------------------------------------------------------- stock movements

  @Override
  public StockLevel receive(StockKey key, long quantity, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    return addOnHand(key, quantity, "RECEIVE", reason);
  }

  @Override
  public StockLevel adjust(StockKey key, long delta, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.delta(delta);
    Checks.reason(reason);
    if (delta > 0) {
      return addOnHand(key, delta, "ADJUST", reason);
    }
    for (int attempt = 1; ; attempt++) {
      Instant now = now();
      Optional<StockLevel> level =
          db.statement(
              false,
              h ->
                  bindStockChange(
                          h.createQuery(changeStockReturningLevel),
                          key,
                          delta,
                          0,
                          -delta,
                          "ADJUST",
                          null,
                          now)
                      .bind("reason", reason)
                      .map((rs, ctx) -> new StockLevel(key, rs.getLong(1), rs.getLong(2)))
                      .findOne());
      if (level.isPresent()) {
        return effectiveLevel(key);
      }
      Free free = probe(null, List.of(key), now).free(key);
      if (free.effectivelyAvailable() < -delta || attempt == HandleOps.PLACE_ATTEMPTS) {
        throw new InsufficientStockException(
            List.of(new Shortage(key, -delta, free.effectivelyAvailable())));
      }
      if (free.due() > 0) {
        expireDueOn(List.of(key), now);
      }
    }
  }

  private StockLevel addOnHand(StockKey key, long delta, String kind, String reason) {
    Instant now = now();
    db.statement(
        false,
        h -> {
          ops.addOnHand(h, key, delta, kind, reason, now);
          return null;
        });
    return effectiveLevel(key);
  }

  /**
   * The level after a stock movement, read as {@link #levels} reads it (due holds count as
   * available). A read of its own: the write's statement cannot tell which due holds a concurrent
   * expiry gave back while it waited for the row lock.
   */
  private StockLevel effectiveLevel(StockKey key) {
    return levels(List.of(key)).get(key);
  }

  @Override
  public StockLevel setOnHand(StockKey key, long onHand, String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.onHand(onHand);
    Checks.reason(reason);
    for (int attempt = 1; attempt <= SET_ATTEMPTS; attempt++) {
      Instant now = now();
      Optional<StockLevel> level =
          db.statement(
              false,
              h ->
                  h.createQuery(setOnHand)
                      .bind("sku", key.sku())
                      .bind("location", key.location())
                      .bind("onHand", onHand)
                      .bind("reason", reason)
                      .bind("now", timestamp(now))
                      .map((rs, ctx) -> new StockLevel(key, rs.getLong(1), rs.getLong(2)))
                      .findOne());
      if (level.isPresent()) {
        return effectiveLevel(key);
      }
      Free free = probe(null, List.of(key), now).free(key);
      if (free.refusesCount(onHand)) {
        throw new InsufficientStockException(
            List.of(new Shortage(key, free.onHand() - onHand, free.effectivelyAvailable())));
      }
      if (free.countBlockedOnlyByDueHolds(onHand)) {
        expireDueOn(List.of(key), now);
        continue;
      }
      // on-hand changed between the snapshot and the lock: count again
    }
    throw new InventoryException(
        "setOnHand of " + key + " lost " + SET_ATTEMPTS + " races in a row; try again");
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    Instant now = now();
    return find(reservationId).map(stored -> stored.asOf(now));
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    List<StockKey> sorted = HandleOps.levelKeys(keys);
    if (sorted.isEmpty()) {
      return Map.of();
    }
    Instant now = now();
    return db.read(h -> ops.levels(h, sorted, now));
  }

  private Optional<Stored> find(String reservationId) {
    return db.read(h -> ops.find(h, reservationId));
  }

  /** What is free on the keys of a short request, and whether its id is taken. */
  private Probe probe(String reservationId, List<StockKey> keys, Instant now) {
    return db.read(h -> ops.probe(h, reservationId, keys, now));
  }

  // ---------------------------------------------------------------- helpers

  /** The clock's now at PostgreSQL's precision, so what is returned equals what is stored. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Binds an instant as timestamptz, whatever the JVM's or the session's time zone. */
  static Argument timestamp(Instant instant) {
    OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
    return (position, statement, ctx) ->
        statement.setObject(position, value, Types.TIMESTAMP_WITH_TIMEZONE);
  }

  static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
