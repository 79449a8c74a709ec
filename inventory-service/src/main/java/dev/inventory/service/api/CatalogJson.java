package dev.inventory.service.api;

import dev.inventory.catalog.Item;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.UpsertResult;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON bodies of the catalog: hubs (the library's locations) and SKUs (its items), checked
 * field by field before the library sees them.
 */
final class CatalogJson {
  private CatalogJson() {}

  /** Names for people: what the library takes (no control characters), as a pattern. */
  static final String LABEL = "^[^\\x00-\\x1F\\x7F-\\x9F]*$";

  /** The message of a {@link #LABEL} mismatch. */
  static final String LABEL_MESSAGE = "must not contain control characters";

  /** The most SKUs of one catalog file: as many as one bulk upsert of stock. */
  static final int MAX_FILE_ITEMS = 10_000;

  /**
   * A new hub.
   *
   * @param hubId its code: the hub of its stock keys
   * @param name a name for people, up to 1,000 characters
   * @param active whether stock may be kept there; omitted: true
   */
  record HubIn(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @NotBlank
          @Size(max = Location.MAX_NAME_LENGTH)
          @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
          String name,
      @Nullable Boolean active) {

    Location toLocation() {
      return new Location(hubId, name, active == null || active);
    }
  }

  /**
   * A hub's new values (its id is in the path).
   *
   * @param name a name for people, up to 1,000 characters
   * @param active whether stock may be kept there: false takes it out of use, true brings it back
   */
  record HubUpdate(
      @NotBlank
          @Size(max = Location.MAX_NAME_LENGTH)
          @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
          String name,
      @NotNull Boolean active) {

    Location toLocation(String hubId) {
      return new Location(hubId, name, active);
    }
  }

  /**
   * A hub as the catalog has it.
   *
   * @param hubId its code
   * @param name its name
   * @param active whether stock may be kept there
   */
  record HubOut(String hubId, String name, boolean active) {
    static HubOut of(Location location) {
      return new HubOut(location.code(), location.name(), location.active());
    }
  }

  /**
   * One page of hubs, in hubId order.
   *
   * @param hubs up to pageSize hubs
   * @param nextCursor the cursor of the next page (send it with the same filters), or null after
   *     the last page
   */
  record HubPage(List<HubOut> hubs, @Nullable String nextCursor) {}

  /**
   * A new SKU, or one line of a catalog file.
   *
   * @param skuId its code: the SKU of its stock keys
   * @param tenantId the tenant (the shop, or the marketplace operator) it belongs to
   * @param sellerId the seller who sells it
   * @param name a name for people, up to 1,000 characters
   * @param active whether it is sold; omitted: true
   * @param perBuyerLimit the most units one buyer may take, 1 to 1,000,000,000; omitted: no limit
   */
  record SkuIn(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String tenantId,
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String sellerId,
      @NotBlank @Size(max = Item.MAX_NAME_LENGTH) @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
          String name,
      @Nullable Boolean active,
      @Nullable @Min(1) @Max(Json.MAX_QUANTITY) Long perBuyerLimit) {

    Item toItem() {
      return new Item(skuId, tenantId, sellerId, name, active == null || active, perBuyerLimit);
    }
  }

  /**
   * A SKU's new values (its id is in the path): every value is replaced.
   *
   * @param tenantId the tenant it belongs to
   * @param sellerId the seller who sells it
   * @param name a name for people, up to 1,000 characters
   * @param active whether it is sold: false takes it out of sale, true brings it back
   * @param perBuyerLimit the most units one buyer may take; omitted: no limit
   */
  record SkuUpdate(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String tenantId,
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String sellerId,
      @NotBlank @Size(max = Item.MAX_NAME_LENGTH) @Pattern(regexp = LABEL, message = LABEL_MESSAGE)
          String name,
      @NotNull Boolean active,
      @Nullable @Min(1) @Max(Json.MAX_QUANTITY) Long perBuyerLimit) {

    Item toItem(String skuId) {
      return new Item(skuId, tenantId, sellerId, name, active, perBuyerLimit);
    }
  }

  /**
   * A SKU as the catalog has it.
   *
   * @param skuId its code
   * @param tenantId its tenant
   * @param sellerId its seller
   * @param name its name
   * @param active whether it is sold
   * @param perBuyerLimit the most units one buyer may take, or null for no limit
   */
  record SkuOut(
      String skuId,
      String tenantId,
      String sellerId,
      String name,
      boolean active,
      @Nullable Long perBuyerLimit) {
    static SkuOut of(Item item) {
      return new SkuOut(
          item.sku(),
          item.tenant(),
          item.seller(),
          item.name(),
          item.active(),
          item.perBuyerLimit());
    }
  }

  /**
   * One page of SKUs, in skuId order.
   *
   * @param skus up to pageSize SKUs
   * @param nextCursor the cursor of the next page (send it with the same filters), or null after
   *     the last page
   */
  record SkuPage(List<SkuOut> skus, @Nullable String nextCursor) {}

  /**
   * A catalog file: SKUs created or replaced, all or none.
   *
   * @param items 1 to 10,000 SKUs, each skuId once
   */
  record SkuFile(
      @NotEmpty @Size(min = 1, max = MAX_FILE_ITEMS) List<@Valid @NotNull SkuIn> items) {}

  /**
   * What a catalog file did.
   *
   * @param created SKUs that were not in the catalog
   * @param updated SKUs that were, with other values
   * @param unchanged SKUs that were, with the same values: not written
   * @param total every SKU of the file
   */
  record SkuFileLoaded(int created, int updated, int unchanged, int total) {
    static SkuFileLoaded of(UpsertResult result) {
      return new SkuFileLoaded(
          result.created(), result.updated(), result.unchanged(), result.total());
    }
  }
}
