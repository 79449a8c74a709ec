package dev.inventory.jdbc.internal;

import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.CatalogEntryExistsException;
import dev.inventory.catalog.CatalogEntryNotFoundException;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.LocationQuery;
import dev.inventory.catalog.Page;
import dev.inventory.catalog.UpsertResult;
import dev.inventory.internal.CatalogCursors;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL {@link Catalog}: checks the arguments and runs one statement of {@link CatalogSql}
 * per call (a bulk upsert: one per {@value #BATCH_SIZE} items, in one transaction). Every call is
 * safe to repeat after an outcome that is unknown — a create of an entry that exists with the same
 * values returns it, an update or a deactivation sets the same values again, an upsert leaves the
 * same items — so {@link Db} retries them all. Thread-safe: it holds no mutable state.
 */
public final class PostgresCatalog implements Catalog {
  /** Items per statement of a bulk upsert. */
  static final int BATCH_SIZE = 1000;

  private final Db db;
  private final CatalogSql sql;

  public PostgresCatalog(DataSource dataSource, Settings settings, Events events) {
    this.db =
        new Db(
            dataSource,
            settings.attempts(),
            settings.lockTimeout(),
            settings.statementTimeout(),
            events);
    this.sql = new CatalogSql(new SqlText(settings.schema()), settings.schema());
  }

  // ---------------------------------------------------------------- locations

  @Override
  public Location createLocation(Location location) {
    Objects.requireNonNull(location, "location must not be null");
    if (db.statement(Repeat.SAFE, sql.createLocation(location))) {
      return location;
    }
    return existing(EntryKind.LOCATION, location, findLocation(location.code()));
  }

  @Override
  public Location updateLocation(Location location) {
    Objects.requireNonNull(location, "location must not be null");
    if (!db.statement(Repeat.SAFE, sql.updateLocation(location))) {
      throw new CatalogEntryNotFoundException(EntryKind.LOCATION, location.code());
    }
    return location;
  }

  @Override
  public Location deactivateLocation(String code) {
    Checks.name("code", code);
    return db.statement(Repeat.SAFE, sql.deactivateLocation(code))
        .orElseThrow(() -> new CatalogEntryNotFoundException(EntryKind.LOCATION, code));
  }

  @Override
  public Optional<Location> findLocation(String code) {
    Checks.name("code", code);
    return db.read(sql.findLocation(code));
  }

  @Override
  public Page<Location> locations(LocationQuery query, @Nullable String cursor) {
    Objects.requireNonNull(query, "query must not be null");
    String after = CatalogCursors.after(query, cursor);
    // One more than the page: tells whether a next page exists without a query.
    List<Location> rows = db.read(sql.locations(query, after, query.pageSize() + 1));
    return page(rows, query.pageSize(), last -> CatalogCursors.next(query, last.code()));
  }

  // ---------------------------------------------------------------- items

  @Override
  public Item createItem(Item item) {
    Objects.requireNonNull(item, "item must not be null");
    if (db.statement(Repeat.SAFE, sql.createItem(item))) {
      return item;
    }
    return existing(EntryKind.ITEM, item, findItem(item.sku()));
  }

  @Override
  public Item updateItem(Item item) {
    Objects.requireNonNull(item, "item must not be null");
    if (!db.statement(Repeat.SAFE, sql.updateItem(item))) {
      throw new CatalogEntryNotFoundException(EntryKind.ITEM, item.sku());
    }
    return item;
  }

  @Override
  public Item deactivateItem(String sku) {
    Checks.name("sku", sku);
    return db.statement(Repeat.SAFE, sql.deactivateItem(sku))
        .orElseThrow(() -> new CatalogEntryNotFoundException(EntryKind.ITEM, sku));
  }

  @Override
  public Optional<Item> findItem(String sku) {
    Checks.name("sku", sku);
    return db.read(sql.findItem(sku));
  }

  @Override
  public Page<Item> items(ItemQuery query, @Nullable String cursor) {
    Objects.requireNonNull(query, "query must not be null");
    String after = CatalogCursors.after(query, cursor);
    List<Item> rows = db.read(sql.items(query, after, query.pageSize() + 1));
    return page(rows, query.pageSize(), last -> CatalogCursors.next(query, last.sku()));
  }

  @Override
  public UpsertResult upsertItems(List<Item> items) {
    List<Item> sorted = validated(items);
    if (sorted.isEmpty()) {
      return new UpsertResult(0, 0, 0);
    }
    CatalogSql.Upserted total =
        db.transaction(
            Repeat.SAFE,
            tx -> {
              int created = 0;
              int updated = 0;
              for (int from = 0; from < sorted.size(); from += BATCH_SIZE) {
                List<Item> batch = sorted.subList(from, Math.min(sorted.size(), from + BATCH_SIZE));
                CatalogSql.Upserted done = sql.upsertItems(batch).run(tx);
                created += done.created();
                updated += done.updated();
              }
              return new CatalogSql.Upserted(created, updated);
            });
    return new UpsertResult(
        total.created(), total.updated(), sorted.size() - total.created() - total.updated());
  }

  /** Checks the size and that no SKU appears twice; returns the items in SKU order. */
  private static List<Item> validated(List<Item> items) {
    Objects.requireNonNull(items, "items must not be null");
    if (items.size() > MAX_UPSERT_ITEMS) {
      throw new IllegalArgumentException(
          "items must be at most " + MAX_UPSERT_ITEMS + ", but were " + items.size());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Item item = Objects.requireNonNull(items.get(i), "items must not contain null");
      Integer first = seen.putIfAbsent(item.sku(), i);
      if (first != null) {
        throw new IllegalArgumentException(
            "items has SKU '" + item.sku() + "' twice, at index " + first + " and " + i);
      }
    }
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparing(Item::sku));
    return sorted;
  }

  /** A create whose code was taken: the entry as stored if it has these values, else conflict. */
  private static <T> T existing(EntryKind kind, T wanted, Optional<T> stored) {
    if (stored.isPresent() && stored.get().equals(wanted)) {
      return wanted;
    }
    String code = wanted instanceof Item item ? item.sku() : ((Location) wanted).code();
    throw new CatalogEntryExistsException(kind, code);
  }

  /** The page of the first {@code pageSize} rows, with a cursor if there was one more. */
  private static <T> Page<T> page(List<T> rows, int pageSize, Function<T, String> cursorAfter) {
    if (rows.size() <= pageSize) {
      return new Page<>(rows, null);
    }
    List<T> page = rows.subList(0, pageSize);
    return new Page<>(page, cursorAfter.apply(page.get(pageSize - 1)));
  }
}
