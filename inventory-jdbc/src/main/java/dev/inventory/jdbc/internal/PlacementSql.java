package dev.inventory.jdbc.internal;

import dev.inventory.Line;
import dev.inventory.Price;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The statements that place a request: a one-line request in one statement, a batch of one-line
 * requests for one key or for several (flash-sale mode), and a cart's reservation row. Each
 * statement's text, binding and row mapping; no decision about what a refusal means (that is {@link
 * Placement}'s and {@link CombinedPlacement}'s). Thread-safe: it holds only text.
 *
 * <p>Reserve and purchase share the statements: a reserve holds ({@code reserved + q}, log kind
 * RESERVE), a purchase sells at once ({@code on_hand - q}, log kind CONFIRM).
 *
 * <p>Known-keys mode: each conditional UPDATE also asks for the row's catalog flags ({@code
 * item_active AND location_active}, migration V6), which are off only where the mode's guard keeps
 * them equal to the catalog; so a deactivated key is refused like a short one, under its row lock,
 * at the cost of reading two columns of the row being locked. A refusal answers, per key, whether
 * the catalog knows its SKU and its location (two primary-key lookups, on the refusal's branch
 * only), so that the mode names unknown keys without another round trip.
 *
 * <p>Per-buyer limits (V7): a request that names a buyer is checked against its SKUs' limits from
 * what is committed (a buyer at the limit is refused without a write or a lock), and its units are
 * added to its buyer's ({@code buyer_usage}) after the stock rows, by a conditional upsert under
 * the row's lock; if they no longer fit there, the statement raises SQLSTATE IV002 ({@link
 * SqlErrors#isBuyerRaced}), which undoes it all, and the caller tries again. A refusal answers the
 * buyer's room ({@link CapFree}). A request without a buyer skips all of it.
 */
final class PlacementSql {
  /** One request of a combined batch: its line's quantity and unit price, and its buyer. */
  record Item(
      String id,
      long quantity,
      String hash,
      Instant expiresAt,
      @Nullable String buyer,
      @Nullable Price unitPrice) {}

  /**
   * What a refused batch for one key saw: units free and kept by due holds, whether the catalog
   * knows the key ({@link Free}, on-hand not read), and whether any of its ids is taken.
   */
  record BatchRefusal(Free free, boolean anyIdTaken) {
    long due() {
      return free.due();
    }
  }

  private final Positional reserveOneLine;
  private final Positional placeBatch;
  private final Positional placeBatchOfKeys;
  private final Positional placeCart;
  private final Positional placeCarts;

  PlacementSql(SqlText sql) {
    this.reserveOneLine = Positional.of(sql.render(RESERVE_ONE_LINE));
    this.placeBatch = Positional.of(sql.render(PLACE_BATCH));
    this.placeBatchOfKeys = Positional.of(sql.render(PLACE_BATCH_OF_KEYS));
    this.placeCart = Positional.of(sql.render(PLACE_CART));
    this.placeCarts = Positional.of(sql.render(PLACE_CARTS));
  }

  /**
   * Reserves (or purchases) a one-line request in one statement, V10's function: the stock, the
   * buyer's units under a limit, the reservation, its line and the log row; if refused, nothing is
   * written and the row says what was free, what due holds keep, whether the id is taken, whether
   * the catalog knows the key and the buyer's room (see the migration). A function rather than one
   * data-modifying statement because a conditional UPDATE that waited for the row re-checks it
   * after setting up every subplan of its statement, inside the row's queue; alone in the
   * function's statement, it sets up nothing else. Since V13 a call that passed the stock check
   * waits for a contended key in the key's queue (an advisory lock) rather than on the row with
   * every other waiter (see the migration). What a reserve and a purchase bind: {@link #placing}.
   */
  private static final String RESERVE_ONE_LINE =
      """
      SELECT placed, available, due, id_taken, sku_known, location_known,
             cap_limit, cap_used, cap_due
        FROM ${schema}.inventory_place_one_line(
                 CAST(:id AS text), CAST(:status AS text), CAST(:kind AS text),
                 CAST(:sku AS text), CAST(:location AS text), CAST(:quantity AS bigint),
                 CAST(:held AS bigint), CAST(:sold AS bigint),
                 CAST(:hash AS text), CAST(:buyer AS text),
                 CAST(:unitPrice AS bigint), CAST(:currency AS text),
                 CAST(:now AS timestamptz), CAST(:expiresAt AS timestamptz))
      """;

