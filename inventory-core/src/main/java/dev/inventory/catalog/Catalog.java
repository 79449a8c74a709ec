package dev.inventory.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The locations and items of a store: what its stock keys mean. A store offers its catalog beside
 * its inventory ({@code JdbcInventoryStore.catalog()}, {@link
 * dev.inventory.memory.InMemoryInventory#catalog()}), on the same storage.
 *
 * <pre>{@code
 * Catalog catalog = store.catalog();
 * catalog.createLocation(Location.of("hub-7", "Hub 7, Bengaluru"));
 * catalog.createItem(Item.of("SKU-1", "acme", "seller-3", "Blue mug").withPerBuyerLimit(2L));
 * Page<Item> page = catalog.items(ItemQuery.all().withSeller("seller-3"), null);
 * }</pre>
 *
 * <p>Entries are never deleted: an item or a location that has stock or history stays, and {@link
 * #deactivateItem} or {@link #deactivateLocation} takes it out of use. Codes are the stock keys'
 * parts: an item's SKU code is the {@link dev.inventory.StockKey#sku()} of its stock, a location's
 * code the {@link dev.inventory.StockKey#location()}.
 *
 * <p>Without known-keys mode the catalog is information beside the stock: an inventory serves any
 * key, in the catalog or not. In known-keys mode ({@code knownKeysOnly(true)} on the builder) it
 * refuses changes on a key whose SKU or location the catalog does not know, or has deactivated
 * ({@link dev.inventory.UnknownKeysException}).
 *
 * <p>Each call is atomic. Listings are in code order ({@link String#compareTo}) and paged by
 * position (keyset paging): entries written while a caller pages never shift a page or repeat an
 * entry. Invalid arguments throw {@link IllegalArgumentException} or {@link NullPointerException}
 * before anything is read or written.
 *
 * <p>Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface Catalog {
  /** The largest page of {@link #items} and {@link #locations}. */
  int MAX_PAGE_SIZE = 1000;

  /** The most items one {@link #upsertItems} call takes. */
  int MAX_UPSERT_ITEMS = 1_000_000;

  /**
   * What a catalog entry is.
   *
   * @since 0.1.0
   */
  enum EntryKind {
    /** An {@link Item}, named by its SKU code. */
    ITEM,
    /** A {@link Location}, named by its code. */
    LOCATION;

    /**
     * The word for messages.
     *
     * @return {@code item} or {@code location}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  // ---------------------------------------------------------------- locations

  /**
   * Adds a location. Idempotent: if the catalog has the location with exactly these values, it is
   * returned and nothing changes, so a retry after an unknown outcome is safe.
   *
   * @param location the new location
   * @return the location as stored
   * @throws CatalogEntryExistsException if a location has this code with other values; nothing is
   *     changed
   */
  Location createLocation(Location location);

  /**
   * Replaces the name and the active flag of a location.
   *
   * @param location the location with its new values, named by its code
   * @return the location as stored
   * @throws CatalogEntryNotFoundException if no location has this code
   */
  Location updateLocation(Location location);

  /**
   * Takes a location out of use: known-keys mode refuses changes on its stock from now on; its
   * stock, holds and history stay, and holds on it can still be confirmed and released. Idempotent.
   * {@link #updateLocation} with {@code active} true brings it back.
   *
   * @param code the location's code
   * @return the location, inactive
   * @throws CatalogEntryNotFoundException if no location has this code
   */
  Location deactivateLocation(String code);

  /**
   * The location with this code.
   *
   * @param code the location's code
   * @return the location, or empty if the catalog has none with this code
   */
  Optional<Location> findLocation(String code);

  /**
   * The location with this code.
   *
   * @param code the location's code
   * @return the location
   * @throws CatalogEntryNotFoundException if no location has this code
   */
  default Location getLocation(String code) {
    return findLocation(code)
        .orElseThrow(() -> new CatalogEntryNotFoundException(EntryKind.LOCATION, code));
  }

  /**
   * One page of the locations that match the query, in code order. Reads only.
   *
   * @param query the filters and the page size
   * @param cursor {@code null} for the first page, else the {@link Page#nextCursor()} of the page
   *     before, with the same filters
   * @return up to {@code query.pageSize()} locations; the last page has no next cursor
   * @throws IllegalArgumentException if the cursor is not one this catalog made for these filters
   */
  Page<Location> locations(LocationQuery query, @Nullable String cursor);

  // ---------------------------------------------------------------- items

  /**
   * Adds an item. Idempotent: if the catalog has the item with exactly these values, it is returned
   * and nothing changes.
   *
   * @param item the new item
   * @return the item as stored
   * @throws CatalogEntryExistsException if an item has this SKU code with other values; nothing is
   *     changed
   */
  Item createItem(Item item);

  /**
   * Replaces every value of an item but its SKU code: tenant, seller, name, active flag, per-buyer
   * limit.
   *
   * @param item the item with its new values, named by its SKU code
   * @return the item as stored
   * @throws CatalogEntryNotFoundException if no item has this SKU code
   */
  Item updateItem(Item item);

  /**
   * Takes an item out of sale: known-keys mode refuses changes on its stock from now on; its stock,
   * holds and history stay, and holds on it can still be confirmed and released. Idempotent. {@link
   * #updateItem} with {@code active} true brings it back.
   *
   * @param sku the item's SKU code
   * @return the item, inactive
   * @throws CatalogEntryNotFoundException if no item has this SKU code
   */
  Item deactivateItem(String sku);

  /**
   * The item with this SKU code.
   *
   * @param sku the item's SKU code
   * @return the item, or empty if the catalog has none with this code
   */
  Optional<Item> findItem(String sku);

  /**
   * The item with this SKU code.
   *
   * @param sku the item's SKU code
   * @return the item
   * @throws CatalogEntryNotFoundException if no item has this SKU code
   */
  default Item getItem(String sku) {
    return findItem(sku).orElseThrow(() -> new CatalogEntryNotFoundException(EntryKind.ITEM, sku));
  }

  /**
   * One page of the items that match the query, in SKU code order. Reads only.
   *
   * @param query the filters (tenant, seller, SKU codes, active) and the page size
   * @param cursor {@code null} for the first page, else the {@link Page#nextCursor()} of the page
   *     before, with the same filters
   * @return up to {@code query.pageSize()} items; the last page has no next cursor
   * @throws IllegalArgumentException if the cursor is not one this catalog made for these filters
   */
  Page<Item> items(ItemQuery query, @Nullable String cursor);

  /**
   * Creates or replaces many items at once (a catalog file), in one transaction: all of them or
   * none. An item the catalog has with the same values is left as it is.
   *
   * @param items 0 to {@value #MAX_UPSERT_ITEMS} items, no SKU code twice
   * @return how many were created, updated and left unchanged
   * @throws IllegalArgumentException if there are too many items or a SKU code appears twice,
   *     naming it; nothing is written
   */
  UpsertResult upsertItems(List<Item> items);
}
