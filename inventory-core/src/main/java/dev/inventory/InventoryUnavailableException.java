package dev.inventory;

import org.jspecify.annotations.Nullable;

/**
 * The store could not be reached or did not answer in time, even after the retries that are safe.
 * Unless {@link #isOutcomeUnknown()}, nothing was changed. If the outcome is unknown, the operation
 * may or may not have taken effect; repeat it with the same reservation id to find out (ids make
 * that safe).
 *
 * @since 0.1.0
 */
public class InventoryUnavailableException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** Whether the connection broke while the commit was under way. */
  private final boolean outcomeUnknown;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers. The outcome is
   * known: nothing was changed.
   *
   * @param message what went wrong, with the figures that matter
   * @param cause the failure of the last attempt, or {@code null}
   */
  public InventoryUnavailableException(String message, @Nullable Throwable cause) {
    this(message, cause, false);
  }

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param message what went wrong, with the figures that matter
   * @param cause the failure of the last attempt, or {@code null}
   * @param outcomeUnknown {@code true} if the change may or may not have been written (the
   *     connection broke while the commit was under way)
   */
  public InventoryUnavailableException(
      String message, @Nullable Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * Whether the change may or may not have been written: the connection broke while the commit was
   * under way. The message then also says <i>the outcome is unknown</i>. {@code false}: nothing was
   * changed.
   *
   * @return {@code true} if the outcome is unknown
   */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }
}
