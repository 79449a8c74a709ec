package dev.inventory.catalog;

import dev.inventory.InventoryException;
import java.util.Objects;

/**
 * The catalog already has an item with this SKU code, or a location with this code, with other
 * values: thrown by {@link Catalog#createItem} and {@link Catalog#createLocation}, which never
 * overwrite. Nothing was written.
 *
 * @since 0.1.0
 */
public class CatalogEntryExistsException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** An item or a location. */
  private final Catalog.EntryKind kind;

  /** The code the call named. */
  private final String code;

  /**
   * For implementations of {@link Catalog}; not meant to be thrown by callers.
   *
   * @param kind an item or a location
   * @param code the code that is taken
   */
  public CatalogEntryExistsException(Catalog.EntryKind kind, String code) {
    super(
        Objects.requireNonNull(kind, "kind must not be null").label()
            + " '"
            + code
            + "' is already in the catalog: update it instead");
    this.kind = kind;
    this.code = code;
  }

  /**
   * What was created.
   *
   * @return {@link Catalog.EntryKind#ITEM} or {@link Catalog.EntryKind#LOCATION}
   */
  public Catalog.EntryKind kind() {
    return kind;
  }

  /**
   * The code that is taken.
   *
   * @return the SKU or location code the call named
   */
  public String code() {
    return code;
  }
}
