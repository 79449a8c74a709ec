package dev.inventory;

/**
 * The store could not be reached or did not answer in time, even after the retries that are safe.
 * The operation may or may not have taken effect; repeat it with the same reservation id to find
 * out (ids make that safe).
 */
public class InventoryUnavailableException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public InventoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
