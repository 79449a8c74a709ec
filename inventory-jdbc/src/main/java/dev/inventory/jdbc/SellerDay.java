package dev.inventory.jdbc;

import dev.inventory.internal.Checks;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One seller's movements on one UTC day, in units: the settlement of {@link
 * MovementReports#sellerSummary}. Summed over the seller's SKUs (the catalog's {@code item.seller}
 * when the day was summarized) and every location. The SKUs the catalog does not know are summed
 * under {@link MovementReports#NO_SELLER}.
 *
 * <p>From a log the library wrote, every count but {@code adjusted} is zero or more; the report
 * sums whatever the log holds, so rows written into the log by hand may make any of them negative.
 *
 * @param day the UTC day
 * @param seller the seller, or {@link MovementReports#NO_SELLER} ({@code ""}) for the SKUs without
 *     an item in the catalog
 * @param sold units sold (confirms and purchases)
 * @param reserved units newly held (reserves, and amends that grew a hold)
 * @param released units given back by releases and by amends that shrank a hold
 * @param expired units given back by holds that ran out
 * @param received units received
 * @param adjusted the net change of on-hand by adjustments and counts; negative when stock was
 *     written off
 * @param entries the log entries summed
 * @since 0.1.0
 */
public record SellerDay(
    LocalDate day,
    String seller,
    long sold,
    long reserved,
    long released,
    long expired,
    long received,
    long adjusted,
    long entries) {

  /**
   * Checks every field; these rows are made by the reports.
   *
   * @param day the UTC day
   * @param seller the seller, or {@code ""} for none
   * @param sold units sold
   * @param reserved units newly held
   * @param released units given back by releases
   * @param expired units given back by expiry
   * @param received units received
   * @param adjusted net on-hand change by adjustments and counts
   * @param entries the log entries summed
   * @throws NullPointerException if {@code day} or {@code seller} is null
   * @throws IllegalArgumentException if {@code seller} is neither {@code ""} nor a valid code (1 to
   *     128 characters, not blank, no control characters), or {@code entries} is below 1
   */
  public SellerDay {
    Objects.requireNonNull(day, "day must not be null");
    Objects.requireNonNull(seller, "seller must not be null");
    if (!seller.equals(MovementReports.NO_SELLER)) {
      Checks.name("seller", seller);
    }
    if (entries < 1) {
      throw new IllegalArgumentException("entries must be at least 1, but was " + entries);
    }
  }
}
