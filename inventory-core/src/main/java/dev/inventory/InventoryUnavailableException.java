package dev.inventory;

import org.jspecify.annotations.Nullable;

/**
 * The store could not be reached or did not answer in time, even after the retries that are safe.
 * The operation may or may not have taken effect; repeat it with the same reservation id to find
 * out (ids make that safe).
 *
 * @since 0.1.0
 */
public class InventoryUnavailableException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param message what went wrong, with the figures that matter
   * @param cause the failure of the last attempt, or {@code null}
   */
  public InventoryUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
