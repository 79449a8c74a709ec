package dev.inventory;

import java.util.List;
import java.util.Objects;

/**
 * What a bulk call of {@link StockLedger} did.
 *
 * <p>In {@link BulkMode#ATOMIC} mode either every entry was applied ({@link #isComplete()}) or none
 * was ({@code applied() == 0}) and {@link #refused()} says why. In {@link BulkMode#PARTIAL} mode
 * {@code applied() + refused().size() == requested()}.
 *
 * @param mode the mode of the call
 * @param requested entries in the call
 * @param applied entries written (each with its log entry)
 * @param refused every refused key, in key order
 * @since 0.1.0
 */
public record BulkResult(BulkMode mode, int requested, int applied, List<Refusal> refused) {
  /**
   * Checks that the counts agree with the mode, and copies the refusals; results are made by {@link
   * StockLedger} implementations.
   *
   * @param mode the mode of the call
   * @param requested entries in the call
   * @param applied entries written (each with its log entry)
   * @param refused every refused key, in key order
   * @throws NullPointerException if {@code mode}, {@code refused} or a refusal is null
   * @throws IllegalArgumentException if the counts are negative or do not fit the mode
   */
  public BulkResult {
    Objects.requireNonNull(mode, "mode must not be null");
    refused = List.copyOf(refused);
    if (requested < 0 || applied < 0 || applied > requested) {
      throw new IllegalArgumentException(
          "bulk result must satisfy 0 <= applied <= requested, but was applied="
              + applied
              + " requested="
              + requested);
    }
    boolean consistent =
        mode == BulkMode.ATOMIC
            ? (refused.isEmpty() ? applied == requested : applied == 0)
            : applied + refused.size() == requested;
    if (!consistent || refused.size() > requested) {
      throw new IllegalArgumentException(
          mode
              + " bulk result of "
              + requested
              + " entries cannot have "
              + applied
              + " applied and "
              + refused.size()
              + " refused");
    }
  }

  /**
   * Whether every entry was applied.
   *
   * @return {@code true} if no key was refused
   */
  public boolean isComplete() {
    return refused.isEmpty();
  }

  /**
   * One key that was not applied, with the numbers that refused it.
   *
   * @param key the refused key
   * @param reason why it was refused
   * @param requested the figure the entry asked for
   * @param onHand on-hand of the key when it was refused
   * @param reserved units reserved on the key when it was refused (holds past their expiry not
   *     counted, as in {@link Inventory#levels})
   * @since 0.1.0
   */
  public record Refusal(StockKey key, Reason reason, long requested, long onHand, long reserved) {
    /**
     * Checks the key and the reason.
     *
     * @param key the refused key
     * @param reason why it was refused
     * @param requested the figure the entry asked for
     * @param onHand on-hand of the key when it was refused
     * @param reserved units reserved on the key when it was refused (holds past their expiry not
     *     counted, as in {@link Inventory#levels})
     * @throws NullPointerException if {@code key} or {@code reason} is null
     */
    public Refusal {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(reason, "reason must not be null");
    }

    /**
     * Why a key was refused.
     *
     * @since 0.1.0
     */
    public enum Reason {
      /**
       * The counted on-hand is below what is reserved: the sale of held units would become an
       * oversell ({@link Inventory#setOnHand} throws {@link InsufficientStockException} for it).
       */
      BELOW_RESERVED
    }

    @Override
    public String toString() {
      return switch (reason) {
        case BELOW_RESERVED ->
            key
                + ": on-hand "
                + requested
                + " is below the "
                + reserved
                + " units reserved (on-hand now "
                + onHand
                + ")";
      };
    }
  }
}
