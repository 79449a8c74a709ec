package dev.inventory.examples.bench;

/**
 * One request of the sequence, the same for every approach: an id, SKUs in sorted order (location
 * {@code default}), one unit each.
 */
record Request(String id, String[] skus) {
  static final String LOCATION = "default";
  static final long QUANTITY = 1;
}
