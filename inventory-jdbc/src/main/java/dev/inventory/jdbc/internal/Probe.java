package dev.inventory.jdbc.internal;

import dev.inventory.StockKey;
import java.util.Map;

/**
 * What a refused attempt found on its keys, whether its reservation id was taken meanwhile, and,
 * for a request that names a buyer, its buyer's units on each SKU with a limit ({@code caps}, by
 * SKU; empty when the statement did not read them).
 */
record Probe(Map<StockKey, Free> byKey, boolean idTaken, Map<String, CapFree> caps) {
  Probe(Map<StockKey, Free> byKey, boolean idTaken) {
    this(byKey, idTaken, Map.of());
  }

  Free free(StockKey key) {
    return byKey.get(key);
  }
}
