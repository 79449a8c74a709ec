package dev.inventory.jdbc.internal;

import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.LocationQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/**
 * The catalog's statements on {@code item} and {@code location} (migration V6): each statement's
 * text, binding and row mapping; no decision (that is {@link PostgresCatalog}'s). Thread-safe: it
 * holds only text.
 *
 * <p>In a schema whose known-keys guard is on, an UPDATE that changes an entry's {@code active}
 * also turns the flags of its stock rows off or on, in the same statement: the guard's foreign keys
 * cascade it (V6). Nothing here writes stock.
 */
final class CatalogSql {
  private static final String LOCATION_COLUMNS = "code, name, active";
  private static final String ITEM_COLUMNS = "sku, tenant, seller, name, active, per_buyer_limit";

  private final String schema;
  private final String createLocation;
  private final String updateLocation;
  private final String deactivateLocation;
  private final String findLocation;
  private final String createItem;
  private final String updateItem;
  private final String deactivateItem;
  private final String findItem;
  private final String upsertItems;

  CatalogSql(SqlText sql, String schema) {
    this.schema = schema;
    this.createLocation = sql.render(CREATE_LOCATION);
    this.updateLocation = sql.render(UPDATE_LOCATION);
    this.deactivateLocation = sql.render(DEACTIVATE_LOCATION);
    this.findLocation = sql.render(FIND_LOCATION);
    this.createItem = sql.render(CREATE_ITEM);
    this.updateItem = sql.render(UPDATE_ITEM);
    this.deactivateItem = sql.render(DEACTIVATE_ITEM);
    this.findItem = sql.render(FIND_ITEM);
    this.upsertItems = sql.render(UPSERT_ITEMS);
  }

  // ---------------------------------------------------------------- locations

  /** Inserts a location unless its code is taken: then nothing, and no row back. */
  private static final String CREATE_LOCATION =
      """
      INSERT INTO ${schema}.location (code, name, active)
      VALUES (:code, :name, :active)
      ON CONFLICT (code) DO NOTHING
      RETURNING code
      """;

  /** Creates the location; false if its code was taken (nothing written). */
  Session.Work<Boolean> createLocation(Location location) {
    return h ->
        bind(h.createQuery(createLocation), location).mapTo(String.class).findOne().isPresent();
  }

  private static final String UPDATE_LOCATION =
      """
      UPDATE ${schema}.location
         SET name = :name, active = :active
       WHERE code = :code
      RETURNING code
      """;

  /** Replaces a location's name and flag; false if no location has its code. */
  Session.Work<Boolean> updateLocation(Location location) {
    return h ->
        bind(h.createQuery(updateLocation), location).mapTo(String.class).findOne().isPresent();
  }

  private static final String DEACTIVATE_LOCATION =
      """
      UPDATE ${schema}.location
         SET active = false
       WHERE code = :code
      RETURNING code, name, active
      """;

  /** Deactivates a location; empty if no location has the code. */
  Session.Work<Optional<Location>> deactivateLocation(String code) {
    return h ->
        h.createQuery(deactivateLocation)
            .bind("code", code)
            .map((rs, ctx) -> location(rs))
            .findOne();
  }

  private static final String FIND_LOCATION =
      "SELECT " + LOCATION_COLUMNS + " FROM ${schema}.location WHERE code = :code";

  Session.Work<Optional<Location>> findLocation(String code) {
    return h ->
        h.createQuery(findLocation).bind("code", code).map((rs, ctx) -> location(rs)).findOne();
  }

