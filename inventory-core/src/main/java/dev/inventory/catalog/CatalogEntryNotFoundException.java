package dev.inventory.catalog;

import dev.inventory.InventoryException;
import java.util.Objects;

/**
 * The catalog has no item with this SKU code, or no location with this code: thrown by the calls
 * that change or get one entry.
 *
 * @since 0.1.0
 */
public class CatalogEntryNotFoundException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** An item or a location. */
  private final Catalog.EntryKind kind;

  /** The code the call named. */
  private final String code;

  /**
   * For implementations of {@link Catalog}; not meant to be thrown by callers.
   *
   * @param kind an item or a location
   * @param code the code that was not found
   */
  public CatalogEntryNotFoundException(Catalog.EntryKind kind, String code) {
    super(
        Objects.requireNonNull(kind, "kind must not be null").label()
            + " '"
            + code
            + "' is not in the catalog");
    this.kind = kind;
    this.code = code;
  }

  /**
   * What was looked for.
   *
   * @return {@link Catalog.EntryKind#ITEM} or {@link Catalog.EntryKind#LOCATION}
   */
  public Catalog.EntryKind kind() {
    return kind;
  }

  /**
   * The code that was not found.
   *
   * @return the SKU or location code the call named
   */
  public String code() {
    return code;
  }
}
