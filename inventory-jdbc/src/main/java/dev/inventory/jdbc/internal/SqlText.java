package dev.inventory.jdbc.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the library's statements for one schema, with the fragments several statements share.
 *
 * <p>{@code ${schema}} is replaced by the library's schema: a name checked to be a plain SQL
 * identifier, so the replacement cannot inject anything. Parameters are bound by name ({@code
 * :name}) by the statement classes.
 *
 * <p>Two rules keep every write safe without {@code SELECT ... FOR UPDATE}:
 *
 * <ul>
 *   <li>Stock changes are conditional UPDATEs. The row lock and the check are one step: a
 *       concurrent writer waits for the lock, then PostgreSQL re-evaluates the WHERE clause against
 *       the newest version of the row (READ COMMITTED's EvalPlanQual), so two carts can never both
 *       take the last unit. The CHECK constraint on stock_level backs this up.
 *   <li>A statement that may touch several stock rows touches one (a transaction runs them in key
 *       order), or locks them one by one in key order (V3's {@code inventory_place_batch}), because
 *       PostgreSQL does not promise the order in which one UPDATE locks the rows of a join; a fixed
 *       order is what keeps crossed carts from deadlocking.
 * </ul>
 *
 * <p>Fragments:
 *
 * <ul>
 *   <li>{@code ${heldNotDue}} (or {@code ${heldNotDue(r)}} for a table alias {@code r}): a
 *       reservation that still holds its stock now: held, and its expiry after {@code :now}. Every
 *       move out of HELD is conditional on it, which is what lets exactly one of confirm, release
 *       and expiry win.
 *   <li>{@code ${dueHold}} (or {@code ${dueHold(r)}}): its complement among held reservations:
 *       held, and its expiry at or before {@code :now}. Such a hold counts as available, not
 *       reserved.
 *   <li>{@code ${dueOnKey}}, {@code ${dueByKey}}: units kept by due holds, on one key or per key.
 *   <li>{@code ${skuKnown}}, {@code ${locationKnown}}: whether the catalog has {@code :sku}, or
 *       {@code :location}, active (migration V6): a refusal's answer in known-keys mode.
 *   <li>{@code ${era}}: the era width of the log's key index ({@link #LOG_ERA}).
 * </ul>
 */
final class SqlText {
  /**
   * Log ids per era of the log's key index (V4 migration): the index is {@code (id / 262144, sku,
   * location, id)}, and a query uses it only if it divides by this very number.
   */
  static final int LOG_ERA = 262_144;

  private static final String HELD_NOT_DUE = "status = 'HELD' AND expires_at > :now";
  private static final String DUE_HOLD = "status = 'HELD' AND expires_at <= :now";
  private static final Pattern HELD_NOT_DUE_OF = Pattern.compile("\\$\\{heldNotDue\\((\\w+)\\)}");
  private static final Pattern DUE_HOLD_OF = Pattern.compile("\\$\\{dueHold\\((\\w+)\\)}");

  /*
   * Units kept by holds already past their expiry (which count as available). Both fragments start
   * from the due holds (the partial index on held reservations), fenced with MATERIALIZED: left to
   * itself, the planner may start from the key instead and read every line ever sold on it, which
   * on a hot SKU is millions of rows. Due holds are few while a sweeper runs.
   */

  /** Due units on {@code :sku}/{@code :location}. */
  private static final String DUE_ON_KEY =
      """
      (WITH due_ids AS MATERIALIZED (
               SELECT id FROM ${schema}.reservation WHERE ${dueHold})
           SELECT coalesce(sum(l.quantity), 0)
             FROM due_ids d
             JOIN ${schema}.reservation_line l ON l.reservation_id = d.id
            WHERE l.sku = :sku AND l.location = :location)""";

  /** Whether the catalog has {@code :sku} active: a primary-key lookup. */
  private static final String SKU_KNOWN =
      "EXISTS (SELECT 1 FROM ${schema}.item WHERE sku = :sku AND active)";

  /** Whether the catalog has {@code :location} active. */
  private static final String LOCATION_KNOWN =
      "EXISTS (SELECT 1 FROM ${schema}.location WHERE code = :location AND active)";

  /** A CTE body: due units per key of the CTE {@code keys}. */
  private static final String DUE_BY_KEY =
      """
      WITH due_ids AS MATERIALIZED (
               SELECT id FROM ${schema}.reservation WHERE ${dueHold})
           SELECT l.sku, l.location, sum(l.quantity) AS quantity
             FROM due_ids d
             JOIN ${schema}.reservation_line l ON l.reservation_id = d.id
             JOIN keys k ON k.sku = l.sku AND k.location = l.location
            GROUP BY l.sku, l.location""";

  private final String schema;

  SqlText(String schema) {
    this.schema = schema;
  }

  /** The statement with every fragment and the schema filled in. */
  String render(String sql) {
    String withFragments =
        sql.replace("${dueOnKey}", DUE_ON_KEY)
            .replace("${dueByKey}", DUE_BY_KEY)
            .replace("${skuKnown}", SKU_KNOWN)
            .replace("${locationKnown}", LOCATION_KNOWN)
            .replace("${era}", Integer.toString(LOG_ERA));
    withFragments = aliased(HELD_NOT_DUE_OF, withFragments, HELD_NOT_DUE);
    withFragments = aliased(DUE_HOLD_OF, withFragments, DUE_HOLD);
    return withFragments
        .replace("${heldNotDue}", HELD_NOT_DUE)
        .replace("${dueHold}", DUE_HOLD)
        .replace("${schema}", schema);
  }

  /** The condition with each of its columns qualified by the alias in the placeholder. */
  private static String aliased(Pattern placeholder, String sql, String condition) {
    Matcher m = placeholder.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String alias = m.group(1);
      String qualified =
          condition
              .replace("status", alias + ".status")
              .replace("expires_at", alias + ".expires_at");
      m.appendReplacement(out, Matcher.quoteReplacement(qualified));
    }
    m.appendTail(out);
    return out.toString();
  }
}
