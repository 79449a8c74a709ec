/**
 * An {@link dev.inventory.Inventory} held in memory, for the unit tests of applications that use
 * the library: {@link dev.inventory.memory.InMemoryInventory}. It needs no database and passes the
 * same contract suite as the PostgreSQL implementation.
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.memory;

import org.jspecify.annotations.NullMarked;
