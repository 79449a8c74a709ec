package dev.inventory.jdbc.internal;

import dev.inventory.StockKey;
import java.util.Map;

/** What a refused attempt found on its keys, and whether its reservation id was taken meanwhile. */
record Probe(Map<StockKey, Free> byKey, boolean idTaken) {
  Free free(StockKey key) {
    return byKey.get(key);
  }
}
