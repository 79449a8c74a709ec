package dev.inventory;

import org.jspecify.annotations.Nullable;

/**
 * The store was reachable but too busy to answer in time: a lock wait or a statement ran past its
 * timeout (PostgreSQL's {@code lock_timeout} or {@code statement_timeout}). Nothing was changed;
 * the call may simply be repeated.
 *
 * @since 0.1.0
 */
public class InventoryTimeoutException extends InventoryUnavailableException {
  private static final long serialVersionUID = 1L;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param message what went wrong, with the figures that matter
   * @param cause the timeout PostgreSQL reported, or {@code null}
   */
  public InventoryTimeoutException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
