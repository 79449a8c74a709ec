/**
 * Micrometer meters for the inventory: {@link dev.inventory.micrometer.InventoryMetrics}, an {@link
 * dev.inventory.event.InventoryListener} that records timers, counters and a distribution from the
 * inventory's events, and gauges of a PostgreSQL store and its sweeper.
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.micrometer;

import org.jspecify.annotations.NullMarked;
