package dev.inventory;

/** What a bulk call does when some keys are refused. */
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
