package dev.inventory.catalog;

import dev.inventory.internal.Checks;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which items {@link Catalog#items} lists, and how many per page. Every filter that is set must
 * match; a filter left {@code null} matches every item.
 *
 * <pre>{@code
 * ItemQuery query = ItemQuery.all().withTenant("acme").withSeller("seller-7").withActive(true);
 * }</pre>
 *
 * @param tenant only the items of this tenant, or {@code null}
 * @param seller only the items of this seller, or {@code null}
 * @param skus only the items with these SKU codes (1 to {@value #MAX_CODES}, sorted on
 *     construction), or {@code null}
 * @param active only the active items ({@code true}) or only the others ({@code false}), or {@code
 *     null} for both
 * @param pageSize the most items per page, 1 to {@value Catalog#MAX_PAGE_SIZE}
 * @since 0.1.0
 */
public record ItemQuery(
    @Nullable String tenant,
    @Nullable String seller,
    @Nullable Set<String> skus,
    @Nullable Boolean active,
    int pageSize) {
  /** The most SKU codes one query filters by. */
  public static final int MAX_CODES = 1000;

  /** The page size of {@link #all()}. */
  public static final int DEFAULT_PAGE_SIZE = 100;

  /**
   * Checks the filters and sorts the codes.
   *
   * @param tenant only the items of this tenant, or {@code null}
   * @param seller only the items of this seller, or {@code null}
   * @param skus only the items with these SKU codes, or {@code null}
   * @param active only active or inactive items, or {@code null} for both
   * @param pageSize the most items per page
   * @throws NullPointerException if a code in {@code skus} is null
   * @throws IllegalArgumentException if a code is out of the bounds of its field, {@code skus} is
   *     empty or has more than {@value #MAX_CODES} codes, or {@code pageSize} is out of bounds
   */
  public ItemQuery {
    if (tenant != null) {
      Checks.name("tenant", tenant);
    }
    if (seller != null) {
      Checks.name("seller", seller);
    }
    if (skus != null) {
      skus = codes("skus", skus);
    }
    Checks.between("pageSize", pageSize, 1, Catalog.MAX_PAGE_SIZE);
  }

  /**
   * Every item, {@value #DEFAULT_PAGE_SIZE} per page.
   *
   * @return a query without filters
   */
  public static ItemQuery all() {
    return new ItemQuery(null, null, null, null, DEFAULT_PAGE_SIZE);
  }

  /**
   * This query, for the items of one tenant only.
   *
   * @param tenant the tenant
   * @return a copy with the filter
   * @throws IllegalArgumentException if the tenant is out of bounds
   */
  public ItemQuery withTenant(String tenant) {
    return new ItemQuery(
        Objects.requireNonNull(tenant, "tenant must not be null"), seller, skus, active, pageSize);
  }

  /**
   * This query, for the items of one seller only.
   *
   * @param seller the seller
   * @return a copy with the filter
   * @throws IllegalArgumentException if the seller is out of bounds
   */
  public ItemQuery withSeller(String seller) {
    return new ItemQuery(
        tenant, Objects.requireNonNull(seller, "seller must not be null"), skus, active, pageSize);
  }

  /**
   * This query, for the items with these SKU codes only.
   *
   * @param skus 1 to {@value #MAX_CODES} SKU codes
   * @return a copy with the filter
   * @throws IllegalArgumentException if there are no codes, too many, or one is out of bounds
   */
  public ItemQuery withSkus(Collection<String> skus) {
    return new ItemQuery(
        tenant,
        seller,
        Set.copyOf(Objects.requireNonNull(skus, "skus must not be null")),
        active,
        pageSize);
  }

  /**
   * This query, for active items only ({@code true}) or inactive ones only ({@code false}).
   *
   * @param active which items
   * @return a copy with the filter
   */
  public ItemQuery withActive(boolean active) {
    return new ItemQuery(tenant, seller, skus, active, pageSize);
  }

  /**
   * This query with another page size.
   *
   * @param pageSize 1 to {@value Catalog#MAX_PAGE_SIZE}
   * @return a copy with the page size
   * @throws IllegalArgumentException if it is out of bounds
   */
  public ItemQuery withPageSize(int pageSize) {
    return new ItemQuery(tenant, seller, skus, active, pageSize);
  }

  /** Codes checked like stock-key parts, sorted and unmodifiable. */
  static Set<String> codes(String field, Collection<String> codes) {
    if (codes.isEmpty() || codes.size() > MAX_CODES) {
      throw new IllegalArgumentException(
          field
              + " must have 1 to "
              + MAX_CODES
              + " codes (leave it null for any), but had "
              + codes.size());
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String code : codes) {
      sorted.add(Checks.name(field + " code", code));
    }
    return Collections.unmodifiableSortedSet(sorted);
  }
}
