package dev.inventory;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the library throws on purpose. Unchecked: a caller catches the
 * specific subclasses it can act on and lets the rest through.
 *
 * <p>Invalid arguments are not {@code InventoryException}s: they throw {@link
 * IllegalArgumentException} or {@link NullPointerException} before anything is written.
 *
 * @since 0.1.0
 */
public class InventoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param message what went wrong, with the figures that matter
   */
  public InventoryException(String message) {
    super(message);
  }

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param message what went wrong, with the figures that matter
   * @param cause the underlying failure (a database error, for example), or {@code null}
   */
  public InventoryException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
