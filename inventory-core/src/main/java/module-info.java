/**
 * Inventory reservations that never oversell: the API ({@link dev.inventory.Inventory}, its values
 * and exceptions) and an in-memory implementation for tests ({@link
 * dev.inventory.memory.InMemoryInventory}). Needs only {@code java.base} at run time.
 *
 * <p>The helpers in {@code dev.inventory.internal} are exported to the PostgreSQL implementation
 * ({@code dev.inventory.jdbc}) alone: they are not API.
 *
 * @since 0.1.0
 */
module dev.inventory {
  // Nullness annotations in the API's types: read by compilers and tools, never needed at run
  // time; transitive, so that a user's module that has them on its path reads them too.
  requires static transitive org.jspecify;

  exports dev.inventory;
  exports dev.inventory.memory;
  exports dev.inventory.internal to
      dev.inventory.jdbc;
}
