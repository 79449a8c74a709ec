package dev.inventory.jdbc.internal;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.LazyExpiry.CapNeed;
import dev.inventory.jdbc.internal.LazyExpiry.Need;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Places one request on its own — reserve ({@code HELD}) or purchase ({@code CONFIRMED}), all lines
 * or none — which is also where every combined request goes that a batch could not answer:
 *
 * <ol>
 *   <li>an attempt: one statement, which answers its own refusal (a one-line request, or a cart
 *       whose lines are changed in key order, all or none);
 *   <li>a refusal whose id turned out to be taken is an idempotent replay: the stored reservation
 *       if it has the same lines, else {@link IdempotencyConflictException};
 *   <li>any other refusal goes to {@link LazyExpiry}, which refuses it or has it tried again;
 *   <li>a request that names a buyer is held to per-buyer limits by its statement, and is tried
 *       again when its buyer's units were taken under the lock (SQLSTATE IV002).
 * </ol>
 *
 * <p>Thread-safe: it holds only statements and settings.
 */
final class Placement {
  private final PlacementSql placements;
  private final StockSql stock;
  private final ReservationSql reservations;
  private final LazyExpiry lazyExpiry;
  private final Duration defaultTtl;

  Placement(
      PlacementSql placements,
      StockSql stock,
      ReservationSql reservations,
      LazyExpiry lazyExpiry,
      Duration defaultTtl) {
    this.placements = placements;
    this.stock = stock;
    this.reservations = reservations;
    this.lazyExpiry = lazyExpiry;
    this.defaultTtl = defaultTtl;
  }

  /** The request's TTL, or the inventory's default when it names none. */
  Duration ttlOf(ReservationRequest request) {
    return request.ttl() != null ? request.ttl() : defaultTtl;
  }

  /** Places the request, all lines or none; see the class comment. */
  Reservation place(Session session, ReservationRequest request, Status status, Clock clock) {
    List<Line> lines = request.lines();
    String id = request.id();
    String buyer = request.buyer();
    String hash = Lines.fingerprint(lines, buyer);
    Duration ttl = ttlOf(request);
    LazyExpiry.Round round = lazyExpiry.begin(session);
    int buyerRaces = 0;
    while (true) {
      Instant now = PgValues.now(clock);
      Instant expiresAt = PgValues.expiresAt(now, ttl, status);
      Optional<Probe> refused;
      try {
        refused =
            lines.size() == 1
                ? session.statement(
                    Repeat.SAFE,
                    placements.reserveOneLine(
                        id, status, lines.get(0), buyer, hash, now, expiresAt))
                : placeCart(session, id, status, lines, buyer, hash, now, expiresAt);
      } catch (RuntimeException e) {
        if (SqlErrors.isBuyerRaced(e) && ++buyerRaces < BUYER_RACES) {
          // The buyer's units were taken between the statement's check and its lock; the next
          // attempt's check sees them (it waited for their commit).
          continue;
        }
        if (!SqlErrors.isDuplicateReservationId(e)) {
          throw e;
        }
        Optional<Reservation> replayed = replay(session, request, hash, clock);
        if (replayed.isPresent()) {
          return replayed.get();
        }
        // The other insert rolled back: the id is free again.
        round.raced(
            () ->
                new InventoryUnavailableException(
                    "reservation '" + id + "' kept racing with another request of the same id",
                    null));
        continue;
      }
      if (refused.isEmpty()) {
        return new Reservation(id, status, lines, now, expiresAt, buyer);
      }
      Probe probe = refused.get();
      if (probe.idTaken()) {
        Optional<Reservation> replayed = replay(session, request, hash, clock);
        if (replayed.isPresent()) {
          return replayed.get();
        }
      }
      round.refused(needs(lines), probe.byKey(), capNeeds(buyer, lines), probe.caps(), now);
    }
  }

  /**
   * How often a request is tried while its buyer's units keep being taken between its statement's
   * check and its lock (each time by a transaction that committed: the units can only have grown).
   */
  private static final int BUYER_RACES = 8;

  /** What the request adds to its buyer's units, per SKU; empty without a buyer. */
  private static List<CapNeed> capNeeds(@Nullable String buyer, List<Line> lines) {
    if (buyer == null) {
      return List.of();
    }
    Map<String, Long> bySku = new TreeMap<>();
    for (Line line : lines) {
      bySku.merge(line.key().sku(), line.quantity(), Math::addExact);
    }
    return bySku.entrySet().stream()
        .map(e -> new CapNeed(buyer, e.getKey(), e.getValue()))
        .toList();
  }

  /**
   * A cart, all lines or none, in one statement. Empty when placed; else what its keys had free,
   * read again if a line turned out short under its row lock (the statement undid itself).
   */
  private Optional<Probe> placeCart(
      Session session,
      String id,
      Status status,
      List<Line> lines,
      @Nullable String buyer,
      String hash,
      Instant now,
      Instant expiresAt) {
    try {
      return session.statement(
          Repeat.SAFE, placements.placeCart(id, status, lines, buyer, hash, now, expiresAt));
    } catch (RuntimeException e) {
      if (!SqlErrors.isCartRaced(e)) {
        throw e;
      }
      List<StockKey> keys = lines.stream().map(Line::key).toList();
      return Optional.of(session.read(stock.probe(id, keys, now)));
    }
  }

  /** The reservation with this id if the request is a replay of it; conflict if not. */
  private Optional<Reservation> replay(
      Session session, ReservationRequest request, String hash, Clock clock) {
    Optional<Stored> stored = session.read(reservations.find(request.id()));
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    Stored existing = stored.get();
    if (!existing.hash().equals(hash)) {
      throw new IdempotencyConflictException(
          request.id(), existing.lines(), request.lines(), existing.buyer(), request.buyer());
    }
    return Optional.of(existing.asOf(PgValues.now(clock)));
  }

  private static List<Need> needs(List<Line> lines) {
    return lines.stream().map(line -> new Need(line.key(), line.quantity(), 0)).toList();
  }
}