  /** Places a one-line request; empty if placed, else what the refusal saw on its key. */
  Session.Work<Optional<Probe>> reserveOneLine(
      String id,
      Status status,
      Line line,
      @Nullable String buyer,
      String hash,
      Instant now,
      Instant expiresAt) {
    Price price = line.unitPrice();
    return tx ->
        reserveOneLine.query(
            tx,
            b ->
                placing(b, status, now)
                    .text("id", id)
                    .text("hash", hash)
                    .text("buyer", buyer)
                    .nullableBigint("unitPrice", price == null ? null : price.amountMinor())
                    .text("currency", price == null ? null : price.currency())
                    .text("sku", line.key().sku())
                    .text("location", line.key().location())
                    .bigint("quantity", line.quantity())
                    .timestamptz("expiresAt", expiresAt),
            rs -> {
              rs.next();
              if (rs.getBoolean("placed")) {
                return Optional.<Probe>empty();
              }
              long limit = rs.getLong("cap_limit");
              Map<String, CapFree> caps =
                  rs.wasNull()
                      ? Map.of()
                      : Map.of(
                          line.key().sku(),
                          new CapFree(limit, rs.getLong("cap_used"), rs.getLong("cap_due")));
              return Optional.of(
                  new Probe(Map.of(line.key(), free(rs)), rs.getBoolean("id_taken"), caps));
            });
  }

  /**
   * Grants a batch of one-line requests for the same key in one statement (flash-sale mode, see
   * {@link Combiner}): one conditional UPDATE of the batch's total, and every request's
   * reservation, line and log row. All of the batch or none: if the total does not fit (or an id is
   * taken, which fails the whole statement), nothing is written and the statement answers what was
   * free, so that the caller can send again the requests that fit it. Log rows follow arrival
   * order, each with the level as it stood after it: the row's new level plus what the batch's
   * later requests took ({@code :later}, summed by the caller: a window over the batch in the
   * statement cost the hot row 7-10 % of its reserves per second). Purchase: {@code :sold} 1,
   * {@code :held} 0; reserve: the other way round.
   */
  private static final String PLACE_BATCH =
      """
      WITH req AS (
          SELECT *
            FROM unnest(:ids, :quantities, :hashes, :expiresMicros, :buyers, :unitPrices,
                        :currencies, :later)
                 WITH ORDINALITY
                 AS r(id, quantity, hash, expires_micros, buyer, unit_price, currency, later,
                      ord)
      ), taken AS (
          UPDATE ${schema}.stock_level
             SET on_hand = on_hand - :sold * :total,
                 reserved = reserved + :held * :total,
                 updated_at = :now
           WHERE sku = :sku AND location = :location
             -- The whole safety argument again, for the batch's total: see the class comment.
             AND on_hand - reserved >= :total
             AND item_active AND location_active
          RETURNING on_hand, reserved
      ), held AS (
          INSERT INTO ${schema}.reservation
                 (id, status, created_at, expires_at, updated_at, request_hash, buyer)
          SELECT r.id, :status, :now,
                 timestamptz 'epoch' + r.expires_micros * interval '1 microsecond',
                 :now, r.hash, r.buyer
            FROM req r, taken
      ), line AS (
          INSERT INTO ${schema}.reservation_line
                 (reservation_id, sku, location, quantity, unit_price_minor, currency)
          SELECT r.id, :sku, :location, r.quantity, r.unit_price, r.currency
            FROM req r, taken
      ), logged AS (
          INSERT INTO ${schema}.inventory_log
                 (at, sku, location, kind, on_hand_delta, reserved_delta,
                  on_hand_after, reserved_after, reservation_id)
          SELECT :now, :sku, :location, :kind, -:sold * r.quantity, :held * r.quantity,
                 t.on_hand + :sold * r.later, t.reserved - :held * r.later, r.id
            FROM req r, taken t
           ORDER BY r.ord
      )
      SELECT true AS placed, NULL::bigint AS available, NULL::bigint AS due,
             NULL::text[] AS taken_ids, NULL::boolean AS sku_known, NULL::boolean AS location_known
        FROM taken
      UNION ALL
      -- Refused: what was free, what due holds keep, which ids are taken, whether the catalog
      -- knows the key; evaluated only then.
      SELECT false,
             coalesce((SELECT on_hand - reserved FROM ${schema}.stock_level
                        WHERE sku = :sku AND location = :location), 0),
             ${dueOnKey},
             ARRAY(SELECT r.id FROM req r
                    WHERE EXISTS (SELECT 1 FROM ${schema}.reservation x WHERE x.id = r.id)),
             ${skuKnown},
             ${locationKnown}
       WHERE NOT EXISTS (SELECT 1 FROM taken)
      """;

