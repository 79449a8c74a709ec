package dev.inventory;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Not enough unreserved stock for a request; nothing was changed. {@link #shortages()} names every
 * short key, in key order, with what was requested and what was available.
 *
 * @since 0.1.0
 */
public class InsufficientStockException extends InventoryException {
  private static final long serialVersionUID = 1L;

  private final transient List<Shortage> shortages;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param shortages every short key, in key order
   * @throws IllegalArgumentException if {@code shortages} is empty
   */
  public InsufficientStockException(List<Shortage> shortages) {
    super(message(shortages));
    this.shortages = List.copyOf(shortages);
  }

  /**
   * What was short.
   *
   * @return every short key, in key order; never empty
   */
  public List<Shortage> shortages() {
    return shortages;
  }

  private static String message(List<Shortage> shortages) {
    if (shortages.isEmpty()) {
      throw new IllegalArgumentException("an InsufficientStockException needs a shortage");
    }
    return "insufficient stock: "
        + shortages.stream().map(Shortage::toString).collect(Collectors.joining("; "));
  }
}
