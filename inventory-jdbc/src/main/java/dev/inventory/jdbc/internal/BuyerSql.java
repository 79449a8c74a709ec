package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The statements on a buyer's units under per-buyer limits ({@code buyer_usage}, migration V7)
 * outside the placement functions: the limits of some SKUs, an amend's change of the buyer's units,
 * and what a refused amend needs to know. Each statement's text, binding and row mapping; no
 * decision. Thread-safe: it holds only text.
 */
final class BuyerSql {
  private final String limits;
  private final String addUnits;
  private final String subtractUnits;
  private final String capProbe;

  BuyerSql(SqlText sql) {
    this.limits = sql.render(LIMITS);
    this.addUnits = sql.render(ADD_UNITS);
    this.subtractUnits = sql.render(SUBTRACT_UNITS);
    this.capProbe = sql.render(CAP_PROBE);
  }

  /** The per-buyer limits of these SKUs: primary-key lookups of the items that have one. */
  private static final String LIMITS =
      """
      SELECT sku, per_buyer_limit
        FROM ${schema}.item
       WHERE sku = ANY (:skus) AND per_buyer_limit IS NOT NULL
      """;

  /** The limits of those of these SKUs that have one, by SKU. */
  Session.Work<Map<String, Long>> limits(List<String> skus) {
    return h -> {
      Map<String, Long> limits = new HashMap<>();
      h.createQuery(this.limits)
          .bindArray("skus", String.class, skus)
          .map((rs, ctx) -> Map.entry(rs.getString("sku"), rs.getLong("per_buyer_limit")))
          .forEach(e -> limits.put(e.getKey(), e.getValue()));
      return limits;
    };
  }

  /**
   * Adds units to a buyer's on a SKU if the limit leaves room for them, as the placement functions
   * do: ON CONFLICT reads the row's newest committed units under its lock, so the check and the
   * change are one step. No limit (NULL: the SKU's limit was lifted after its lines were counted):
   * added as they are.
   */
  private static final String ADD_UNITS =
      """
      INSERT INTO ${schema}.buyer_usage AS u (buyer, sku, units)
      SELECT :buyer, :sku, :units
       WHERE CAST(:limit AS bigint) IS NULL OR :units <= CAST(:limit AS bigint)
      ON CONFLICT (buyer, sku) DO UPDATE
         SET units = u.units + EXCLUDED.units
       WHERE CAST(:limit AS bigint) IS NULL OR u.units + EXCLUDED.units <= CAST(:limit AS bigint)
      RETURNING units
      """;

  /** Adds {@code units} to the buyer's on the SKU; false (nothing written) past the limit. */
  Session.Work<Boolean> add(String buyer, String sku, long units, @Nullable Long limit) {
    return h ->
        h.createQuery(addUnits)
            .bind("buyer", buyer)
            .bind("sku", sku)
            .bind("units", units)
            .bind("limit", limit)
            .mapTo(Long.class)
            .findOne()
            .isPresent();
  }

  /** Gives units of a buyer's on a SKU back (an amend shrank counted lines). */
  private static final String SUBTRACT_UNITS =
      """
      UPDATE ${schema}.buyer_usage
         SET units = units - :units
       WHERE buyer = :buyer AND sku = :sku
      """;

  /** Takes {@code units} off the buyer's on the SKU. */
  Session.Work<Void> subtract(String buyer, String sku, long units) {
    return h -> {
      h.createUpdate(subtractUnits)
          .bind("buyer", buyer)
          .bind("sku", sku)
          .bind("units", units)
          .execute();
      return null;
    };
  }

  /**
   * A buyer's room under the limits of these SKUs: the limit, the units as stored, and those held
   * by the buyer's holds past their expiry (through the index by buyer).
   */
  private static final String CAP_PROBE =
      """
      SELECT i.sku, i.per_buyer_limit AS cap_limit,
             coalesce((SELECT u.units FROM ${schema}.buyer_usage u
                        WHERE u.buyer = :buyer AND u.sku = i.sku), 0) AS cap_used,
             (SELECT coalesce(sum(l.quantity), 0)
                FROM ${schema}.reservation r
                JOIN ${schema}.reservation_line l ON l.reservation_id = r.id
               WHERE r.buyer = :buyer AND ${dueHold(r)}
                 AND l.sku = i.sku AND l.buyer_counted) AS cap_due
        FROM ${schema}.item i
       WHERE i.sku = ANY (:skus) AND i.per_buyer_limit IS NOT NULL
      """;

  /** The buyer's room under the limits of those of these SKUs that have one, by SKU. */
  Session.Work<Map<String, CapFree>> probe(String buyer, List<String> skus, Instant now) {
    return h -> {
      Map<String, CapFree> caps = new HashMap<>();
      h.createQuery(capProbe)
          .bind("buyer", buyer)
          .bindArray("skus", String.class, skus)
          .bind("now", timestamp(now))
          .map(
              (rs, ctx) ->
                  Map.entry(
                      rs.getString("sku"),
                      new CapFree(
                          rs.getLong("cap_limit"), rs.getLong("cap_used"), rs.getLong("cap_due"))))
          .forEach(e -> caps.put(e.getKey(), e.getValue()));
      return caps;
    };
  }
}