  /** Places a batch of one-line requests for one key; empty if placed, else what it saw. */
  Session.Work<Optional<BatchRefusal>> placeBatch(
      StockKey key, List<Item> items, Status status, Instant now) {
    Columns c = Columns.of(items);
    Long[] later = new Long[items.size()];
    long total = 0;
    for (int i = later.length - 1; i >= 0; i--) {
      later[i] = total;
      total = Math.addExact(total, c.quantities()[i]);
    }
    long batchTotal = total;
    return tx ->
        placeBatch.query(
            tx,
            b ->
                placing(b, status, now)
                    .text("sku", key.sku())
                    .text("location", key.location())
                    .bigint("total", batchTotal)
                    .textArray("ids", c.ids())
                    .bigintArray("quantities", c.quantities())
                    .textArray("hashes", c.hashes())
                    .bigintArray("expiresMicros", c.expiresMicros())
                    .textArray("buyers", c.buyers())
                    .bigintArray("unitPrices", c.unitPrices())
                    .textArray("currencies", c.currencies())
                    .bigintArray("later", later),
            rs -> {
              rs.next();
              return rs.getBoolean("placed")
                  ? Optional.<BatchRefusal>empty()
                  : Optional.of(
                      new BatchRefusal(
                          free(rs), ((String[]) rs.getArray("taken_ids").getArray()).length > 0));
            });
  }

  /**
   * What a batch through the function answered: the keys refused, each with what it had free (on
   * -hand not read), and the requests left out for their buyer's limit (placed alone afterwards).
   */
  record KeysOutcome(Map<StockKey, Free> refused, Set<String> leftOut) {}

  /**
   * Grants a batch of one-line requests over several keys (flash-sale mode), or over one key when a
   * request names a buyer, through V7's {@code inventory_place_batch}: per-buyer limits first, then
   * the keys' rows one by one in the order given (key order, as a cart locks them: a single UPDATE
   * over several rows cannot promise an order), then the buyers' units. Answers the keys whose
   * total did not fit and the requests left out for a limit; nothing was written for those. Arrays:
   * the keys, then the requests in arrival order with the index (1-based) of each one's key.
   */
  private static final String PLACE_BATCH_OF_KEYS =
      """
      SELECT refused_sku, refused_location, refused_available, refused_due,
             refused_sku_known, refused_location_known, left_out_id
        FROM ${schema}.inventory_place_batch(:status, :kind, :held, :sold, :now,
                                   :keySkus, :keyLocations,
                                   :ids, :keyOf, :quantities, :hashes, :expiresMicros,
                                   :buyers, :unitPrices, :currencies)
      """;

