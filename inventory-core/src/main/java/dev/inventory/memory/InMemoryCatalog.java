package dev.inventory.memory;

import dev.inventory.StockKey;
import dev.inventory.UnknownKeysException;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The catalog of an {@link InMemoryInventory}, under the inventory's own lock: a change of the
 * catalog and a change of the stock are totally ordered, as a constraint orders them in PostgreSQL,
 * and the inventory reads the catalog (known-keys mode) inside its own critical section.
 */
final class InMemoryCatalog implements Catalog {
  private final Object lock;

  // Guarded by lock.
  private final TreeMap<String, Item> items = new TreeMap<>();
  private final TreeMap<String, Location> locations = new TreeMap<>();

  InMemoryCatalog(Object lock) {
    this.lock = lock;
  }

  // ---------------------------------------------------------------- locations

  @Override
  public Location createLocation(Location location) {
    Objects.requireNonNull(location, "location must not be null");
    synchronized (lock) {
      Location stored = locations.putIfAbsent(location.code(), location);
      if (stored != null && !stored.equals(location)) {
        throw new CatalogEntryExistsException(EntryKind.LOCATION, location.code());
      }
      return location;
    }
  }

  @Override
  public Location updateLocation(Location location) {
    Objects.requireNonNull(location, "location must not be null");
    synchronized (lock) {
      if (locations.replace(location.code(), location) == null) {
        throw new CatalogEntryNotFoundException(EntryKind.LOCATION, location.code());
      }
      return location;
    }
  }

  @Override
  public Location deactivateLocation(String code) {
    Checks.name("code", code);
    synchronized (lock) {
      Location location = locations.get(code);
      if (location == null) {
        throw new CatalogEntryNotFoundException(EntryKind.LOCATION, code);
      }
      Location inactive = location.withActive(false);
      locations.put(code, inactive);
      return inactive;
    }
  }

  @Override
  public Optional<Location> findLocation(String code) {
    Checks.name("code", code);
    synchronized (lock) {
      return Optional.ofNullable(locations.get(code));
    }
  }

  @Override
  public Page<Location> locations(LocationQuery query, @Nullable String cursor) {
    Objects.requireNonNull(query, "query must not be null");
    String after = CatalogCursors.after(query, cursor);
    Predicate<Location> matches =
        l ->
            (query.codes() == null || query.codes().contains(l.code()))
                && (query.active() == null || query.active() == l.active());
    synchronized (lock) {
      List<Location> rows = page(locations, after, matches, query.pageSize());
      return rows.size() <= query.pageSize()
          ? new Page<>(rows, null)
          : new Page<>(
              rows.subList(0, query.pageSize()),
              CatalogCursors.next(query, rows.get(query.pageSize() - 1).code()));
    }
  }

  // ---------------------------------------------------------------- items

  @Override
  public Item createItem(Item item) {
    Objects.requireNonNull(item, "item must not be null");
    synchronized (lock) {
      Item stored = items.putIfAbsent(item.sku(), item);
      if (stored != null && !stored.equals(item)) {
        throw new CatalogEntryExistsException(EntryKind.ITEM, item.sku());
      }
      return item;
    }
  }

  @Override
  public Item updateItem(Item item) {
    Objects.requireNonNull(item, "item must not be null");
    synchronized (lock) {
      if (items.replace(item.sku(), item) == null) {
        throw new CatalogEntryNotFoundException(EntryKind.ITEM, item.sku());
      }
      return item;
    }
  }

  @Override
  public Item deactivateItem(String sku) {
    Checks.name("sku", sku);
    synchronized (lock) {
      Item item = items.get(sku);
      if (item == null) {
        throw new CatalogEntryNotFoundException(EntryKind.ITEM, sku);
      }
      Item inactive = item.withActive(false);
      items.put(sku, inactive);
      return inactive;
    }
  }

  @Override
  public Optional<Item> findItem(String sku) {
    Checks.name("sku", sku);
    synchronized (lock) {
      return Optional.ofNullable(items.get(sku));
    }
  }

  @Override
  public Page<Item> items(ItemQuery query, @Nullable String cursor) {
    Objects.requireNonNull(query, "query must not be null");
    String after = CatalogCursors.after(query, cursor);
    Predicate<Item> matches =
        i ->
            (query.tenant() == null || query.tenant().equals(i.tenant()))
                && (query.seller() == null || query.seller().equals(i.seller()))
                && (query.skus() == null || query.skus().contains(i.sku()))
                && (query.active() == null || query.active() == i.active());
    synchronized (lock) {
      List<Item> rows = page(items, after, matches, query.pageSize());
      return rows.size() <= query.pageSize()
          ? new Page<>(rows, null)
          : new Page<>(
              rows.subList(0, query.pageSize()),
              CatalogCursors.next(query, rows.get(query.pageSize() - 1).sku()));
    }
  }

  @Override
  public UpsertResult upsertItems(List<Item> upserts) {
    Objects.requireNonNull(upserts, "items must not be null");
    validated(upserts);
    synchronized (lock) {
      int created = 0;
      int updated = 0;
      for (Item item : upserts) {
        Item before = items.put(item.sku(), item);
        if (before == null) {
          created++;
        } else if (!before.equals(item)) {
          updated++;
        }
      }
      return new UpsertResult(created, updated, upserts.size() - created - updated);
    }
  }

  /** Checks the size of an upsert and that no SKU code appears twice. */
  static void validated(List<Item> upserts) {
    if (upserts.size() > MAX_UPSERT_ITEMS) {
      throw new IllegalArgumentException(
          "items must be at most " + MAX_UPSERT_ITEMS + ", but were " + upserts.size());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < upserts.size(); i++) {
      Item item = Objects.requireNonNull(upserts.get(i), "items must not contain null");
      Integer first = seen.putIfAbsent(item.sku(), i);
      if (first != null) {
        throw new IllegalArgumentException(
            "items has SKU '" + item.sku() + "' twice, at index " + first + " and " + i);
      }
    }
  }

  /** Up to {@code pageSize + 1} entries after {@code after} that match, in code order. */
  private static <T> List<T> page(
      NavigableMap<String, T> entries, @Nullable String after, Predicate<T> matches, int pageSize) {
    List<T> rows = new ArrayList<>();
    for (T entry : (after == null ? entries : entries.tailMap(after, false)).values()) {
      if (matches.test(entry)) {
        rows.add(entry);
        if (rows.size() > pageSize) {
          break;
        }
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- known-keys mode

  /** The per-buyer limit of a SKU, or null if the catalog has none for it. Under the lock. */
  @Nullable Long limitOf(String sku) {
    Item item = items.get(sku);
    return item == null ? null : item.perBuyerLimit();
  }

  /**
   * Under the lock: refuses the keys whose SKU or location is not an active entry of the catalog,
   * naming every one of them; returns normally if all are known.
   */
  void requireKnown(Collection<StockKey> keys) {
    TreeSet<StockKey> unknown = new TreeSet<>();
    TreeSet<String> skus = new TreeSet<>();
    TreeSet<String> codes = new TreeSet<>();
    for (StockKey key : keys) {
      Item item = items.get(key.sku());
      Location location = locations.get(key.location());
      boolean skuKnown = item != null && item.active();
      boolean locationKnown = location != null && location.active();
      if (!skuKnown) {
        skus.add(key.sku());
      }
      if (!locationKnown) {
        codes.add(key.location());
      }
      if (!skuKnown || !locationKnown) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new UnknownKeysException(unknown, skus, codes);
    }
  }
}
