package dev.inventory.jdbc;

import dev.inventory.internal.Checks;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What one seller sold on one UTC day in one currency: the units sold at a unit price in that
 * currency (a {@link dev.inventory.Price} on the request's line, stored with it), and the gross
 * amount they came to, in the currency's minor units. Lines sold without a price are in no such
 * row: their units count in {@link SellerDay#sold()} only. Made by {@link
 * MovementReports#sellerGross}.
 *
 * @param day the UTC day
 * @param seller the seller, or {@link MovementReports#NO_SELLER} for the SKUs without an item
 * @param currency the ISO 4217 code: three letters A to Z
 * @param units the units sold at a price in this currency (at least 1 from a log the library wrote;
 *     the report sums whatever the log holds, rows written by hand included)
 * @param amountMinor the sum of units times unit price, in minor units (cents for EUR, yen for JPY)
 * @since 0.1.0
 */
public record SellerGross(
    LocalDate day, String seller, String currency, long units, long amountMinor) {

  /**
   * Checks every field; these rows are made by the reports.
   *
   * @param day the UTC day
   * @param seller the seller, or {@code ""} for none
   * @param currency the ISO 4217 code
   * @param units the units sold at a price in this currency
   * @param amountMinor the gross amount in minor units
   * @throws NullPointerException if {@code day}, {@code seller} or {@code currency} is null
   * @throws IllegalArgumentException if {@code seller} is neither {@code ""} nor a valid code, or
   *     the currency is not three letters A to Z
   */
  public SellerGross {
    Objects.requireNonNull(day, "day must not be null");
    Objects.requireNonNull(seller, "seller must not be null");
    Objects.requireNonNull(currency, "currency must not be null");
    if (!seller.equals(MovementReports.NO_SELLER)) {
      Checks.name("seller", seller);
    }
    if (currency.length() != 3 || !currency.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new IllegalArgumentException(
          "currency must be an ISO 4217 code of three upper-case letters A to Z, but was '"
              + currency
              + "'");
    }
  }
}
