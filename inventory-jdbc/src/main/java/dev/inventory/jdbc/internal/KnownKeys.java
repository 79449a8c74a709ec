package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.StockKey;
import dev.inventory.UnknownKeysException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rule of known-keys mode: a change refused on keys whose SKU or location the catalog does not
 * know, or has deactivated, is refused for that, with {@link UnknownKeysException} naming every
 * such key of the change, before any other verdict (a replay excepted: it writes nothing new).
 *
 * <p>The database does the refusing, in the statement that would have written: a key without a
 * stock row takes nothing, a deactivated key's row has its flags off (V6), and the guard's foreign
 * keys refuse a stock row of an unknown key. Every refused statement answers, per key, whether the
 * catalog knows it ({@link Free#skuKnown()}, {@link Free#locationKnown()}); this class reads that
 * answer. Without the mode it never refuses. Thread-safe: immutable.
 */
final class KnownKeys {
  private final boolean only;

  KnownKeys(boolean only) {
    this.only = only;
  }

  /** Whether this inventory serves only the keys the catalog knows. */
  boolean only() {
    return only;
  }

  /**
   * In known-keys mode, throws {@link UnknownKeysException} if the catalog does not know some of
   * {@code keys}, as {@code free} (what the refused statement read) says.
   */
  void check(Collection<StockKey> keys, Map<StockKey, Free> free) {
    if (only) {
      UnknownKeysException refusal = refusal(keys, free);
      if (refusal != null) {
        throw refusal;
      }
    }
  }

  /** The exception for one key the catalog does not know, as {@code free} says. */
  static UnknownKeysException unknown(StockKey key, Free free) {
    return refusal(List.of(key), Map.of(key, free));
  }

  /**
   * The exception for a stock row the guard refused (in any mode: the guard is the schema's), read
   * afterwards as {@code free}; if the catalog knows every key by then (it changed meanwhile), an
   * {@link InventoryException} that says to try again.
   */
  static RuntimeException guardRefused(Collection<StockKey> keys, Map<StockKey, Free> free) {
    UnknownKeysException refusal = refusal(keys, free);
    return refusal != null
        ? refusal
        : new InventoryException(
            "the catalog refused a change of "
                + keys
                + " and knows every key now: it changed meanwhile; nothing was written, try again");
  }

  /** The exception naming the unknown keys among {@code keys}, or null if there are none. */
  private static UnknownKeysException refusal(Collection<StockKey> keys, Map<StockKey, Free> free) {
    TreeSet<StockKey> unknown = new TreeSet<>();
    TreeSet<String> skus = new TreeSet<>();
    TreeSet<String> locations = new TreeSet<>();
    for (StockKey key : keys) {
      Free f = free.get(key);
      if (f == null || f.known()) {
        continue;
      }
      unknown.add(key);
      if (!f.skuKnown()) {
        skus.add(key.sku());
      }
      if (!f.locationKnown()) {
        locations.add(key.location());
      }
    }
    return unknown.isEmpty() ? null : new UnknownKeysException(unknown, skus, locations);
  }
}
