/**
 * Spring Boot 4 auto-configuration for the inventory: {@code inventory.*} properties ({@link
 * dev.inventory.spring.boot.InventoryProperties}), the store's beans on the application's {@code
 * DataSource}, the library's migrations ordered with the host's own Flyway, the expiry sweeper
 * started and stopped with the context, an opt-in health indicator, Micrometer metrics, and {@link
 * dev.inventory.spring.boot.SpringTransactionalInventory} for {@code @Transactional} code.
 *
 * <p>Nothing in this package is null unless marked {@link org.jspecify.annotations.Nullable}.
 *
 * @since 0.1.0
 */
@NullMarked
package dev.inventory.spring.boot;

import org.jspecify.annotations.NullMarked;
