package dev.inventory;

/**
 * The root of every exception the library throws on purpose. Unchecked: a caller catches the
 * specific subclasses it can act on and lets the rest through.
 *
 * <p>Invalid arguments are not {@code InventoryException}s: they throw {@link
 * IllegalArgumentException} or {@link NullPointerException} before anything is written.
 */
public class InventoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public InventoryException(String message) {
    super(message);
  }

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public InventoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
