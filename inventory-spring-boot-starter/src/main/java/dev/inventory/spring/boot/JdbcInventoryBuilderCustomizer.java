package dev.inventory.spring.boot;

import dev.inventory.jdbc.JdbcInventory;

/**
 * Customizes the builder of the auto-configured store after the {@code inventory.*} properties were
 * applied: for what has no property (a {@code Clock}, say). Declare beans of this type; they run in
 * their {@code @Order}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface JdbcInventoryBuilderCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(JdbcInventory.Builder builder);
}
