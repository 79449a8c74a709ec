package dev.inventory.jdbc.internal;

import static dev.inventory.jdbc.internal.PgValues.timestamp;

import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The statements on stock rows: a conditional change with its log row, a receipt, a count, and the
 * reads of levels and of what is free. Each statement's text, binding and row mapping; no decision
 * about what a refusal means. Thread-safe: it holds only text.
 */
final class StockSql {
  /**
   * One change of one stock row and its log row.
   *
   * @param required the unreserved units the change needs (0 when it cannot oversell: a confirm, a
   *     release or an expiry only gives back)
   */
  record Change(
      StockKey key,
      long onHandDelta,
      long reservedDelta,
      long required,
      String kind,
      String reservationId,
      Instant now) {}

  private final String changeStock;
  private final String changeStockReturningLevel;
  private final String addOnHand;
  private final String setOnHand;
  private final String levels;
  private final Positional shortageProbe;

  StockSql(SqlText sql) {
    this.changeStock = sql.render(CHANGE_STOCK);
    this.changeStockReturningLevel =
        changeStock.stripTrailing() + "\nRETURNING on_hand_after, reserved_after\n";
    this.addOnHand = sql.render(ADD_ON_HAND);
    this.setOnHand = sql.render(SET_ON_HAND);
    this.levels = sql.render(LEVELS);
    this.shortageProbe = Positional.of(sql.render(SHORTAGE_PROBE));
  }

  /**
   * Changes one stock row and logs it, if at least {@code :required} units are unreserved. Run as a
   * JDBC batch in key order; an update count of 0 means the key was short (or was never stocked).
   */
  private static final String CHANGE_STOCK =
      """
      WITH changed AS (
          UPDATE ${schema}.stock_level
             SET on_hand = on_hand + :onHandDelta,
                 reserved = reserved + :reservedDelta,
                 updated_at = :now
           WHERE sku = :sku AND location = :location
             AND on_hand - reserved >= :required
             -- Known-keys mode (V6): a change that needs free units (an amend's growth, a
             -- decrease) is refused on a key the catalog deactivated; giving back never is.
             AND (:required = 0 OR (item_active AND location_active))
          RETURNING on_hand, reserved
      )
      INSERT INTO ${schema}.inventory_log
             (at, sku, location, kind, on_hand_delta, reserved_delta,
              on_hand_after, reserved_after, reservation_id, reason)
      SELECT :now, :sku, :location, :kind, :onHandDelta, :reservedDelta,
             on_hand, reserved, :reservationId, :reason
        FROM changed
      """;

