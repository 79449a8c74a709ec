/**
 * Inventory reservations that never oversell: the API ({@link dev.inventory.Inventory}, its values
 * and exceptions; the {@link dev.inventory.catalog.Catalog} of items and locations) and an
 * in-memory implementation for tests ({@link dev.inventory.memory.InMemoryInventory}). Needs only
 * {@code java.base} at run time.
 *
 * <p>The helpers in {@code dev.inventory.internal} are exported to the PostgreSQL implementation
 * ({@code dev.inventory.jdbc}) alone: they are not API.
 *
 * @since 0.1.0
 */
module dev.inventory {
  // Nullness annotations in the API's types: read by compilers and tools, never needed at run
  // time. Not transitive: a user's module compiles without JSpecify (ModuleBoundariesTest).
  requires static org.jspecify;

  exports dev.inventory;
  exports dev.inventory.catalog;
  exports dev.inventory.event;
  exports dev.inventory.memory;
  // inventory-jdbc is the automatic module dev.inventory.jdbc (Automatic-Module-Name): javac
  // warns that it does not know it yet when it compiles this module; the JVM resolves it.
  exports dev.inventory.internal to
      dev.inventory.jdbc;
}
