package dev.inventory.jdbc.internal;

import dev.inventory.BuyerLimitExceededException;
import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one rule of lazy expiry: <b>expired holds never block a change</b>. When a change is refused
 * for want of unreserved units — a reserve, a purchase, a cart, a combined batch (through {@link
 * Placement}), the growth of an amend, a decrease by adjust, a count by setOnHand or by the bulk
 * set — what the refused keys had free decides:
 *
 * <ol>
 *   <li>in known-keys mode, a key the catalog does not know: the change is refused, {@link
 *       dev.inventory.UnknownKeysException} naming every such key (see {@link KnownKeys});
 *   <li>a buyer past an item's per-buyer limit even once its due holds are expired: the change is
 *       refused, {@link BuyerLimitExceededException} naming the first such SKU;
 *   <li>a key short even once its due holds are expired: the change is refused, {@link
 *       InsufficientStockException} naming every such key;
 *   <li>else, on the last of {@link #ATTEMPTS} attempts: refused as read (stock kept being freed
 *       and taken again between the attempts);
 *   <li>else, keys that fit only once their due holds are expired, and SKUs whose limit has room
 *       for the buyer only once its due holds on them are expired: those holds are expired (whole
 *       reservations, once per change) and the change is tried again;
 *   <li>else (the stock was freed meanwhile): tried again.
 * </ol>
 *
 * <p>A change runs its attempts through a {@link Round}; {@link #judge} is the rule's decision on
 * its own, which the bulk set (one transaction, its refused keys locked) applies directly. Holds no
 * state: thread-safe.
 */
final class LazyExpiry {
  /** How often a change that was short is tried in all. */
  static final int ATTEMPTS = 3;

  private final Expiry expiry;
  private final Events events;
  private final KnownKeys knownKeys;

  LazyExpiry(Expiry expiry, Events events, KnownKeys knownKeys) {
    this.expiry = expiry;
    this.events = events;
    this.knownKeys = knownKeys;
  }

  /**
   * What one key of a refused change asked for.
   *
   * @param requested the units the change needs free on the key (for amend, the key's new total;
   *     for a decrease or a count, the decrease)
   * @param held what the change's own reservation already holds on the key, which counts as free to
   *     it (amend); 0 otherwise
   */
  record Need(StockKey key, long requested, long held) {}

  /**
   * What a change asked of a buyer's room under one SKU's per-buyer limit.
   *
   * @param requested the units the change adds to the buyer's on the SKU
   */
  record CapNeed(String buyer, String sku, long requested) {}

  /**
   * The rule's decision on a refused attempt.
   *
   * @param shortages the keys short even once their due holds are expired
   * @param blocked the keys that fit once their due holds are expired, and only then
   */
  record Verdict(List<Shortage> shortages, List<StockKey> blocked) {}

  /** Judges what the refused keys had free; {@code free} has every key of {@code needs}. */
  static Verdict judge(List<Need> needs, Map<StockKey, Free> free) {
    List<Shortage> shortages =
        asRead(needs, free).stream().filter(s -> s.available() < s.requested()).toList();
    List<StockKey> blocked =
        needs.stream()
            .filter(
                need -> {
                  Free f = free.get(need.key());
                  return f.effectivelyAvailable() + need.held() >= need.requested()
                      && f.available() + need.held() < need.requested();
                })
            .map(Need::key)
            .toList();
    return new Verdict(shortages, blocked);
  }

  /** Every need as a shortage, with what was free once due holds are expired. */
  private static List<Shortage> asRead(List<Need> needs, Map<StockKey, Free> free) {
    return needs.stream()
        .map(
            need ->
                new Shortage(
                    need.key(),
                    need.requested(),
                    free.get(need.key()).effectivelyAvailable() + need.held()))
        .toList();
  }

  /** The attempts of one change, on this session. */
  Round begin(Session session) {
    return new Round(session);
  }

  /** The attempts of one change: counts them, and expires blocking holds once. Not thread-safe. */
  final class Round {
    private final Session session;
    private int attempt = 1;
    private boolean expiredOnce;

    private Round(Session session) {
      this.session = session;
    }

    /**
     * After a refused attempt: throws {@link dev.inventory.UnknownKeysException} (known-keys mode)
     * or {@link InsufficientStockException} if the rule refuses the change; else expires the holds
     * that block it (the first time only) and returns, to be tried again.
     */
    void refused(List<Need> needs, Map<StockKey, Free> free, Instant now) {
      refused(needs, free, List.of(), Map.of(), now);
    }

    /**
     * {@link #refused(List, Map, Instant)} for a change that also asked a buyer's room under
     * per-buyer limits: {@code caps} has what the refused statement read per SKU (a need without an
     * entry was not read, and is judged on the next attempt).
     */
    void refused(
        List<Need> needs,
        Map<StockKey, Free> free,
        List<CapNeed> capNeeds,
        Map<String, CapFree> caps,
        Instant now) {
      knownKeys.check(needs.stream().map(Need::key).toList(), free);
      List<CapNeed> capBlocked = new ArrayList<>();
      for (CapNeed need : capNeeds) {
        CapFree cap = caps.get(need.sku());
        if (cap == null) {
          continue;
        }
        if (cap.effectivelyUsed() + need.requested() > cap.limit()) {
          throw exceeded(need, cap, cap.effectivelyUsed());
        }
        if (cap.used() + need.requested() > cap.limit()) {
          capBlocked.add(need);
        }
      }
      Verdict verdict = judge(needs, free);
      if (!verdict.shortages().isEmpty()) {
        throw new InsufficientStockException(verdict.shortages());
      }
      if (attempt == ATTEMPTS) {
        if (!capBlocked.isEmpty()) {
          CapNeed need = capBlocked.get(0);
          CapFree cap = caps.get(need.sku());
          throw exceeded(need, cap, cap.used());
        }
        if (needs.isEmpty()) {
          // Only a limit was asked, and it kept changing under the change (lifted or raised).
          throw new InventoryException("the change kept being refused while its limits changed");
        }
        throw new InsufficientStockException(asRead(needs, free));
      }
      if ((!verdict.blocked().isEmpty() || !capBlocked.isEmpty()) && !expiredOnce) {
        expiredOnce = true;
        long started = events.start();
        int expired = 0;
        if (!verdict.blocked().isEmpty()) {
          expired += session.transaction(Repeat.SAFE, expiry.expireDueOn(verdict.blocked(), now));
        }
        if (!capBlocked.isEmpty()) {
          String buyer = capBlocked.get(0).buyer();
          List<String> skus = capBlocked.stream().map(CapNeed::sku).toList();
          expired += session.transaction(Repeat.SAFE, expiry.expireDueOfBuyer(buyer, skus, now));
        }
        events.expiredLazily(expired, verdict.blocked(), started, session instanceof Db);
      }
      attempt++;
    }

    private BuyerLimitExceededException exceeded(CapNeed need, CapFree cap, long used) {
      return new BuyerLimitExceededException(
          need.buyer(), need.sku(), cap.limit(), used, need.requested());
    }

    /**
     * After an attempt that lost a race unrelated to stock (its id was being inserted by another
     * request that then rolled back): to be tried again, unless that was the last attempt.
     */
    void raced(Supplier<RuntimeException> exhausted) {
      if (attempt == ATTEMPTS) {
        throw exhausted.get();
      }
      attempt++;
    }
  }
}
