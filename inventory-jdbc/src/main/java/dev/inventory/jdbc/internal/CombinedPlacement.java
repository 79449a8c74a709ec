package dev.inventory.jdbc.internal;

import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.internal.Lines;
import dev.inventory.jdbc.internal.PlacementSql.BatchRefusal;
import dev.inventory.jdbc.internal.PlacementSql.Item;
import dev.inventory.jdbc.internal.PlacementSql.KeysOutcome;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs one batch of the {@link Combiner} (flash-sale mode): one-line requests of one kind, for one
 * key or for several, answered so that each gets exactly the answer it would get alone.
 *
 * <ul>
 *   <li>A batch for one key is one statement. If refused, it reports what was free, and the
 *       requests that fit it in arrival order (first fit) go again together; the rest are refused.
 *   <li>A batch for several keys is one call that locks the keys in key order; the requests of a
 *       key that did not fit go again, as a batch for that key alone.
 *   <li>A batch in which a request names a buyer goes through that call even for one key: it
 *       applies per-buyer limits, counting a buyer's requests of the batch together, and leaves out
 *       the requests a limit refuses (they go to {@link Placement}, which says why).
 *   <li>At most three combined attempts per request (several keys, then one key, then the part of
 *       it that fits).
 *   <li>Whatever is left goes to {@link Placement}, one request after the other in arrival order: a
 *       single request, replays (a taken id), due holds to expire on the key (the lazy expiry is
 *       Placement's), an id twice in the batch, a lock wait that timed out on one key of several.
 * </ul>
 *
 * <p>Thread-safe: it holds only statements; each batch runs on its leader's thread.
 */
final class CombinedPlacement {
  private static final int COMBINED_ATTEMPTS = 3;

  private final Session session;
  private final PlacementSql placements;
  private final Placement placement;
  private final KnownKeys knownKeys;
  private final Clock clock;
  private final Status status;

  /** Runs the batches of one kind: reserve ({@code HELD}) or purchase ({@code CONFIRMED}). */
  CombinedPlacement(
      Session session,
      PlacementSql placements,
      Placement placement,
      KnownKeys knownKeys,
      Clock clock,
      Status status) {
    this.session = session;
    this.placements = placements;
    this.placement = placement;
    this.knownKeys = knownKeys;
    this.clock = clock;
    this.status = status;
  }

  /** Answers every request of the batch (one-line requests). */
  void run(List<Combiner.Ticket<ReservationRequest>> batch) {
    ArrayDeque<Attempt> attempts = new ArrayDeque<>();
    attempts.add(new Attempt(withoutRepeatedIds(batch), 1));
    while (!attempts.isEmpty()) {
      Attempt attempt = attempts.poll();
      if (attempt.round() <= COMBINED_ATTEMPTS && attempt.tickets().size() >= 2) {
        attempts.addAll(send(attempt));
      }
    }
    for (Combiner.Ticket<ReservationRequest> ticket : batch) {
      if (ticket.answered()) {
        continue;
      }
      try {
        ticket.succeed(placement.place(session, ticket.request, status, clock));
      } catch (RuntimeException e) {
        ticket.fail(e);
      }
    }
  }

  /** Requests to send combined, and which combined attempt that is for them. */
  private record Attempt(List<Combiner.Ticket<ReservationRequest>> tickets, int round) {}

  /**
   * Sends one combined attempt and answers what it can; returns the attempts that follow from it
   * (requests left unanswered go to {@link Placement} afterwards).
   */
  private List<Attempt> send(Attempt attempt) {
    List<Combiner.Ticket<ReservationRequest>> sent = attempt.tickets();
    Instant now = PgValues.now(clock);
    List<Item> items = new ArrayList<>(sent.size());
    TreeMap<StockKey, List<Integer>> byKey = new TreeMap<>();
    for (int i = 0; i < sent.size(); i++) {
      Combiner.Ticket<ReservationRequest> t = sent.get(i);
      ReservationRequest r = t.request;
      items.add(
          new Item(
              r.id(),
              r.lines().get(0).quantity(),
              Lines.fingerprint(r.lines(), r.buyer()),
              PgValues.expiresAt(now, placement.ttlOf(r), status),
              r.buyer(),
              r.lines().get(0).unitPrice()));
      byKey.computeIfAbsent(t.key, k -> new ArrayList<>()).add(i);
    }
    Optional<BatchRefusal> refusal = Optional.empty();
    Set<StockKey> refusedKeys;
    Set<String> leftOut = Set.of();
    // A request that names a buyer may be limited: only the function applies limits.
    boolean anyBuyer = sent.stream().anyMatch(t -> t.request.buyer() != null);
    try {
      if (byKey.size() == 1 && !anyBuyer) {
        StockKey key = byKey.firstKey();
        refusal = session.statement(Repeat.SAFE, placements.placeBatch(key, items, status, now));
        refusedKeys = refusal.isEmpty() ? Set.of() : byKey.keySet();
      } else {
        KeysOutcome outcome =
            session.statement(Repeat.SAFE, placements.placeBatchOfKeys(items, byKey, status, now));
        refusedKeys = outcome.refused().keySet();
        leftOut = outcome.leftOut();
        if (byKey.size() == 1 && !refusedKeys.isEmpty()) {
          refusal = Optional.of(new BatchRefusal(outcome.refused().get(byKey.firstKey()), false));
        }
      }
    } catch (InventoryTimeoutException e) {
      if (byKey.size() == 1) {
        sent.forEach(t -> t.fail(e));
      }
      return List.of(); // one key's lock wait must not fail the requests for the others
    } catch (RuntimeException e) {
      if (!SqlErrors.isReservationIdTaken(e) && !SqlErrors.isBuyerRaced(e)) {
        sent.forEach(t -> t.fail(e));
      }
      // An id already taken, or a buyer's units taken meanwhile: serve each on its own.
      return List.of();
    }
    Map<StockKey, List<Combiner.Ticket<ReservationRequest>>> again = new TreeMap<>();
    long free = refusal.map(r -> r.free().available()).orElse(0L);
    for (int i = 0; i < sent.size(); i++) {
      Combiner.Ticket<ReservationRequest> t = sent.get(i);
      if (leftOut.contains(t.request.id())) {
        // Left out for its buyer's limit: placed alone afterwards, which says why.
      } else if (!refusedKeys.contains(t.key)) {
        ReservationRequest r = t.request;
        t.succeed(
            new Reservation(r.id(), status, r.lines(), now, items.get(i).expiresAt(), r.buyer()));
      } else if (byKey.size() > 1) {
        // One of several keys: its requests go again, as a batch for that key alone.
        again.computeIfAbsent(t.key, k -> new ArrayList<>()).add(t);
      } else if (refusal.get().anyIdTaken() || refusal.get().due() > 0) {
        // Replays or due holds to expire: left to Placement, which handles both.
      } else if (knownKeys.only() && !refusal.get().free().known()) {
        // Known-keys mode, a key the catalog does not know: each of its requests is refused so.
        t.fail(KnownKeys.unknown(t.key, refusal.get().free()));
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
    return again.values().stream()
        .map(tickets -> new Attempt(tickets, attempt.round() + 1))
        .toList();
  }

  /** The batch without the requests whose id it holds twice: those go on their own afterwards. */
  static List<Combiner.Ticket<ReservationRequest>> withoutRepeatedIds(
      List<Combiner.Ticket<ReservationRequest>> batch) {
    if (batch.size() == 1) {
      return batch;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Combiner.Ticket<ReservationRequest> t : batch) {
      seen.merge(t.request.id(), 1, Integer::sum);
    }
    if (seen.size() == batch.size()) {
      return batch;
    }
    return batch.stream().filter(t -> seen.get(t.request.id()) == 1).toList();
  }
}