  /**
   * Up to {@code limit} locations that match the query, after {@code after} (null: from the start),
   * in code order: the primary key's index, read from the cursor on (keyset paging). The text holds
   * only the filters the query sets, so that each combination gets a plan of its own.
   */
  Session.Work<List<Location>> locations(LocationQuery query, String after, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + LOCATION_COLUMNS + " FROM " + schema + ".location WHERE true");
    if (query.codes() != null) {
      sql.append(" AND code = ANY (:codes)");
    }
    if (query.active() != null) {
      sql.append(" AND active = :active");
    }
    if (after != null) {
      sql.append(" AND code > :after");
    }
    sql.append(" ORDER BY code LIMIT :limit");
    return h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", limit);
      if (query.codes() != null) {
        q.bindArray("codes", String.class, List.copyOf(query.codes()));
      }
      if (query.active() != null) {
        q.bind("active", query.active().booleanValue());
      }
      if (after != null) {
        q.bind("after", after);
      }
      return q.map((rs, ctx) -> location(rs)).list();
    };
  }

  private static Query bind(Query query, Location location) {
    return query
        .bind("code", location.code())
        .bind("name", location.name())
        .bind("active", location.active());
  }

  private static Location location(ResultSet rs) throws SQLException {
    return new Location(rs.getString("code"), rs.getString("name"), rs.getBoolean("active"));
  }

  // ---------------------------------------------------------------- items

  /** Inserts an item unless its SKU is taken: then nothing, and no row back. */
  private static final String CREATE_ITEM =
      """
      INSERT INTO ${schema}.item (sku, tenant, seller, name, active, per_buyer_limit)
      VALUES (:sku, :tenant, :seller, :name, :active, :perBuyerLimit)
      ON CONFLICT (sku) DO NOTHING
      RETURNING sku
      """;

  /** Creates the item; false if its SKU was taken (nothing written). */
  Session.Work<Boolean> createItem(Item item) {
    return h -> bind(h.createQuery(createItem), item).mapTo(String.class).findOne().isPresent();
  }

  private static final String UPDATE_ITEM =
      """
      UPDATE ${schema}.item
         SET tenant = :tenant, seller = :seller, name = :name, active = :active,
             per_buyer_limit = :perBuyerLimit
       WHERE sku = :sku
      RETURNING sku
      """;

  /** Replaces every value of an item but its SKU; false if no item has the SKU. */
  Session.Work<Boolean> updateItem(Item item) {
    return h -> bind(h.createQuery(updateItem), item).mapTo(String.class).findOne().isPresent();
  }

  private static final String DEACTIVATE_ITEM =
      """
      UPDATE ${schema}.item
         SET active = false
       WHERE sku = :sku
      RETURNING sku, tenant, seller, name, active, per_buyer_limit
      """;

  /** Deactivates an item; empty if no item has the SKU. */
  Session.Work<Optional<Item>> deactivateItem(String sku) {
    return h -> h.createQuery(deactivateItem).bind("sku", sku).map((rs, ctx) -> item(rs)).findOne();
  }

  private static final String FIND_ITEM =
      "SELECT " + ITEM_COLUMNS + " FROM ${schema}.item WHERE sku = :sku";

  Session.Work<Optional<Item>> findItem(String sku) {
    return h -> h.createQuery(findItem).bind("sku", sku).map((rs, ctx) -> item(rs)).findOne();
  }

  /**
   * Up to {@code limit} items that match the query, after {@code after} (null: from the start), in
   * SKU order, as {@link #locations} reads locations. A tenant or seller filter reads its index
   * ({@code item_by_tenant}, {@code item_by_seller}), which is in SKU order within it.
   */
  Session.Work<List<Item>> items(ItemQuery query, String after, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + ITEM_COLUMNS + " FROM " + schema + ".item WHERE true");
    if (query.tenant() != null) {
      sql.append(" AND tenant = :tenant");
    }
    if (query.seller() != null) {
      sql.append(" AND seller = :seller");
    }
    if (query.skus() != null) {
      sql.append(" AND sku = ANY (:skus)");
    }
    if (query.active() != null) {
      sql.append(" AND active = :active");
    }
    if (after != null) {
      sql.append(" AND sku > :after");
    }
    sql.append(" ORDER BY sku LIMIT :limit");
    return h -> {
      Query q = h.createQuery(sql.toString()).bind("limit", limit);
      if (query.tenant() != null) {
        q.bind("tenant", query.tenant());
      }
      if (query.seller() != null) {
        q.bind("seller", query.seller());
      }
      if (query.skus() != null) {
        q.bindArray("skus", String.class, List.copyOf(query.skus()));
      }
      if (query.active() != null) {
        q.bind("active", query.active().booleanValue());
      }
      if (after != null) {
        q.bind("after", after);
      }
      return q.map((rs, ctx) -> item(rs)).list();
    };
  }

  /**
   * Creates or replaces a batch of items, in SKU order (the order rows are locked in, so two
   * concurrent catalog files cannot deadlock); an item stored with the same values is not written.
   * Answers how many were created (the new row has no xmax: it was inserted, not updated) and how
   * many updated.
   */
  private static final String UPSERT_ITEMS =
      """
      WITH input AS (
          SELECT *
            FROM unnest(:skus, :tenants, :sellers, :names, :actives, :limits)
                 AS i(sku, tenant, seller, name, active, per_buyer_limit)
      ), upserted AS (
          INSERT INTO ${schema}.item AS t (sku, tenant, seller, name, active, per_buyer_limit)
          SELECT sku, tenant, seller, name, active, per_buyer_limit
            FROM input
           ORDER BY sku COLLATE "C"
          ON CONFLICT (sku) DO UPDATE
             SET tenant = EXCLUDED.tenant, seller = EXCLUDED.seller, name = EXCLUDED.name,
                 active = EXCLUDED.active, per_buyer_limit = EXCLUDED.per_buyer_limit
           WHERE (t.tenant, t.seller, t.name, t.active, t.per_buyer_limit)
                 IS DISTINCT FROM (EXCLUDED.tenant, EXCLUDED.seller, EXCLUDED.name,
                                   EXCLUDED.active, EXCLUDED.per_buyer_limit)
          RETURNING t.xmax = 0 AS created
      )
      SELECT count(*) FILTER (WHERE created) AS created,
             count(*) FILTER (WHERE NOT created) AS updated
        FROM upserted
      """;

  /** How many items of an upsert batch were created and updated (the rest were unchanged). */
  record Upserted(int created, int updated) {}

  /** Upserts a batch of items with distinct SKUs, sorted by SKU. */
  Session.Work<Upserted> upsertItems(List<Item> batch) {
    List<String> skus = new ArrayList<>(batch.size());
    List<String> tenants = new ArrayList<>(batch.size());
    List<String> sellers = new ArrayList<>(batch.size());
    List<String> names = new ArrayList<>(batch.size());
    List<Boolean> actives = new ArrayList<>(batch.size());
    List<Long> limits = new ArrayList<>(batch.size());
    for (Item item : batch) {
      skus.add(item.sku());
      tenants.add(item.tenant());
      sellers.add(item.seller());
      names.add(item.name());
      actives.add(item.active());
      limits.add(item.perBuyerLimit());
    }
    return h ->
        h.createQuery(upsertItems)
            .bindArray("skus", String.class, skus)
            .bindArray("tenants", String.class, tenants)
            .bindArray("sellers", String.class, sellers)
            .bindArray("names", String.class, names)
            .bindArray("actives", Boolean.class, actives)
            .bindArray("limits", Long.class, limits)
            .map((rs, ctx) -> new Upserted(rs.getInt("created"), rs.getInt("updated")))
            .one();
  }

  private static Query bind(Query query, Item item) {
    return query
        .bind("sku", item.sku())
        .bind("tenant", item.tenant())
        .bind("seller", item.seller())
        .bind("name", item.name())
        .bind("active", item.active())
        .bind("perBuyerLimit", item.perBuyerLimit());
  }

  private static Item item(ResultSet rs) throws SQLException {
    long limit = rs.getLong("per_buyer_limit");
    Long perBuyerLimit = rs.wasNull() ? null : limit;
    return new Item(
        rs.getString("sku"),
        rs.getString("tenant"),
        rs.getString("seller"),
        rs.getString("name"),
        rs.getBoolean("active"),
        perBuyerLimit);
  }
}
