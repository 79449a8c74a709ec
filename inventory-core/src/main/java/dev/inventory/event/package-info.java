/**
 * What an inventory tells a listener after each call: {@link dev.inventory.event.InventoryEvent}
 * (values, one record per kind of outcome) and {@link dev.inventory.event.InventoryListener} (one
 * default no-op method per record), for metrics, logs and traces.
 *
 * <p>Events are delivered off the caller's thread, after the change committed, through a bounded
 * queue: a listener that is slow or throws can neither fail nor hold up a checkout. See {@link
 * dev.inventory.event.InventoryListener} for the guarantees and their limits.
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.event;

import org.jspecify.annotations.NullMarked;
