package dev.inventory;

import java.util.Objects;

/**
 * A unit price: an amount in the currency's minor units (cents for EUR and USD, yen for JPY) and
 * the currency's ISO 4217 code. Carried by a {@link Line} and stored with it, so that sales can be
 * summed per currency later; the inventory never converts or compares amounts.
 *
 * @param amountMinor the amount in minor units, 0 to {@value #MAX_AMOUNT_MINOR}
 * @param currency the ISO 4217 code: three upper-case letters A to Z, such as {@code EUR}
 * @since 0.1.0
 */
public record Price(long amountMinor, String currency) {
  /** The largest amount in minor units: 10^15, far from overflow when a day's sales add up. */
  public static final long MAX_AMOUNT_MINOR = 1_000_000_000_000_000L;

  /**
   * Checks the amount and the currency.
   *
   * @param amountMinor the amount in minor units, 0 to {@value #MAX_AMOUNT_MINOR}
   * @param currency three upper-case letters A to Z
   * @throws NullPointerException if {@code currency} is null
   * @throws IllegalArgumentException if the amount is negative or above {@value #MAX_AMOUNT_MINOR},
   *     or the currency is not three upper-case letters
   */
  public Price {
    if (amountMinor < 0 || amountMinor > MAX_AMOUNT_MINOR) {
      throw new IllegalArgumentException(
          "amountMinor must be between 0 and " + MAX_AMOUNT_MINOR + ", but was " + amountMinor);
    }
    Objects.requireNonNull(currency, "currency must not be null");
    if (currency.length() != 3 || !currency.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new IllegalArgumentException(
          "currency must be an ISO 4217 code of three upper-case letters A to Z, but was '"
              + currency
              + "'");
    }
  }

  /**
   * A price; the same as the constructor.
   *
   * @param amountMinor the amount in minor units, 0 to {@value #MAX_AMOUNT_MINOR}
   * @param currency three upper-case letters A to Z
   * @return the price
   * @throws NullPointerException if {@code currency} is null
   * @throws IllegalArgumentException if an argument is out of bounds
   */
  public static Price of(long amountMinor, String currency) {
    return new Price(amountMinor, currency);
  }
}
