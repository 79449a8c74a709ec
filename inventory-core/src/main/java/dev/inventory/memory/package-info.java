/**
 * An {@link dev.inventory.Inventory} held in memory, for the unit tests of applications that use
 * the library: {@link dev.inventory.memory.InMemoryInventory}.
 */
package dev.inventory.memory;