  /**
   * Places a batch of one-line requests through the function; see {@link #PLACE_BATCH_OF_KEYS}.
   *
   * @param byKey the positions in {@code items} of each key's requests, keys in key order
   */
  Session.Work<KeysOutcome> placeBatchOfKeys(
      List<Item> items, SortedMap<StockKey, List<Integer>> byKey, Status status, Instant now) {
    int keys = byKey.size();
    String[] keySkus = new String[keys];
    String[] keyLocations = new String[keys];
    Integer[] keyOf = new Integer[items.size()];
    int k = 0;
    for (Map.Entry<StockKey, List<Integer>> e : byKey.entrySet()) {
      keySkus[k] = e.getKey().sku();
      keyLocations[k] = e.getKey().location();
      for (int i : e.getValue()) {
        keyOf[i] = k + 1;
      }
      k++;
    }
    Columns c = Columns.of(items);
    return tx ->
        placeBatchOfKeys.query(
            tx,
            b ->
                placing(b, status, now)
                    .textArray("keySkus", keySkus)
                    .textArray("keyLocations", keyLocations)
                    .textArray("ids", c.ids())
                    .integerArray("keyOf", keyOf)
                    .bigintArray("quantities", c.quantities())
                    .textArray("hashes", c.hashes())
                    .bigintArray("expiresMicros", c.expiresMicros())
                    .textArray("buyers", c.buyers())
                    .bigintArray("unitPrices", c.unitPrices())
                    .textArray("currencies", c.currencies()),
            rs -> {
              Map<StockKey, Free> refused = new TreeMap<>();
              Set<String> leftOut = new HashSet<>();
              while (rs.next()) {
                String id = rs.getString("left_out_id");
                if (id != null) {
                  leftOut.add(id);
                } else {
                  refused.put(
                      new StockKey(rs.getString("refused_sku"), rs.getString("refused_location")),
                      new Free(
                          -1,
                          rs.getLong("refused_available"),
                          rs.getLong("refused_due"),
                          rs.getBoolean("refused_sku_known"),
                          rs.getBoolean("refused_location_known")));
                }
              }
              return new KeysOutcome(refused, leftOut);
            });
  }

  /** What a refused one-key statement read; it does not read on-hand. */
  private static Free free(ResultSet rs) throws SQLException {
    return new Free(
        -1,
        rs.getLong("available"),
        rs.getLong("due"),
        rs.getBoolean("sku_known"),
        rs.getBoolean("location_known"));
  }

  /**
   * Binds what a placement of this status does, the same in every placing statement: a reserve
   * holds ({@code :held} 1, log kind RESERVE), a purchase sells at once ({@code :sold} 1, log kind
   * CONFIRM); and the statement's now.
   */
  private static Positional.Binder placing(Positional.Binder b, Status status, Instant now)
      throws SQLException {
    boolean held = status == Status.HELD;
    return b.text("status", status.name())
        .text("kind", held ? "RESERVE" : "CONFIRM")
        .bigint("held", held ? 1L : 0L)
        .bigint("sold", held ? 0L : 1L)
        .timestamptz("now", now);
  }

  /** A batch's requests as columns (arrays in batch order), to be unnested by the statement. */
  private record Columns(
      String[] ids,
      Long[] quantities,
      String[] hashes,
      Long[] expiresMicros,
      String[] buyers,
      Long[] unitPrices,
      String[] currencies) {
    static Columns of(List<Item> items) {
      int n = items.size();
      Columns c =
          new Columns(
              new String[n],
              new Long[n],
              new String[n],
              new Long[n],
              new String[n],
              new Long[n],
              new String[n]);
      for (int i = 0; i < n; i++) {
        Item item = items.get(i);
        c.ids[i] = item.id();
        c.quantities[i] = item.quantity();
        c.hashes[i] = item.hash();
        c.expiresMicros[i] = PgValues.epochMicros(item.expiresAt());
        c.buyers[i] = item.buyer();
        if (item.unitPrice() != null) {
          c.unitPrices[i] = item.unitPrice().amountMinor();
          c.currencies[i] = item.unitPrice().currency();
        }
      }
      return c;
    }
  }

