package dev.inventory.catalog;

import dev.inventory.internal.Checks;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which locations {@link Catalog#locations} lists, and how many per page. Every filter that is set
 * must match; a filter left {@code null} matches every location.
 *
 * @param codes only the locations with these codes (1 to {@value ItemQuery#MAX_CODES}, sorted on
 *     construction), or {@code null}
 * @param active only the active locations ({@code true}) or only the others ({@code false}), or
 *     {@code null} for both
 * @param pageSize the most locations per page, 1 to {@value Catalog#MAX_PAGE_SIZE}
 * @since 0.1.0
 */
public record LocationQuery(@Nullable Set<String> codes, @Nullable Boolean active, int pageSize) {
  /**
   * Checks the filters and sorts the codes.
   *
   * @param codes only the locations with these codes, or {@code null}
   * @param active only active or inactive locations, or {@code null} for both
   * @param pageSize the most locations per page
   * @throws NullPointerException if a code is null
   * @throws IllegalArgumentException if a code is out of bounds, {@code codes} is empty or has too
   *     many codes, or {@code pageSize} is out of bounds
   */
  public LocationQuery {
    if (codes != null) {
      codes = ItemQuery.codes("codes", codes);
    }
    Checks.between("pageSize", pageSize, 1, Catalog.MAX_PAGE_SIZE);
  }

  /**
   * Every location, {@value ItemQuery#DEFAULT_PAGE_SIZE} per page.
   *
   * @return a query without filters
   */
  public static LocationQuery all() {
    return new LocationQuery(null, null, ItemQuery.DEFAULT_PAGE_SIZE);
  }

  /**
   * This query, for the locations with these codes only.
   *
   * @param codes 1 to {@value ItemQuery#MAX_CODES} location codes
   * @return a copy with the filter
   * @throws IllegalArgumentException if there are no codes, too many, or one is out of bounds
   */
  public LocationQuery withCodes(Collection<String> codes) {
    return new LocationQuery(
        Set.copyOf(Objects.requireNonNull(codes, "codes must not be null")), active, pageSize);
  }

  /**
   * This query, for active locations only ({@code true}) or inactive ones only ({@code false}).
   *
   * @param active which locations
   * @return a copy with the filter
   */
  public LocationQuery withActive(boolean active) {
    return new LocationQuery(codes, active, pageSize);
  }

  /**
   * This query with another page size.
   *
   * @param pageSize 1 to {@value Catalog#MAX_PAGE_SIZE}
   * @return a copy with the page size
   * @throws IllegalArgumentException if it is out of bounds
   */
  public LocationQuery withPageSize(int pageSize) {
    return new LocationQuery(codes, active, pageSize);
  }
}