  /**
   * Runs the changes as one JDBC batch, in the order given (the caller's key order); returns the
   * keys whose change matched no row: short, or never stocked.
   */
  Session.Work<List<StockKey>> changeAll(List<Change> changes) {
    return h -> {
      if (changes.isEmpty()) {
        return List.of();
      }
      PreparedBatch batch = h.prepareBatch(changeStock);
      for (Change change : changes) {
        bind(batch, change).bindNull("reason", Types.VARCHAR).add();
      }
      int[] counts = batch.execute();
      List<StockKey> unapplied = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          unapplied.add(changes.get(i).key());
        }
      }
      return unapplied;
    };
  }

  /** One change with a reason, and the level it left; empty if it matched no row. */
  Session.Work<Optional<StockLevel>> changeReturningLevel(Change change, String reason) {
    return h ->
        bind(h.createQuery(changeStockReturningLevel), change)
            .bind("reason", reason)
            .map((rs, ctx) -> new StockLevel(change.key(), rs.getLong(1), rs.getLong(2)))
            .findOne();
  }

  private static <S extends SqlStatement<S>> S bind(S statement, Change change) {
    return statement
        .bind("sku", change.key().sku())
        .bind("location", change.key().location())
        .bind("onHandDelta", change.onHandDelta())
        .bind("reservedDelta", change.reservedDelta())
        .bind("required", change.required())
        .bind("kind", change.kind())
        .bind("reservationId", change.reservationId())
        .bind("now", timestamp(change.now()));
  }

  /**
   * Adds to on-hand, creating the key at 0 reserved if it was never stocked. Known-keys mode: the
   * insert of a new key, and the update that turns a deactivated key's flags back on, are refused
   * by the guard's foreign keys ({@link SqlErrors#isUnknownKey}); on a known key the flags stay as
   * they are, and no foreign key is checked.
   */
  private static final String ADD_ON_HAND =
      """
      WITH changed AS (
          INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
          VALUES (:sku, :location, :delta, 0, :now)
          ON CONFLICT (sku, location) DO UPDATE
             SET on_hand = s.on_hand + EXCLUDED.on_hand,
                 updated_at = EXCLUDED.updated_at,
                 item_active = true,
                 location_active = true
          RETURNING on_hand, reserved
      )
      INSERT INTO ${schema}.inventory_log
             (at, sku, location, kind, on_hand_delta, reserved_delta,
              on_hand_after, reserved_after, reason)
      SELECT :now, :sku, :location, :kind, :delta, 0, on_hand, reserved, :reason
        FROM changed
      RETURNING on_hand_after, reserved_after
      """;

  /** Adds to a key's on-hand (creating its row if need be), with its log row. */
  Session.Work<Void> addOnHand(StockKey key, long delta, String kind, String reason, Instant now) {
    return h -> {
      h.createQuery(addOnHand)
          .bind("sku", key.sku())
          .bind("location", key.location())
          .bind("delta", delta)
          .bind("kind", kind)
          .bind("reason", reason)
          .bind("now", timestamp(now))
          .mapToMap()
          .one();

      return null;
    };
  }

  /**
   * Sets on-hand to a counted figure. The log needs the difference, and PostgreSQL 15 cannot return
   * a row's old value from an UPDATE, so this is a compare-and-set: it applies only if on-hand is
   * still what this statement's snapshot saw (re-checked against the newest row under its lock). No
   * row back means: reserved is above the figure, or someone changed on-hand meanwhile (try again).
   * Known-keys mode: refused by the guard as {@link #ADD_ON_HAND} is.
   */
  private static final String SET_ON_HAND =
      """
      WITH seen AS (
          SELECT on_hand FROM ${schema}.stock_level WHERE sku = :sku AND location = :location
      ), changed AS (
          INSERT INTO ${schema}.stock_level AS s (sku, location, on_hand, reserved, updated_at)
          VALUES (:sku, :location, :onHand, 0, :now)
          ON CONFLICT (sku, location) DO UPDATE
             SET on_hand = EXCLUDED.on_hand,
                 updated_at = EXCLUDED.updated_at,
                 item_active = true,
                 location_active = true
           WHERE s.reserved <= EXCLUDED.on_hand
             AND s.on_hand IS NOT DISTINCT FROM (SELECT on_hand FROM seen)
          RETURNING on_hand, reserved
      )
      INSERT INTO ${schema}.inventory_log
             (at, sku, location, kind, on_hand_delta, reserved_delta,
              on_hand_after, reserved_after, reason)
      SELECT :now, :sku, :location, 'SET',
             on_hand - coalesce((SELECT on_hand FROM seen), 0), 0, on_hand, reserved, :reason
        FROM changed
      RETURNING on_hand_after, reserved_after
      """;

  /** One compare-and-set of a count; empty if it did not apply. */
  Session.Work<Optional<StockLevel>> setOnHand(
      StockKey key, long onHand, String reason, Instant now) {
    return h ->
        h.createQuery(setOnHand)
            .bind("sku", key.sku())
            .bind("location", key.location())
            .bind("onHand", onHand)
            .bind("reason", reason)
            .bind("now", timestamp(now))
            .map((rs, ctx) -> new StockLevel(key, rs.getLong(1), rs.getLong(2)))
            .findOne();
  }

  /**
   * Levels of the keys asked for, in one snapshot. Holds past their expiry that no one has expired
   * yet count as available, so a reader sees the stock as it effectively is.
   */
  private static final String LEVELS =
      """
      WITH keys AS (
          SELECT DISTINCT sku, location FROM unnest(:skus, :locations) AS k(sku, location)
      ), due AS (
          ${dueByKey}
      )
      SELECT k.sku, k.location,
             coalesce(s.on_hand, 0) AS on_hand,
             coalesce(s.reserved, 0) - coalesce(due.quantity, 0) AS reserved
        FROM keys k
        LEFT JOIN ${schema}.stock_level s ON s.sku = k.sku AND s.location = k.location
        LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
      """;

  /** The levels of sorted keys now, in key order; every key asked for is in the map. */
  Session.Work<Map<StockKey, StockLevel>> levels(List<StockKey> sorted, Instant now) {
    return h -> {
      Map<StockKey, StockLevel> result = new TreeMap<>();
      h.createQuery(levels)
          .bind("now", timestamp(now))
          .bindArray("skus", String.class, PgValues.skus(sorted))
          .bindArray("locations", String.class, PgValues.locations(sorted))
          .map(
              (rs, ctx) ->
                  new StockLevel(PgValues.key(rs), rs.getLong("on_hand"), rs.getLong("reserved")))
          .forEach(level -> result.put(level.key(), level));
      return Collections.unmodifiableMap(result);
    };
  }

  /**
   * After a short attempt: what is free on each key, how much of it is only held by due holds
   * (which a lazy expiry would free), whether the catalog knows the key (known-keys mode), and
   * whether the reservation id is already taken.
   */
  private static final String SHORTAGE_PROBE =
      """
      WITH keys AS (
          SELECT * FROM unnest(:skus, :locations) AS k(sku, location)
      ), due AS (
          ${dueByKey}
      )
      SELECT k.sku, k.location,
             coalesce(s.on_hand, 0) AS on_hand,
             coalesce(s.on_hand - s.reserved, 0) AS available,
             coalesce(due.quantity, 0) AS due,
             EXISTS (SELECT 1 FROM ${schema}.item i WHERE i.sku = k.sku AND i.active) AS sku_known,
             EXISTS (SELECT 1 FROM ${schema}.location c WHERE c.code = k.location AND c.active)
                 AS location_known,
             EXISTS (SELECT 1 FROM ${schema}.reservation WHERE id = :id) AS id_taken
        FROM keys k
        LEFT JOIN ${schema}.stock_level s ON s.sku = k.sku AND s.location = k.location
        LEFT JOIN due ON due.sku = k.sku AND due.location = k.location
      """;

  /** What is free on these keys, and whether the reservation id (null: none) is taken. */
  Session.Work<Probe> probe(String reservationId, List<StockKey> keys, Instant now) {
    String[] skus = PgValues.skus(keys).toArray(new String[0]);
    String[] locations = PgValues.locations(keys).toArray(new String[0]);
    return tx ->
        shortageProbe.query(
            tx,
            b ->
                b.text("id", reservationId)
                    .timestamptz("now", now)
                    .textArray("skus", skus)
                    .textArray("locations", locations),
            rs -> {
              Map<StockKey, Free> byKey = new LinkedHashMap<>();
              boolean idTaken = false;
              while (rs.next()) {
                idTaken = rs.getBoolean("id_taken");
                byKey.put(
                    PgValues.key(rs),
                    new Free(
                        rs.getLong("on_hand"),
                        rs.getLong("available"),
                        rs.getLong("due"),
                        rs.getBoolean("sku_known"),
                        rs.getBoolean("location_known")));
              }
              return new Probe(byKey, idTaken);
            });
  }
}