  /**
   * Places a cart in one statement (V6's {@code inventory_place_cart_checked}, V5's cart with the
   * catalog's answer; V7's overload, which stores the buyer and the prices and applies per-buyer
   * limits, answering the buyer's room under them when refused; a limit passed under the row's lock
   * raises SQLSTATE IV002, {@link SqlErrors#isBuyerRaced}): its reservation and lines, one
   * conditional change per line in key order, the log rows; or nothing, answering what each line's
   * key had free and whether the catalog knows it (see the function). A line short under its row
   * lock raises SQLSTATE IV001 ({@link SqlErrors#isCartRaced}), which undoes the whole statement.
   */
  private static final String PLACE_CART =
      """
      SELECT short_sku, short_location, short_on_hand, short_available, short_due, id_taken,
             sku_known, location_known, cap_limit, cap_used, cap_due
        FROM ${schema}.inventory_place_cart_checked(:id, :status, :kind, :held, :sold, :now,
                                                    :expiresAt, :hash, :skus, :locations,
                                                    :quantities, :buyer, :unitPrices,
                                                    :currencies)
      """;

  /** Places a cart (lines merged, in key order); empty if placed, else what its keys had free. */
  Session.Work<Optional<Probe>> placeCart(
      String id,
      Status status,
      List<Line> lines,
      @Nullable String buyer,
      String hash,
      Instant now,
      Instant expiresAt) {
    int n = lines.size();
    String[] skus = new String[n];
    String[] locations = new String[n];
    Long[] quantities = new Long[n];
    Long[] unitPrices = new Long[n];
    String[] currencies = new String[n];
    for (int i = 0; i < n; i++) {
      Line line = lines.get(i);
      skus[i] = line.key().sku();
      locations[i] = line.key().location();
      quantities[i] = line.quantity();
      if (line.unitPrice() != null) {
        unitPrices[i] = line.unitPrice().amountMinor();
        currencies[i] = line.unitPrice().currency();
      }
    }
    return tx ->
        placeCart.query(
            tx,
            b ->
                placing(b, status, now)
                    .text("id", id)
                    .timestamptz("expiresAt", expiresAt)
                    .text("hash", hash)
                    .textArray("skus", skus)
                    .textArray("locations", locations)
                    .bigintArray("quantities", quantities)
                    .text("buyer", buyer)
                    .bigintArray("unitPrices", unitPrices)
                    .textArray("currencies", currencies),
            rs -> {
              Map<StockKey, Free> byKey = new LinkedHashMap<>();
              Map<String, CapFree> caps = new HashMap<>();
              boolean idTaken = false;
              while (rs.next()) {
                idTaken = rs.getBoolean("id_taken");
                long limit = rs.getLong("cap_limit");
                if (!rs.wasNull()) {
                  caps.put(
                      rs.getString("short_sku"),
                      new CapFree(limit, rs.getLong("cap_used"), rs.getLong("cap_due")));
                }
                byKey.put(
                    new StockKey(rs.getString("short_sku"), rs.getString("short_location")),
                    new Free(
                        rs.getLong("short_on_hand"),
                        rs.getLong("short_available"),
                        rs.getLong("short_due"),
                        rs.getBoolean("sku_known"),
                        rs.getBoolean("location_known")));
              }
              return byKey.isEmpty()
                  ? Optional.empty()
                  : Optional.of(new Probe(byKey, idTaken, caps));
            });
  }

  /** One cart of a combined batch: its lines (merged, in key order), fingerprint and expiry. */
  record Cart(String id, List<Line> lines, String hash, Instant expiresAt) {}

  /**
   * What a refused batch of carts saw in its snapshot: the keys whose batch total did not fit, each
   * with the units it had free (0 for a key known-keys mode refuses), and the cart ids taken.
   */
  record CartsRefusal(Map<StockKey, Long> shortKeys, Set<String> takenIds) {}

