package dev.inventory;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Known-keys mode refused a change on keys the catalog does not know, or has deactivated; nothing
 * was written. {@link #keys()} names every such key of the call, in key order; {@link
 * #unknownSkus()} and {@link #unknownLocations()} say which part of each is the cause (a key may
 * have both).
 *
 * <p>Thrown only by an inventory built in known-keys mode ({@code
 * JdbcInventory.builder(..).knownKeysOnly(true)}, {@code
 * InMemoryInventory.builder().knownKeysOnly(true)}), by {@link Inventory#reserve}, {@link
 * Inventory#purchase}, the growth of {@link Inventory#amend}, {@link Inventory#receive}, {@link
 * Inventory#adjust} and {@link Inventory#setOnHand} (and the ledger's bulk calls). Add the SKU or
 * location to the catalog, or activate it again, and repeat the call.
 *
 * @since 0.1.0
 */
public class UnknownKeysException extends InventoryException {
  private static final long serialVersionUID = 1L;

  private final transient List<StockKey> keys;
  private final transient SortedSet<String> unknownSkus;
  private final transient SortedSet<String> unknownLocations;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param keys every refused key of the call (any order; kept in key order)
   * @param unknownSkus the SKUs among them the catalog does not know or has deactivated
   * @param unknownLocations the locations among them the catalog does not know or has deactivated
   * @throws NullPointerException if an argument or an element is null
   * @throws IllegalArgumentException if {@code keys} is empty, or a key has neither its SKU in
   *     {@code unknownSkus} nor its location in {@code unknownLocations}
   */
  public UnknownKeysException(
      Collection<StockKey> keys,
      Collection<String> unknownSkus,
      Collection<String> unknownLocations) {
    super(message(keys, unknownSkus, unknownLocations));
    this.keys = List.copyOf(new TreeSet<>(keys));
    this.unknownSkus = Collections.unmodifiableSortedSet(new TreeSet<>(unknownSkus));
    this.unknownLocations = Collections.unmodifiableSortedSet(new TreeSet<>(unknownLocations));
  }

  /**
   * The keys that were refused.
   *
   * @return every refused key of the call, in key order; never empty
   */
  public List<StockKey> keys() {
    return keys;
  }

  /**
   * The SKUs the catalog does not know, or has deactivated.
   *
   * @return the SKU codes among {@link #keys()} that are the cause, sorted; may be empty
   */
  public Set<String> unknownSkus() {
    return unknownSkus;
  }

  /**
   * The locations the catalog does not know, or has deactivated.
   *
   * @return the location codes among {@link #keys()} that are the cause, sorted; may be empty
   */
  public Set<String> unknownLocations() {
    return unknownLocations;
  }

  private static String message(
      Collection<StockKey> keys,
      Collection<String> unknownSkus,
      Collection<String> unknownLocations) {
    Objects.requireNonNull(keys, "keys must not be null");
    Objects.requireNonNull(unknownSkus, "unknownSkus must not be null");
    Objects.requireNonNull(unknownLocations, "unknownLocations must not be null");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("an UnknownKeysException needs a key");
    }
    Set<String> skus = Set.copyOf(unknownSkus);
    Set<String> locations = Set.copyOf(unknownLocations);
    StringBuilder text =
        new StringBuilder("not in the catalog, or deactivated (nothing was written): ");
    String sep = "";
    for (StockKey key : new TreeSet<>(keys)) {
      boolean sku = skus.contains(key.sku());
      boolean location = locations.contains(key.location());
      if (!sku && !location) {
        throw new IllegalArgumentException(
            "key " + key + " has neither its SKU nor its location among the unknown ones");
      }
      text.append(sep).append(key).append(" (");
      text.append(
          sku && location
              ? "SKU and location"
              : sku ? "SKU " + key.sku() : "location " + key.location());
      text.append(')');
      sep = ", ";
    }
    return text.toString();
  }
}
