package dev.inventory;

import dev.inventory.internal.Checks;
import java.util.Comparator;

/**
 * Where a unit of stock is counted: a SKU at a location (warehouse, hub, store).
 *
 * <p>Both parts are 1 to 128 characters, not blank, without control characters. Keys order by SKU,
 * then location; implementations touch rows in this order so that concurrent carts never deadlock.
 *
 * @param sku the stock-keeping unit
 * @param location where the stock is held; {@link #DEFAULT_LOCATION} for single-site shops
 * @since 0.1.0
 */
public record StockKey(String sku, String location) implements Comparable<StockKey> {
  /** The location {@link #of(String)} uses. */
  public static final String DEFAULT_LOCATION = "default";

  private static final Comparator<StockKey> ORDER =
      Comparator.comparing(StockKey::sku).thenComparing(StockKey::location);

  /**
   * Checks both parts.
   *
   * @param sku the stock-keeping unit
   * @param location where the stock is held; {@link #DEFAULT_LOCATION} for single-site shops
   * @throws NullPointerException if {@code sku} or {@code location} is null
   * @throws IllegalArgumentException if a part is empty, blank, longer than 128 characters or
   *     contains a control character
   */
  public StockKey {
    Checks.name("sku", sku);
    Checks.name("location", location);
  }

  /**
   * The SKU at the {@linkplain #DEFAULT_LOCATION default location}.
   *
   * @param sku the stock-keeping unit
   * @return the key
   * @throws NullPointerException if {@code sku} is null
   * @throws IllegalArgumentException if {@code sku} is out of bounds
   */
  public static StockKey of(String sku) {
    return new StockKey(sku, DEFAULT_LOCATION);
  }

  /**
   * The SKU at a location; the same as the constructor.
   *
   * @param sku the stock-keeping unit
   * @param location where the stock is held
   * @return the key
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if a part is out of bounds
   */
  public static StockKey of(String sku, String location) {
    return new StockKey(sku, location);
  }

  @Override
  public int compareTo(StockKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return sku + "@" + location;
  }
}
