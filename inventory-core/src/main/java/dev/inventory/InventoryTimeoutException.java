package dev.inventory;

/**
 * The store was reachable but too busy to answer in time: a lock wait or a statement ran past its
 * timeout (PostgreSQL's {@code lock_timeout} or {@code statement_timeout}). Nothing was changed;
 * the call may simply be repeated.
 */
public class InventoryTimeoutException extends InventoryUnavailableException {
  private static final long serialVersionUID = 1L;

  /** For implementations of {@link Inventory}; not meant to be thrown by callers. */
  public InventoryTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
