/**
 * The inventory API: {@link dev.inventory.Inventory} (reserve stock into carts, confirm, release,
 * expire; receive, adjust and count stock), the values it takes and returns ({@link
 * dev.inventory.ReservationRequest}, {@link dev.inventory.Reservation}, {@link
 * dev.inventory.StockLevel}, …), the exceptions it throws (all under {@link
 * dev.inventory.InventoryException}), the books behind it ({@link dev.inventory.StockLedger}) and a
 * background {@link dev.inventory.ExpirySweeper}.
 *
 * <p>Implementations: {@code dev.inventory.jdbc.JdbcInventory} (PostgreSQL, module {@code
 * inventory-jdbc}) and {@link dev.inventory.memory.InMemoryInventory} (for tests).
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}:
 * parameters, return values and record components. Records check their values when they are made
 * and are immutable; their collections are unmodifiable copies.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory;

import org.jspecify.annotations.NullMarked;
