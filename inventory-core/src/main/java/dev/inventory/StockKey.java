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
 */
public record StockKey(String sku, String location) implements Comparable<StockKey> {
  /** The location {@link #of(String)} uses. */
  public static final String DEFAULT_LOCATION = "default";

  private static final Comparator<StockKey> ORDER =
      Comparator.comparing(StockKey::sku).thenComparing(StockKey::location);

  public StockKey {
    Checks.name("sku", sku);
    Checks.name("location", location);
  }

  /** The SKU at the {@linkplain #DEFAULT_LOCATION default location}. */
  public static StockKey of(String sku) {
    return new StockKey(sku, DEFAULT_LOCATION);
  }

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
