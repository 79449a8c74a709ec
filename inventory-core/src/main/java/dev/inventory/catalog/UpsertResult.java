package dev.inventory.catalog;

/**
 * What {@link Catalog#upsertItems} did with each item of the file.
 *
 * @param created items that were not in the catalog
 * @param updated items that were, with other values
 * @param unchanged items that were, with the same values: not written
 * @since 0.1.0
 */
public record UpsertResult(int created, int updated, int unchanged) {
  /**
   * Checks the counts.
   *
   * @param created items that were not in the catalog
   * @param updated items that were, with other values
   * @param unchanged items that were, with the same values
   * @throws IllegalArgumentException if a count is negative
   */
  public UpsertResult {
    if (created < 0 || updated < 0 || unchanged < 0) {
      throw new IllegalArgumentException(
          "counts must not be negative, but were created="
              + created
              + ", updated="
              + updated
              + ", unchanged="
              + unchanged);
    }
  }

  /**
   * Every item of the call.
   *
   * @return {@code created + updated + unchanged}
   */
  public int total() {
    return created + updated + unchanged;
  }
}
