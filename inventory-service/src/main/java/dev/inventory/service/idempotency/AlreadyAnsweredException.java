package dev.inventory.service.idempotency;

/**
 * A controller found its key claimed by a copy of its request that committed first: the answer to
 * send is the stored one. Thrown inside the transaction, so that it rolls back untouched.
 */
public class AlreadyAnsweredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyStore.Answer answer;
  private final String fingerprint;

  /**
   * The key's answer.
   *
   * @param answer the answer stored first
   * @param fingerprint the fingerprint of this request
   */
  public AlreadyAnsweredException(IdempotencyStore.Answer answer, String fingerprint) {
    super("answered already", null, false, false);
    this.answer = answer;
    this.fingerprint = fingerprint;
  }

  /**
   * The answer stored first.
   *
   * @return the answer
   */
  public IdempotencyStore.Answer answer() {
    return answer;
  }

  /**
   * Whether the stored answer is for this very request (else the key was reused).
   *
   * @return true for a copy of the same request
   */
  public boolean sameRequest() {
    return answer.fingerprint().equals(fingerprint);
  }
}