  /**
   * Places a batch of carts in one call (flash-sale mode), through V9's {@code
   * inventory_place_carts}: every cart, all of its lines, or nothing, answering the keys whose
   * total did not fit and the ids taken. A key short under its row lock raises SQLSTATE IV001
   * ({@link SqlErrors#isCartRaced}), which undoes the call. Arrays: the keys in key order, the
   * carts in arrival order, then every cart's lines with the index (1-based) of its cart and of its
   * key.
   */
  private static final String PLACE_CARTS =
      """
      SELECT refused_sku, refused_location, refused_available, taken_id
        FROM ${schema}.inventory_place_carts(:status, :kind, :held, :sold, :now,
                                   :keySkus, :keyLocations, :ids, :hashes, :expiresMicros,
                                   :lineCart, :lineKey, :quantities, :unitPrices, :currencies)
      """;

  /** Places carts that name no buyer together; empty if every one was placed. */
  Session.Work<Optional<CartsRefusal>> placeCarts(List<Cart> carts, Status status, Instant now) {
    TreeMap<StockKey, Integer> keyIndex = new TreeMap<>();
    int lineCount = 0;
    for (Cart cart : carts) {
      for (Line line : cart.lines()) {
        keyIndex.put(line.key(), 0);
        lineCount++;
      }
    }
    String[] keySkus = new String[keyIndex.size()];
    String[] keyLocations = new String[keyIndex.size()];
    int k = 0;
    for (Map.Entry<StockKey, Integer> e : keyIndex.entrySet()) {
      keySkus[k] = e.getKey().sku();
      keyLocations[k] = e.getKey().location();
      e.setValue(++k);
    }
    int n = carts.size();
    String[] ids = new String[n];
    String[] hashes = new String[n];
    Long[] expiresMicros = new Long[n];
    Integer[] lineCart = new Integer[lineCount];
    Integer[] lineKey = new Integer[lineCount];
    Long[] quantities = new Long[lineCount];
    Long[] unitPrices = new Long[lineCount];
    String[] currencies = new String[lineCount];
    int l = 0;
    for (int c = 0; c < n; c++) {
      Cart cart = carts.get(c);
      ids[c] = cart.id();
      hashes[c] = cart.hash();
      expiresMicros[c] = PgValues.epochMicros(cart.expiresAt());
      for (Line line : cart.lines()) {
        lineCart[l] = c + 1;
        lineKey[l] = keyIndex.get(line.key());
        quantities[l] = line.quantity();
        if (line.unitPrice() != null) {
          unitPrices[l] = line.unitPrice().amountMinor();
          currencies[l] = line.unitPrice().currency();
        }
        l++;
      }
    }
    return tx ->
        placeCarts.query(
            tx,
            b ->
                placing(b, status, now)
                    .textArray("keySkus", keySkus)
                    .textArray("keyLocations", keyLocations)
                    .textArray("ids", ids)
                    .textArray("hashes", hashes)
                    .bigintArray("expiresMicros", expiresMicros)
                    .integerArray("lineCart", lineCart)
                    .integerArray("lineKey", lineKey)
                    .bigintArray("quantities", quantities)
                    .bigintArray("unitPrices", unitPrices)
                    .textArray("currencies", currencies),
            rs -> {
              Map<StockKey, Long> shortKeys = new TreeMap<>();
              Set<String> takenIds = new HashSet<>();
              while (rs.next()) {
                String taken = rs.getString("taken_id");
                if (taken != null) {
                  takenIds.add(taken);
                } else {
                  shortKeys.put(
                      new StockKey(rs.getString("refused_sku"), rs.getString("refused_location")),
                      rs.getLong("refused_available"));
                }
              }
              return shortKeys.isEmpty() && takenIds.isEmpty()
                  ? Optional.<CartsRefusal>empty()
                  : Optional.of(new CartsRefusal(shortKeys, takenIds));
            });
  }
}
