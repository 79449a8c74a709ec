/**
 * The PostgreSQL implementation of {@link dev.inventory.Inventory}: the entry point {@link
 * dev.inventory.jdbc.JdbcInventory} ({@code JdbcInventory.builder(dataSource)…build()}), the whole
 * store with its ledger and reports ({@link dev.inventory.jdbc.JdbcInventoryStore}), the inventory
 * inside a caller's own transaction ({@link dev.inventory.jdbc.TransactionalInventory}) and the
 * daily movement reports ({@link dev.inventory.jdbc.MovementReports}).
 *
 * <p>The library borrows the host's {@link javax.sql.DataSource}, runs its own Flyway migrations
 * (from {@code classpath:dev/inventory/jdbc/migration}, history table {@code
 * inventory_schema_history}) in its own schema, and logs through {@link System.Logger} {@code
 * dev.inventory.jdbc}. Everything else of this module lives in {@code dev.inventory.jdbc.internal},
 * which is not API.
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.jdbc;

import org.jspecify.annotations.NullMarked;
