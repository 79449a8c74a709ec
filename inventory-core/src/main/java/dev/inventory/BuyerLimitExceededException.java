package dev.inventory;

/**
 * A buyer asked for more units of an item than its per-buyer limit leaves ({@link
 * dev.inventory.catalog.Item#perBuyerLimit()}); nothing was changed. The limit counts the units the
 * buyer holds and has bought of the SKU, at every location together; a release or an expiry gives
 * them back.
 *
 * <p>When several SKUs of one request are over their limits, this names the first in SKU order.
 *
 * @since 0.1.0
 */
public class BuyerLimitExceededException extends InventoryException {
  private static final long serialVersionUID = 1L;

  /** The buyer the request named. */
  private final String buyer;

  /** The SKU whose limit the request would pass. */
  private final String sku;

  /** The item's per-buyer limit. */
  private final long limit;

  /** The units the buyer holds and has bought of the SKU. */
  private final long used;

  /** The units the request would add. */
  private final long requested;

  /**
   * For implementations of {@link Inventory}; not meant to be thrown by callers.
   *
   * @param buyer the buyer the request named
   * @param sku the SKU whose limit it would pass
   * @param limit the item's per-buyer limit
   * @param used the units the buyer holds and has bought of the SKU (holds past their expiry not
   *     counted)
   * @param requested the units the request would add to them
   */
  public BuyerLimitExceededException(
      String buyer, String sku, long limit, long used, long requested) {
    super(
        "buyer '"
            + buyer
            + "' may hold and buy at most "
            + limit
            + " of "
            + sku
            + ": "
            + used
            + " already, "
            + Math.max(0, limit - used)
            + " remaining, "
            + requested
            + " requested");
    this.buyer = buyer;
    this.sku = sku;
    this.limit = limit;
    this.used = used;
    this.requested = requested;
  }

  /**
   * The buyer the request named.
   *
   * @return the buyer id
   */
  public String buyer() {
    return buyer;
  }

  /**
   * The SKU whose limit the request would pass.
   *
   * @return the SKU code
   */
  public String sku() {
    return sku;
  }

  /**
   * The item's per-buyer limit when the request was refused.
   *
   * @return the limit, at least 1
   */
  public long limit() {
    return limit;
  }

  /**
   * The units the buyer held and had bought of the SKU, all locations together, when the request
   * was refused; holds past their expiry are not counted.
   *
   * @return the units used, 0 or more
   */
  public long used() {
    return used;
  }

  /**
   * How many more units the buyer may take: {@code limit - used}, or 0 if the limit was lowered
   * below what the buyer already has.
   *
   * @return the units left, 0 or more
   */
  public long remaining() {
    return Math.max(0, limit - used);
  }

  /**
   * The units the refused request would have added on the SKU (for an amend, its growth).
   *
   * @return the units requested, at least 1
   */
  public long requested() {
    return requested;
  }
}
