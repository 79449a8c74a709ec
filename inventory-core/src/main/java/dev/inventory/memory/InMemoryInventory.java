package dev.inventory.memory;

import dev.inventory.BuyerLimitExceededException;
import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationPage;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Catalog;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.event.InventoryListener;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.internal.Lifecycle;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lines;
import dev.inventory.internal.ReservationCursors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Inventory} held in memory, for the unit tests of applications that use the library: no
 * database, no dependencies, the same behaviour as the PostgreSQL implementation (both pass the
 * same contract suite).
 *
 * <pre>{@code
 * Inventory inventory = InMemoryInventory.builder().clock(testClock).build();
 * }</pre>
 *
 * <p>Everything lives in this object and is gone with it. Nothing is ever forgotten either: every
 * reservation and every {@linkplain #log() log entry} is kept, so an instance suits a test, not a
 * long-running process.
 *
 * <p>The semantics, as for every implementation:
 *
 * <ul>
 *   <li>A held reservation whose {@code expiresAt} is at or before the clock's now is expired.
 *       {@link #findReservation} and {@link #levels} report it so even before anything wrote it
 *       down; {@link #confirm}, {@link #release}, {@link #amend} and {@link #extend} write the
 *       expiry (freeing its units) and throw {@link ReservationExpiredException}.
 *   <li>When a reserve, a purchase, the growth of an amend or a decrease of on-hand is short, every
 *       expired hold on a short key is expired (whole reservations) and the change is tried once
 *       more. If it is still short, nothing is written at all, not even those expiries.
 *   <li>Every change appends one {@link LogEntry} per key it touched, in key order, carrying the
 *       level it left behind (a change that expires several holds: one per key and hold, on one key
 *       in reservation id order); on any exception the log and the stock are as before (apart from
 *       the expiry written by an operation that met an expired hold, as said above).
 *   <li>Times are the clock's now truncated to the microsecond, as PostgreSQL keeps them, so a
 *       clock with nanoseconds gives the same instants as on the database.
 * </ul>
 *
 * <p>It has a {@linkplain #catalog() catalog} of items and locations, and a known-keys mode ({@link
 * Builder#knownKeysOnly}) in which reserve, purchase, the growth of amend, receive, adjust and
 * setOnHand refuse keys the catalog does not know, or has deactivated, with {@link
 * UnknownKeysException}, as the PostgreSQL implementation does.
 *
 * <p>Thread-safe: every operation runs under one lock, so operations are atomic and totally ordered
 * (and the log's order is the order in which they took effect); the catalog's calls run under the
 * same lock.
 *
 * @since 0.1.0
 */
public final class InMemoryInventory implements Inventory {
  /** The hold time of a request that names none: 15 minutes. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  /** A buyer's reservations as listed: newest first, then by id, descending. */
  private static final Comparator<Held> NEWEST_FIRST =
      Comparator.comparing((Held held) -> held.createdAt).thenComparing(held -> held.id).reversed();

  private static final Comparator<Held> EXPIRY_ORDER =
      Comparator.comparing((Held held) -> held.expiresAt).thenComparing(held -> held.id);

  private final Clock clock;
  private final Duration defaultTtl;
  private final Events events;
  private final boolean knownKeysOnly;

  private final Object lock = new Object();
  private final InMemoryCatalog catalog = new InMemoryCatalog(lock);
  // All guarded by lock.
  private final Map<StockKey, Stock> stock = new HashMap<>();
  private final Map<String, Held> reservations = new HashMap<>();

  /** Reservations whose written status is HELD (some of them may be due). */
  private final Map<String, Held> holding = new LinkedHashMap<>();

  private final List<LogEntry> log = new ArrayList<>();

  /**
   * Per buyer and SKU with a limit: the units of the lines counted for the buyer ({@link
   * Held#counted}) of reservations held or confirmed. Keyed by {@link #usageKey}.
   */
  private final Map<String, Long> usage = new HashMap<>();

  private InMemoryInventory(Builder builder) {
    this.clock = builder.clock;
    this.defaultTtl = builder.defaultTtl;
    this.events = Events.of(builder.listener);
    this.knownKeysOnly = builder.knownKeysOnly;
  }

  /**
   * A builder with the defaults: {@link Clock#systemUTC()} and a TTL of 15 minutes.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The catalog of items and locations, under this inventory's lock. In known-keys mode it decides
   * which keys the inventory serves.
   *
   * @return the same catalog on every call
   */
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public Reservation reserve(ReservationRequest request) {
    return hold(request, false);
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return hold(request, true);
  }

  private Reservation hold(ReservationRequest request, boolean sell) {
    Objects.requireNonNull(request, "request must not be null");
    long started = events.start();
    try {
      Reservation reservation = holdLocked(request, sell);
      events.placed(reservation, sell, started, true);
      return reservation;
    } catch (RuntimeException e) {
      Operation operation = sell ? Operation.PURCHASE : Operation.RESERVE;
      events.failed(operation, request.id(), request.lines(), e, started);
      throw e;
    }
  }

  private Reservation holdLocked(ReservationRequest request, boolean sell) {
    List<Line> lines = request.lines();
    String fingerprint = Lines.fingerprint(lines, request.buyer());
    Duration ttl = request.ttl() != null ? request.ttl() : defaultTtl;
    synchronized (lock) {
      Instant now = now();
      Held existing = reservations.get(request.id());
      if (existing != null) {
        if (existing.fingerprint.equals(fingerprint)) {
          return existing.at(now);
        }
        throw new IdempotencyConflictException(
            request.id(), existing.lines, lines, existing.buyer, request.buyer());
      }
      Map<StockKey, Long> wanted = Lines.byKey(lines);
      requireKnown(wanted.keySet());
      Map<String, Long> capped = capped(request.buyer(), lines);
      checkLimits(request.buyer(), capped, Map.of(), now);
      Map<StockKey, Long> stillShort = makeRoom(wanted, now);
      if (!stillShort.isEmpty()) {
        List<Shortage> shortages = new ArrayList<>();
        stillShort.forEach(
            (key, available) -> shortages.add(new Shortage(key, wanted.get(key), available)));
        throw new InsufficientStockException(shortages);
      }
      Held held =
          new Held(
              request.id(),
              sell ? Status.CONFIRMED : Status.HELD,
              lines,
              now,
              sell ? now : expiry(now, ttl),
              fingerprint,
              request.buyer());
      makeLimitRoom(request.buyer(), capped, now);
      for (Line line : lines) {
        if (capped.containsKey(line.key().sku())) {
          held.counted.add(line.key());
        }
      }
      count(held.buyer, capped);
      for (Line line : lines) {
        if (sell) {
          write(now, line.key(), Kind.CONFIRM, -line.quantity(), 0, held.id, null);
        } else {
          write(now, line.key(), Kind.RESERVE, 0, line.quantity(), held.id, null);
        }
      }
      reservations.put(held.id, held);
      if (!sell) {
        holding.put(held.id, held);
      }
      return held.at(now);
    }
  }

  @Override
  public Reservation amend(String reservationId, List<Line> lines) {
    Checks.name("reservationId", reservationId);
    List<Line> merged = Lines.merge(lines);
    long started = events.start();
    try {
      Reservation reservation = amendLocked(reservationId, merged);
      events.amended(reservation, started, true);
      return reservation;
    } catch (RuntimeException e) {
      events.failed(Operation.AMEND, reservationId, merged, e, started);
      throw e;
    }
  }

  private Reservation amendLocked(String reservationId, List<Line> merged) {
    synchronized (lock) {
      Instant now = now();
      Held held = find(reservationId);
      if (!admit(held, Action.AMEND, now)) {
        return held.at(now);
      }
      Map<StockKey, Long> before = Lines.byKey(held.lines);
      Map<StockKey, Long> after = Lines.byKey(merged);
      Map<StockKey, Long> growth = new TreeMap<>();
      after.forEach(
          (key, quantity) -> {
            long old = before.getOrDefault(key, 0L);
            if (quantity > old) {
              growth.put(key, quantity - old);
            }
          });
      requireKnown(growth.keySet());
      // The buyer's units: a line on a SKU with a limit is counted once it grows or is new; a line
      // counted before stays counted (its units are given back on release, whatever the limit).
      Set<StockKey> countedAfter = new TreeSet<>();
      Map<String, Long> countDelta = new TreeMap<>();
      Map<String, Long> limits = new HashMap<>();
      if (held.buyer != null) {
        for (Map.Entry<StockKey, Long> e : after.entrySet()) {
          StockKey key = e.getKey();
          Long limit = catalog.limitOf(key.sku());
          boolean grows = e.getValue() > before.getOrDefault(key, 0L);
          if (held.counted.contains(key) || (limit != null && grows)) {
            countedAfter.add(key);
            countDelta.merge(key.sku(), e.getValue(), Math::addExact);
          }
          if (limit != null) {
            limits.put(key.sku(), limit);
          }
        }
        for (StockKey key : held.counted) {
          countDelta.merge(key.sku(), -before.get(key), Math::addExact);
        }
      }
      Map<String, Long> capGrowth = new TreeMap<>();
      countDelta.forEach(
          (sku, delta) -> {
            if (delta > 0 && limits.containsKey(sku)) {
              capGrowth.put(sku, delta);
            }
          });
      checkLimits(held.buyer, capGrowth, Map.of(held.id, held), now);
      Map<StockKey, Long> stillShort = makeRoom(growth, now);
      if (!stillShort.isEmpty()) {
        List<Shortage> shortages = new ArrayList<>();
        stillShort.forEach(
            (key, available) ->
                shortages.add(
                    new Shortage(
                        key,
                        after.get(key),
                        Math.addExact(available, before.getOrDefault(key, 0L)))));
        throw new InsufficientStockException(shortages);
      }
      TreeSet<StockKey> keys = new TreeSet<>(before.keySet());
      keys.addAll(after.keySet());
      for (StockKey key : keys) {
        long change = after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
        if (change != 0) {
          write(now, key, Kind.AMEND, 0, change, held.id, null);
        }
      }
      makeLimitRoom(held.buyer, capGrowth, now);
      held.lines = merged;
      held.counted.clear();
      held.counted.addAll(countedAfter);
      count(held.buyer, countDelta);
      return held.at(now);
    }
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    Checks.name("reservationId", reservationId);
    Checks.ttl(ttl);
    long started = events.start();
    try {
      Reservation reservation = extendLocked(reservationId, ttl);
      events.extended(reservation, started, true);
      return reservation;
    } catch (RuntimeException e) {
      events.failed(Operation.EXTEND, reservationId, e, started);
      throw e;
    }
  }

  private Reservation extendLocked(String reservationId, Duration ttl) {
    synchronized (lock) {
      Instant now = now();
      Held held = find(reservationId);
      if (admit(held, Action.EXTEND, now)) {
        held.expiresAt = expiry(now, ttl);
      }
      return held.at(now);
    }
  }

  @Override
  public Reservation confirm(String reservationId) {
    Checks.name("reservationId", reservationId);
    long started = events.start();
    try {
      Reservation reservation = confirmLocked(reservationId);
      events.confirmed(reservation, started, true);
      return reservation;
    } catch (RuntimeException e) {
      events.failed(Operation.CONFIRM, reservationId, e, started);
      throw e;
    }
  }

  private Reservation confirmLocked(String reservationId) {
    synchronized (lock) {
      Instant now = now();
      Held held = find(reservationId);
      if (admit(held, Action.CONFIRM, now)) {
        for (Line line : held.lines) {
          write(now, line.key(), Kind.CONFIRM, -line.quantity(), -line.quantity(), held.id, null);
        }
        settle(held, Status.CONFIRMED);
      }
      return held.at(now);
    }
  }

  @Override
  public Reservation release(String reservationId) {
    Checks.name("reservationId", reservationId);
    long started = events.start();
    try {
      Reservation reservation = releaseLocked(reservationId);
      events.released(reservation, started, true);
      return reservation;
    } catch (RuntimeException e) {
      events.failed(Operation.RELEASE, reservationId, e, started);
      throw e;
    }
  }

  private Reservation releaseLocked(String reservationId) {
    synchronized (lock) {
      Instant now = now();
      Held held = find(reservationId);
      if (admit(held, Action.RELEASE, now)) {
        for (Line line : held.lines) {
          write(now, line.key(), Kind.RELEASE, 0, -line.quantity(), held.id, null);
        }
        settle(held, Status.RELEASED);
      }
      return held.at(now);
    }
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    Checks.name("reservationId", reservationId);
    synchronized (lock) {
      Held held = reservations.get(reservationId);
      return held == null ? Optional.empty() : Optional.of(held.at(now()));
    }
  }

  @Override
  public ReservationPage findReservations(String buyer, int pageSize, @Nullable String cursor) {
    Checks.name("buyer", buyer);
    Checks.between("pageSize", pageSize, 1, MAX_PAGE_SIZE);
    ReservationCursors.After after = ReservationCursors.after(buyer, cursor);
    synchronized (lock) {
      Instant now = now();
      List<Held> mine =
          reservations.values().stream()
              .filter(held -> buyer.equals(held.buyer))
              .filter(
                  held ->
                      after == null
                          || NEWEST_FIRST.compare(held, new Held(after.id(), after.createdAt()))
                              > 0)
              .sorted(NEWEST_FIRST)
              .limit(pageSize + 1L)
              .toList();
      boolean more = mine.size() > pageSize;
      List<Reservation> page =
          mine.subList(0, Math.min(pageSize, mine.size())).stream()
              .map(held -> held.at(now))
              .toList();
      Reservation last = page.isEmpty() ? null : page.get(page.size() - 1);
      return new ReservationPage(
          page, more ? ReservationCursors.next(buyer, last.createdAt(), last.id()) : null);
    }
  }

  @Override
  public StockLevel receive(StockKey key, long quantity, @Nullable String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.quantity("quantity", quantity);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level = receiveLocked(key, quantity, reason);
      events.received(key, quantity, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.RECEIVE, key, e, started);
      throw e;
    }
  }

  private StockLevel receiveLocked(StockKey key, long quantity, @Nullable String reason) {
    synchronized (lock) {
      Instant now = now();
      requireKnown(List.of(key));
      write(now, key, Kind.RECEIVE, quantity, 0, null, reason);
      return levelAt(key, now);
    }
  }

  @Override
  public StockLevel adjust(StockKey key, long delta, @Nullable String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.delta(delta);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level = adjustLocked(key, delta, reason);
      events.adjusted(key, delta, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.ADJUST, key, e, started);
      throw e;
    }
  }

  private StockLevel adjustLocked(StockKey key, long delta, @Nullable String reason) {
    synchronized (lock) {
      Instant now = now();
      requireKnown(List.of(key));
      if (delta < 0) {
        lowerOnHand(key, -delta, now);
      }
      write(now, key, Kind.ADJUST, delta, 0, null, reason);
      return levelAt(key, now);
    }
  }

  @Override
  public StockLevel setOnHand(StockKey key, long onHand, @Nullable String reason) {
    Objects.requireNonNull(key, "key must not be null");
    Checks.onHand(onHand);
    Checks.reason(reason);
    long started = events.start();
    try {
      StockLevel level = setOnHandLocked(key, onHand, reason);
      events.counted(key, onHand, level, started, true);
      return level;
    } catch (RuntimeException e) {
      events.failed(Operation.SET_ON_HAND, key, e, started);
      throw e;
    }
  }

  private StockLevel setOnHandLocked(StockKey key, long onHand, @Nullable String reason) {
    synchronized (lock) {
      Instant now = now();
      requireKnown(List.of(key));
      Stock current = stock.get(key);
      long change = onHand - (current == null ? 0 : current.onHand);
      if (change < 0) {
        lowerOnHand(key, -change, now);
      }
      // A SET is logged even when the count matches: it records that the figure was checked.
      write(now, key, Kind.SET, change, 0, null, reason);
      return levelAt(key, now);
    }
  }

  /** Makes sure {@code decrease} units of on-hand are unreserved, or throws. */
  private void lowerOnHand(StockKey key, long decrease, Instant now) {
    Map<StockKey, Long> stillShort = makeRoom(Map.of(key, decrease), now);
    if (!stillShort.isEmpty()) {
      throw new InsufficientStockException(
          List.of(new Shortage(key, decrease, stillShort.get(key))));
    }
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    List<StockKey> asked = new ArrayList<>(keys.size());
    for (StockKey key : keys) {
      asked.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    synchronized (lock) {
      Instant now = now();
      Map<StockKey, Long> due = dueReserved(now);
      Map<StockKey, StockLevel> levels = new TreeMap<>();
      for (StockKey key : asked) {
        levels.put(key, levelAt(key, due));
      }
      return Collections.unmodifiableMap(levels);
    }
  }

  @Override
  public int expireDue(int limit) {
    Checks.positive("limit", limit);
    long started = events.start();
    int expired;
    synchronized (lock) {
      Instant now = now();
      List<Held> due = new ArrayList<>();
      for (Held held : holding.values()) {
        if (held.isDue(now)) {
          due.add(held);
        }
      }
      due.sort(EXPIRY_ORDER);
      expired = Math.min(limit, due.size());
      expire(due.subList(0, expired), now);
    }
    events.swept(expired, started, true);
    return expired;
  }

  /**
   * Every log entry so far, in the order the changes took effect. Ids count up from 1 without gaps.
   *
   * @return an immutable snapshot
   */
  public List<LogEntry> log() {
    synchronized (lock) {
      return List.copyOf(log);
    }
  }

  /**
   * The log entries of one key, in log order. Summing their deltas gives the key's level as
   * written; it equals {@link #level} unless a hold has fallen due that nothing has expired yet.
   *
   * @param key the key whose entries to return
   * @return an immutable snapshot
   */
  public List<LogEntry> log(StockKey key) {
    Objects.requireNonNull(key, "key must not be null");
    synchronized (lock) {
      return log.stream().filter(entry -> entry.key().equals(key)).toList();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "InMemoryInventory[keys="
          + stock.size()
          + ", reservations="
          + reservations.size()
          + ", log entries="
          + log.size()
          + "]";
    }
  }

  /**
   * The clock's now at the precision PostgreSQL keeps (microseconds), so that every time this
   * inventory reports is one the PostgreSQL implementation would report for the same clock.
   */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** When a hold of {@code ttl} from now runs out, at the same precision (a TTL may be finer). */
  private static Instant expiry(Instant now, Duration ttl) {
    return now.plus(ttl).truncatedTo(ChronoUnit.MICROS);
  }

  // ---- Everything below runs under the lock. ----

  /** In known-keys mode: throws {@link UnknownKeysException} unless the catalog knows every key. */
  private void requireKnown(Collection<StockKey> keys) {
    if (knownKeysOnly) {
      catalog.requireKnown(keys);
    }
  }

  private Held find(String reservationId) {
    Held held = reservations.get(reservationId);
    if (held == null) {
      throw new ReservationNotFoundException(reservationId);
    }
    return held;
  }

  /**
   * Asks the lifecycle table whether {@code action} may proceed on this reservation now.
   *
   * @return true to apply it, false if it is already done (return the reservation unchanged)
   * @throws ReservationExpiredException if the hold has run out; a due hold is expired first
   * @throws ReservationStateException if the table refuses the action
   */
  private boolean admit(Held held, Action action, Instant now) {
    if (held.isDue(now)) {
      expire(List.of(held), now);
      throw new ReservationExpiredException(held.id, held.expiresAt, action.verb());
    }
    return switch (Lifecycle.decide(held.status, action)) {
      case APPLY -> true;
      case ALREADY_DONE -> false;
      case REFUSE ->
          throw held.status == Status.EXPIRED
              ? new ReservationExpiredException(held.id, held.expiresAt, action.verb())
              : new ReservationStateException(held.id, held.status, action.verb());
    };
  }

  /**
   * Checks that {@code wanted} units per key are free (on-hand minus reserved as written). If some
   * key is short, the holds on the short keys that are due are taken into account; if that is
   * enough, they are expired (written) and the result is empty. If not, nothing is written.
   *
   * @return the keys still short, each with the units that are free on it; empty if all fit
   */
  private Map<StockKey, Long> makeRoom(Map<StockKey, Long> wanted, Instant now) {
    List<StockKey> shortKeys = new ArrayList<>();
    wanted.forEach(
        (key, units) -> {
          if (free(key) < units) {
            shortKeys.add(key);
          }
        });
    if (shortKeys.isEmpty()) {
      return Map.of();
    }
    List<Held> expirable = new ArrayList<>();
    Map<StockKey, Long> freed = new HashMap<>();
    for (Held held : holding.values()) {
      if (held.isDue(now) && held.lines.stream().anyMatch(line -> shortKeys.contains(line.key()))) {
        expirable.add(held);
        for (Line line : held.lines) {
          freed.merge(line.key(), line.quantity(), Math::addExact);
        }
      }
    }
    Map<StockKey, Long> stillShort = new TreeMap<>();
    for (StockKey key : shortKeys) {
      long free = Math.addExact(free(key), freed.getOrDefault(key, 0L));
      if (free < wanted.get(key)) {
        stillShort.put(key, free);
      }
    }
    if (stillShort.isEmpty()) {
      long started = events.start();
      expire(expirable, now);
      // Queued (not told) under the lock, so that it comes before the event of the change.
      events.expiredLazily(expirable.size(), shortKeys, started, true);
    }
    return stillShort;
  }

  private long free(StockKey key) {
    Stock current = stock.get(key);
    return current == null ? 0 : current.onHand - current.reserved;
  }

  /**
   * Expires these holds as one change. Its entries come in key order, and for one key in
   * reservation id order, as the PostgreSQL implementation writes them (it must touch rows in key
   * order), not hold by hold.
   */
  private void expire(List<Held> holds, Instant now) {
    List<Map.Entry<Held, Line>> lines = new ArrayList<>();
    for (Held held : holds) {
      for (Line line : held.lines) {
        lines.add(Map.entry(held, line));
      }
    }
    lines.sort(
        Comparator.comparing((Map.Entry<Held, Line> e) -> e.getValue().key())
            .thenComparing(e -> e.getKey().id));
    for (Map.Entry<Held, Line> e : lines) {
      Line line = e.getValue();
      write(now, line.key(), Kind.EXPIRE, 0, -line.quantity(), e.getKey().id, null);
    }
    for (Held held : holds) {
      settle(held, Status.EXPIRED);
    }
  }

  private void settle(Held held, Status status) {
    held.status = status;
    holding.remove(held.id);
    if (status != Status.CONFIRMED && !held.counted.isEmpty()) {
      // Released or expired: the buyer's units come back; a confirm keeps them (bought).
      Map<String, Long> back = new TreeMap<>();
      for (Line line : held.lines) {
        if (held.counted.contains(line.key())) {
          back.merge(line.key().sku(), -line.quantity(), Math::addExact);
        }
      }
      count(held.buyer, back);
    }
  }

  // ---- Per-buyer limits (under the lock) ----

  private static String usageKey(String buyer, String sku) {
    return buyer + '\u001f' + sku;
  }

  private long used(String buyer, String sku) {
    return usage.getOrDefault(usageKey(buyer, sku), 0L);
  }

  /** Adds (or with negative units, removes) a buyer's units per SKU. */
  private void count(@Nullable String buyer, Map<String, Long> unitsBySku) {
    if (buyer == null) {
      return;
    }
    unitsBySku.forEach(
        (sku, units) -> {
          if (units != 0) {
            long now = Math.addExact(used(buyer, sku), units);
            if (now < 0) {
              throw new IllegalStateException("bug: buyer " + buyer + " below 0 on " + sku);
            }
            usage.put(usageKey(buyer, sku), now);
          }
        });
  }

  /** A request's units per SKU that has a limit, when it names a buyer; else empty. */
  private Map<String, Long> capped(@Nullable String buyer, List<Line> lines) {
    Map<String, Long> capped = new TreeMap<>();
    if (buyer != null) {
      for (Line line : lines) {
        if (catalog.limitOf(line.key().sku()) != null) {
          capped.merge(line.key().sku(), line.quantity(), Math::addExact);
        }
      }
    }
    return capped;
  }

  /** Units of the buyer's counted lines on a SKU held by holds past their expiry. */
  private long dueOfBuyer(String buyer, String sku, Instant now, Map<String, Held> except) {
    long due = 0;
    for (Held held : holding.values()) {
      if (buyer.equals(held.buyer) && held.isDue(now) && !except.containsKey(held.id)) {
        for (Line line : held.lines) {
          if (held.counted.contains(line.key()) && line.key().sku().equals(sku)) {
            due = Math.addExact(due, line.quantity());
          }
        }
      }
    }
    return due;
  }

  /**
   * Throws {@link BuyerLimitExceededException} (the first SKU in order) if the buyer's units, not
   * counting those of its due holds, leave no room for {@code adding}. Writes nothing.
   */
  private void checkLimits(
      @Nullable String buyer, Map<String, Long> adding, Map<String, Held> except, Instant now) {
    if (buyer == null) {
      return;
    }
    adding.forEach(
        (sku, units) -> {
          long limit = catalog.limitOf(sku);
          long used = used(buyer, sku) - dueOfBuyer(buyer, sku, now, except);
          if (used + units > limit) {
            throw new BuyerLimitExceededException(buyer, sku, limit, used, units);
          }
        });
  }

  /**
   * After {@link #checkLimits} passed: expires the buyer's due holds on a SKU whose limit has room
   * only once they are expired (the lazy expiry of limits).
   */
  private void makeLimitRoom(@Nullable String buyer, Map<String, Long> adding, Instant now) {
    if (buyer == null) {
      return;
    }
    for (Map.Entry<String, Long> e : adding.entrySet()) {
      String sku = e.getKey();
      if (used(buyer, sku) + e.getValue() > catalog.limitOf(sku)) {
        List<Held> due = new ArrayList<>();
        List<StockKey> keys = new ArrayList<>();
        for (Held held : holding.values()) {
          if (buyer.equals(held.buyer)
              && held.isDue(now)
              && held.lines.stream()
                  .anyMatch(l -> held.counted.contains(l.key()) && l.key().sku().equals(sku))) {
            due.add(held);
            held.lines.forEach(l -> keys.add(l.key()));
          }
        }
        long started = events.start();
        expire(due, now);
        events.expiredLazily(due.size(), List.copyOf(new TreeSet<>(keys)), started, true);
      }
    }
  }

  /** Applies one change to one key and logs it. Callers have checked that it is allowed. */
  private void write(
      Instant now,
      StockKey key,
      Kind kind,
      long onHandDelta,
      long reservedDelta,
      @Nullable String reservationId,
      @Nullable String reason) {
    Stock current = stock.computeIfAbsent(key, k -> new Stock());
    long onHand = Math.addExact(current.onHand, onHandDelta);
    long reserved = Math.addExact(current.reserved, reservedDelta);
    if (reserved < 0 || onHand < reserved) {
      throw new IllegalStateException(
          "bug: "
              + kind
              + " would leave "
              + key
              + " at onHand="
              + onHand
              + " reserved="
              + reserved);
    }
    current.onHand = onHand;
    current.reserved = reserved;
    log.add(
        new LogEntry(
            log.size() + 1L,
            now,
            key,
            kind,
            onHandDelta,
            reservedDelta,
            onHand,
            reserved,
            reservationId,
            reason));
  }

  /** Units on each key held by reservations that are due but still written as held. */
  private Map<StockKey, Long> dueReserved(Instant now) {
    Map<StockKey, Long> due = new HashMap<>();
    for (Held held : holding.values()) {
      if (held.isDue(now)) {
        for (Line line : held.lines) {
          due.merge(line.key(), line.quantity(), Math::addExact);
        }
      }
    }
    return due;
  }

  private StockLevel levelAt(StockKey key, Instant now) {
    return levelAt(key, dueReserved(now));
  }

  private StockLevel levelAt(StockKey key, Map<StockKey, Long> dueReserved) {
    Stock current = stock.get(key);
    if (current == null) {
      return StockLevel.empty(key);
    }
    return new StockLevel(
        key, current.onHand, current.reserved - dueReserved.getOrDefault(key, 0L));
  }

  /** The written on-hand and reserved of one key. */
  private static final class Stock {
    long onHand;
    long reserved;
  }

  /** A reservation as written. */
  private static final class Held {
    final String id;
    final Instant createdAt;
    final String fingerprint;
    final @Nullable String buyer;

    /** The lines counted for the buyer against their SKUs' limits. */
    final Set<StockKey> counted = new TreeSet<>();

    Status status;
    List<Line> lines;
    Instant expiresAt;

    Held(
        String id,
        Status status,
        List<Line> lines,
        Instant createdAt,
        Instant expiresAt,
        String fingerprint,
        @Nullable String buyer) {
      this.id = id;
      this.buyer = buyer;
      this.status = status;
      this.lines = lines;
      this.createdAt = createdAt;
      this.expiresAt = expiresAt;
      this.fingerprint = fingerprint;
    }

    /** A position in a listing only: where a cursor says the page before ended. */
    Held(String id, Instant createdAt) {
      this(id, Status.HELD, List.of(), createdAt, createdAt, "", null);
    }

    /** Held as written, but its time has come: expired in effect. */
    boolean isDue(Instant now) {
      return status == Status.HELD && !expiresAt.isAfter(now);
    }

    /** The reservation as it is in effect at {@code now}. */
    Reservation at(Instant now) {
      return new Reservation(
          id, isDue(now) ? Status.EXPIRED : status, lines, createdAt, expiresAt, buyer);
    }
  }

  /**
   * Configures an {@link InMemoryInventory}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration defaultTtl = DEFAULT_TTL;
    private @Nullable InventoryListener listener;
    private boolean knownKeysOnly;

    private Builder() {}

    /**
     * The clock that decides what "now" is, for timestamps and expiry. Default {@link
     * Clock#systemUTC()}; tests pass a clock they can move.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * How long a reservation holds when its request names no TTL. Default 15 minutes; 1 second to
     * 30 days, anything else is refused.
     *
     * @param defaultTtl the TTL of requests without one
     * @return this builder
     * @throws NullPointerException if {@code defaultTtl} is null
     * @throws IllegalArgumentException if out of range
     */
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = Checks.ttl(defaultTtl);
      return this;
    }

    /**
     * Who is told what the inventory does, as the PostgreSQL implementation tells it: the same
     * events, delivered the same way (see {@link InventoryListener}). Default none.
     *
     * @param listener the listener; {@link InventoryListener#composite} for several
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(InventoryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Known-keys mode: {@code reserve}, {@code purchase}, the growth of {@code amend}, {@code
     * receive}, {@code adjust} and {@code setOnHand} on a key whose SKU or location the {@linkplain
     * InMemoryInventory#catalog() catalog} does not know, or has deactivated, throw {@link
     * UnknownKeysException} naming every such key of the call, and write nothing. Confirm, release,
     * extend, expiry and reads are not affected. Default {@code false}: the catalog is information
     * only, and a key never stocked reads as 0 and can be received, as always.
     *
     * @param knownKeysOnly {@code true} to serve only keys the catalog knows
     * @return this builder
     */
    public Builder knownKeysOnly(boolean knownKeysOnly) {
      this.knownKeysOnly = knownKeysOnly;
      return this;
    }

    /**
     * A new, empty inventory with this builder's settings: no stock, no reservation, no log.
     *
     * @return the inventory
     */
    public InMemoryInventory build() {
      return new InMemoryInventory(this);
    }
  }
}
