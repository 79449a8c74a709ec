package dev.inventory.catalog;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a catalog listing, in code order ({@link String#compareTo}); see {@link
 * Catalog#items} and {@link Catalog#locations}.
 *
 * @param <T> {@link Item} or {@link Location}
 * @param entries up to the query's page size of entries, in code order
 * @param nextCursor the cursor of the next page, or {@code null} if this page is the last
 * @since 0.1.0
 */
public record Page<T>(List<T> entries, @Nullable String nextCursor) {
  /**
   * Copies the entries and checks the cursor; pages are made by {@link Catalog} implementations.
   *
   * @param entries up to the page size of entries, in code order
   * @param nextCursor the cursor of the next page, or {@code null} if this page is the last
   * @throws NullPointerException if {@code entries} or an entry is null
   * @throws IllegalArgumentException if {@code nextCursor} is blank
   */
  public Page {
    entries = List.copyOf(entries);
    if (nextCursor != null && nextCursor.isBlank()) {
      throw new IllegalArgumentException("nextCursor must be null or not blank");
    }
  }

  /**
   * Whether more entries follow: pass {@link #nextCursor()} with the same query to get them.
   *
   * @return {@code true} if {@link #nextCursor()} is not null
   */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
