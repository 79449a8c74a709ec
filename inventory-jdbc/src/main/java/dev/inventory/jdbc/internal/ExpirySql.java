package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.StockKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The statements that mark due holds expired (guarded by {@code ${dueHold}}), returning the ids
 * they claimed; giving back their stock is {@link Expiry}'s. Each statement's text, binding and row
 * mapping; no decision. Thread-safe: it holds only text.
 */
final class ExpirySql {
  private final String expireIfDue;
  private final String expireDue;
  private final String expireDueOnKeys;
  private final String expireDueOfBuyer;
  private final String giveBack;

  ExpirySql(SqlText sql) {
    this.giveBack = sql.render(GIVE_BACK);
    this.expireIfDue = sql.render(EXPIRE_IF_DUE);
    this.expireDue = sql.render(EXPIRE_DUE);
    this.expireDueOnKeys = sql.render(EXPIRE_DUE_ON_KEYS);
    this.expireDueOfBuyer = sql.render(EXPIRE_DUE_OF_BUYER);
  }

  /** Expires one hold if it is due: the write half of the lazy expiry. Returns its id. */
  private static final String EXPIRE_IF_DUE =
      """
      UPDATE ${schema}.reservation
         SET status = 'EXPIRED', updated_at = :now
       WHERE id = :id AND ${dueHold}
      RETURNING id
      """;

  /** Marks one hold expired if it is due; its id, or nothing. */
  Session.Work<List<String>> claimIfDue(String reservationId, Instant now) {
    return h ->
        h.createQuery(expireIfDue)
            .bind("id", reservationId)
            .bind("now", timestamp(now))
            .mapTo(String.class)
            .list();
  }

  /**
   * Claims due holds for expiry and marks them expired. SKIP LOCKED lets several sweepers (or a
   * sweeper and a lazy expiry) run at once: each hold is claimed by one, and a hold that a confirm
   * or release has locked is left to it. Returns the claimed ids.
   */
  private static final String EXPIRE_DUE =
      """
      WITH due AS (
          SELECT id
            FROM ${schema}.reservation
           WHERE ${dueHold}
           -- Ties in id order as Java orders ids, never by the database's collation (which
           -- may say "a" < "B"): with a limit, that decides which holds expire, and every
           -- implementation must pick the same ones. "C" compares code points, which is
           -- String.compareTo's order but for surrogate pairs against U+E000..U+FFFF.
           ORDER BY expires_at, id COLLATE "C"
           LIMIT :limit
             FOR UPDATE SKIP LOCKED
      )
      UPDATE ${schema}.reservation r
         SET status = 'EXPIRED', updated_at = :now
        FROM due
       WHERE r.id = due.id
      RETURNING r.id
      """;

  /** Marks up to {@code limit} due holds expired, earliest first; their ids. */
  Session.Work<List<String>> claimDue(int limit, Instant now) {
    return h ->
        h.createQuery(expireDue)
            .bind("now", timestamp(now))
            .bind("limit", limit)
            .mapTo(String.class)
            .list();
  }

  /** {@link #EXPIRE_DUE} for the due holds with a line on one of these keys. */
  private static final String EXPIRE_DUE_ON_KEYS =
      """
      WITH due AS (
          SELECT r.id
            FROM ${schema}.reservation r
           WHERE ${dueHold(r)}
             AND EXISTS (
                 SELECT 1
                   FROM ${schema}.reservation_line l
                   JOIN unnest(:skus, :locations) AS k(sku, location)
                     ON k.sku = l.sku AND k.location = l.location
                  WHERE l.reservation_id = r.id)
           ORDER BY r.expires_at, r.id
             FOR UPDATE SKIP LOCKED
      )
      UPDATE ${schema}.reservation r
         SET status = 'EXPIRED', updated_at = :now
        FROM due
       WHERE r.id = due.id
      RETURNING r.id
      """;

  /** Marks the due holds with a line on one of these sorted keys expired; their ids. */
  Session.Work<List<String>> claimDueOnKeys(List<StockKey> sorted, Instant now) {
    return h ->
        h.createQuery(expireDueOnKeys)
            .bind("now", timestamp(now))
            .bindArray("skus", String.class, PgValues.skus(sorted))
            .bindArray("locations", String.class, PgValues.locations(sorted))
            .mapTo(String.class)
            .list();
  }

  /**
   * {@link #EXPIRE_DUE} for the due holds of one buyer with a line counted for it on one of these
   * SKUs: the holds that keep a buyer at an item's limit. Found through the index by buyer.
   */
  private static final String EXPIRE_DUE_OF_BUYER =
      """
      WITH due AS (
          SELECT r.id
            FROM ${schema}.reservation r
           WHERE r.buyer = :buyer
             AND ${dueHold(r)}
             AND EXISTS (
                 SELECT 1
                   FROM ${schema}.reservation_line l
                  WHERE l.reservation_id = r.id AND l.buyer_counted AND l.sku = ANY (:skus))
           ORDER BY r.expires_at, r.id
             FOR UPDATE SKIP LOCKED
      )
      UPDATE ${schema}.reservation r
         SET status = 'EXPIRED', updated_at = :now
        FROM due
       WHERE r.id = due.id
      RETURNING r.id
      """;

  /** Marks the buyer's due holds counted on one of these SKUs expired; their ids. */
  Session.Work<List<String>> claimDueOfBuyer(String buyer, List<String> skus, Instant now) {
    return h ->
        h.createQuery(expireDueOfBuyer)
            .bind("now", timestamp(now))
            .bind("buyer", buyer)
            .bindArray("skus", String.class, skus)
            .mapTo(String.class)
            .list();
  }

  /**
   * Gives back the units of holds this transaction has just marked expired (V12's {@code
   * inventory_give_back_priced}, which confirms and releases call too): each stock row changed
   * once, by the total of its lines, in key order; one log row per line; the buyers' units of
   * counted lines given back. Returns the lines given back. Called directly, not through V5's
   * {@code inventory_give_back}, which an earlier version calls and which since V12 is a SQL
   * function over it: one function call less per sweep batch (pgbench, ten holds of ten keys:
   * 0.54-0.55 ms a call against 0.57-0.60 through it).
   */
  private static final String GIVE_BACK =
      """
      SELECT line_reservation_id
        FROM ${schema}.inventory_give_back_priced(:ids, :kinds, :sold, :now)
      """;

  /** Gives back the units of holds just marked expired; how many holds. */
  Session.Work<Integer> giveBack(List<String> claimed, Instant now) {
    return h -> {
      if (claimed.isEmpty()) {
        return 0;
      }
      String[] kinds = new String[claimed.size()];
      Long[] sold = new Long[claimed.size()];
      Arrays.fill(kinds, "EXPIRE");
      Arrays.fill(sold, 0L);
      h.createQuery(giveBack)
          .bindArray("ids", String.class, claimed)
          .bind("kinds", kinds)
          .bind("sold", sold)
          .bind("now", timestamp(now))
          .mapTo(String.class)
          .list();
      return claimed.size();
    };
  }
}
