package dev.inventory;

/**
 * What a bulk call of {@link StockLedger} does when some keys are refused.
 *
 * @since 0.1.0
 */
public enum BulkMode {
  /**
   * All or nothing: if any key is refused, nothing of the call is written, and the result names
   * every refused key.
   */
  ATOMIC,
  /**
   * Every key that can be applied is applied, atomically together; the refused keys are left as
   * they were and named in the result.
   */
  PARTIAL
}
