package dev.inventory.catalog;

import dev.inventory.internal.Checks;
import org.jspecify.annotations.Nullable;

/**
 * A product as the catalog knows it: its SKU code (the {@link dev.inventory.StockKey#sku()} of its
 * stock), the tenant and seller it belongs to, a name, whether it is sold, and how many units one
 * buyer may take at most.
 *
 * @param sku the SKU code, as stock keys name it: 1 to 128 characters, not blank, without control
 *     characters
 * @param tenant the tenant (the shop, or the marketplace operator) it belongs to: 1 to 128
 *     characters, as a SKU
 * @param seller the seller who sells it: 1 to 128 characters, as a SKU
 * @param name a name for people: 1 to {@value #MAX_NAME_LENGTH} characters, not blank, without
 *     control characters
 * @param active whether it is sold; known-keys mode refuses changes on an item that is not active
 * @param perBuyerLimit the most units of this SKU one buyer may hold and buy, at all locations
 *     together, 1 to 1,000,000,000; {@code null}: no limit. The inventory applies it to every
 *     reserve, purchase and amend that names a {@linkplain dev.inventory.ReservationRequest#buyer()
 *     buyer}, atomically with the change (refusing with {@link
 *     dev.inventory.BuyerLimitExceededException}); a release or an expiry gives the units back, a
 *     confirm keeps them. It counts the units placed while the item had a limit; a request without
 *     a buyer is not limited
 * @since 0.1.0
 */
public record Item(
    String sku,
    String tenant,
    String seller,
    String name,
    boolean active,
    @Nullable Long perBuyerLimit) {
  /** The longest name, in characters. */
  public static final int MAX_NAME_LENGTH = 1000;

  /**
   * Checks every field.
   *
   * @param sku the SKU code
   * @param tenant the tenant it belongs to
   * @param seller the seller who sells it
   * @param name a name for people
   * @param active whether it is sold
   * @param perBuyerLimit the most units one buyer may take, or {@code null} for no limit
   * @throws NullPointerException if a field other than {@code perBuyerLimit} is null
   * @throws IllegalArgumentException if a code or the name is empty, blank, too long or contains a
   *     control character, or {@code perBuyerLimit} is below 1 or above 1,000,000,000
   */
  public Item {
    Checks.name("sku", sku);
    Checks.name("tenant", tenant);
    Checks.name("seller", seller);
    Checks.label("name", name, MAX_NAME_LENGTH);
    if (perBuyerLimit != null) {
      Checks.quantity("perBuyerLimit", perBuyerLimit);
    }
  }

  /**
   * An active item without a per-buyer limit.
   *
   * @param sku the SKU code
   * @param tenant the tenant it belongs to
   * @param seller the seller who sells it
   * @param name a name for people
   * @return the item, active, no limit
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is out of bounds
   */
  public static Item of(String sku, String tenant, String seller, String name) {
    return new Item(sku, tenant, seller, name, true, null);
  }

  /**
   * This item with another name.
   *
   * @param name the new name
   * @return a copy with {@code name}
   * @throws IllegalArgumentException if the name is out of bounds
   */
  public Item withName(String name) {
    return new Item(sku, tenant, seller, name, active, perBuyerLimit);
  }

  /**
   * This item with another seller.
   *
   * @param seller the new seller
   * @return a copy with {@code seller}
   * @throws IllegalArgumentException if the seller is out of bounds
   */
  public Item withSeller(String seller) {
    return new Item(sku, tenant, seller, name, active, perBuyerLimit);
  }

  /**
   * This item, sold or not.
   *
   * @param active whether it is sold
   * @return a copy with {@code active}
   */
  public Item withActive(boolean active) {
    return new Item(sku, tenant, seller, name, active, perBuyerLimit);
  }

  /**
   * This item with another per-buyer limit.
   *
   * @param perBuyerLimit the most units one buyer may take, or {@code null} for no limit
   * @return a copy with {@code perBuyerLimit}
   * @throws IllegalArgumentException if the limit is out of bounds
   */
  public Item withPerBuyerLimit(@Nullable Long perBuyerLimit) {
    return new Item(sku, tenant, seller, name, active, perBuyerLimit);
  }
}
