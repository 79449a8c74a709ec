/**
 * The catalog behind an inventory: the {@link dev.inventory.catalog.Location}s stock is kept at
 * (hubs, warehouses, stores) and the {@link dev.inventory.catalog.Item}s it is kept of (SKUs, with
 * their tenant, seller and an optional per-buyer limit). Create, update, deactivate, read and list
 * them through a {@link dev.inventory.catalog.Catalog}, from the store that holds the stock: {@code
 * JdbcInventoryStore.catalog()} or {@link dev.inventory.memory.InMemoryInventory#catalog()}.
 *
 * <p>The inventory itself works on {@link dev.inventory.StockKey}s, {@code (sku, location)}, with
 * or without a catalog; in known-keys mode it refuses keys the catalog does not know ({@link
 * dev.inventory.UnknownKeysException}).
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 * Records check their values when they are made and are immutable.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.catalog;

import org.jspecify.annotations.NullMarked;
