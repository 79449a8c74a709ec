package dev.inventory.service.api;

import dev.inventory.Line;
import dev.inventory.Price;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The service's JSON bodies: requests validated field by field, answers made from the library. */
final class Json {
  private Json() {}

  /** The largest quantity of a line (the library's bound). */
  static final long MAX_QUANTITY = 1_000_000_000L;

  /** The largest on-hand figure the service takes. */
  static final long MAX_ON_HAND = 1_000_000_000_000L;

  /** The longest TTL (the library's bound: 30 days). */
  static final long MAX_TTL_SECONDS = 30L * 24 * 3600;

  /** An ISO 4217 code as the library takes it: three upper-case letters. */
  static final String CURRENCY = "^[A-Z]{3}$";

  /**
   * The price of one unit, stored with the line for settlement (the library's {@link Price}).
   *
   * @param amountMinor the amount in the currency's minor units (cents), 0 to 10^15
   * @param currency the ISO 4217 code, three upper-case letters such as {@code EUR}
   */
  record UnitPrice(
      @NotNull @Min(0) @Max(Price.MAX_AMOUNT_MINOR) Long amountMinor,
      @NotNull
          @Pattern(
              regexp = CURRENCY,
              message = "must be an ISO 4217 code of three upper-case letters")
          String currency) {

    Price toPrice() {
      return Price.of(amountMinor, currency);
    }

    static @Nullable UnitPrice of(@Nullable Price price) {
      return price == null ? null : new UnitPrice(price.amountMinor(), price.currency());
    }
  }

  /**
   * A line of a cart or a check: a quantity of a SKU at a hub, at a price if one is given.
   *
   * @param skuId the SKU
   * @param hubId the hub; omitted: {@code default} (carts) or the request's hub (checks)
   * @param quantity 1 to 1,000,000,000
   * @param unitPrice the price of one unit, or omitted: none
   */
  record LineIn(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @Nullable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @NotNull @Min(1) @Max(MAX_QUANTITY) Long quantity,
      @Nullable @Valid UnitPrice unitPrice) {

    Line toLine(String defaultHub) {
      StockKey key = StockKey.of(skuId, hubId == null ? defaultHub : hubId);
      return new Line(key, quantity, unitPrice == null ? null : unitPrice.toPrice());
    }
  }

  /**
   * A line as the library holds it.
   *
   * @param skuId the SKU
   * @param hubId the hub
   * @param quantity the units
   * @param unitPrice the price of one unit, or null if the line was given none
   */
  record LineOut(String skuId, String hubId, long quantity, @Nullable UnitPrice unitPrice) {
    static LineOut of(Line line) {
      return new LineOut(
          line.key().sku(), line.key().location(), line.quantity(), UnitPrice.of(line.unitPrice()));
    }

    static List<LineOut> of(List<Line> lines) {
      return lines.stream().map(LineOut::of).toList();
    }
  }

  /**
   * A SKU's stock at a hub.
   *
   * @param skuId the SKU
   * @param hubId the hub
   * @param onHand units in the hub
   * @param reserved units held by carts
   * @param available on hand minus reserved: what can be sold now
   */
  record Level(String skuId, String hubId, long onHand, long reserved, long available) {
    static Level of(StockLevel level) {
      return new Level(
          level.key().sku(),
          level.key().location(),
          level.onHand(),
          level.reserved(),
          level.available());
    }
  }

  /**
   * The stock of several SKUs at a hub; a SKU never stocked reads as 0.
   *
   * @param hubId the hub
   * @param levels one per SKU asked for, in SKU order
   */
  record HubLevels(String hubId, List<Level> levels) {}

  /**
   * A counted figure for a SKU at a hub: on-hand becomes it.
   *
   * @param onHand 0 to 10^12
   * @param reason for the inventory log, up to 1,000 characters
   */
  record SetStock(
      @NotNull @Min(0) @Max(MAX_ON_HAND) Long onHand, @Nullable @Size(max = 1000) String reason) {}

  /**
   * One SKU of a bulk upsert.
   *
   * @param skuId the SKU
   * @param onHand 0 to 10^12
   */
  record StockItem(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @NotNull @Min(0) @Max(MAX_ON_HAND) Long onHand) {}

  /**
   * Counted figures for many SKUs of a hub, all or none.
   *
   * @param items 1 to 10,000 SKUs, each once
   * @param reason for the inventory log
   */
  record SetStockBulk(
      @NotEmpty @Size(min = 1, max = 10_000) List<@Valid @NotNull StockItem> items,
      @Nullable @Size(max = 1000) String reason) {}

  /**
   * The outcome of a bulk upsert.
   *
   * @param hubId the hub
   * @param applied SKUs set
   */
  record BulkApplied(String hubId, int applied) {}

  /**
   * A delivery: on-hand goes up.
   *
   * @param quantity 1 to 1,000,000,000
   * @param reason for the inventory log
   */
  record Receipt(
      @NotNull @Min(1) @Max(MAX_QUANTITY) Long quantity,
      @Nullable @Size(max = 1000) String reason) {}

  /**
   * The order system's check-and-decrement (checkInventory): all items at one hub, or none.
   *
   * @param orderId the order system's id: a repeat with it changes nothing and answers the same
   * @param hubId the hub that ships the order
   * @param items 1 to 1,000 SKUs and quantities
   */
  record CheckIn(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String orderId,
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @NotEmpty @Size(min = 1, max = 1000) List<@Valid @NotNull LineIn> items) {}

  /**
   * The stock was there and is taken: {@code status} is {@code true} (a refusal is a 422 problem).
   *
   * @param status always true
   * @param orderId the order system's id
   * @param reservationId the library's reservation id of the sale
   * @param items what was taken
   * @param at when
   */
  record CheckOut(
      boolean status, String orderId, String reservationId, List<LineOut> items, Instant at) {}

  /**
   * An order: one SKU bought by one buyer, in one step, held to the SKU's per-buyer limit.
   *
   * @param skuId the SKU
   * @param hubId the hub; omitted: {@code default}
   * @param quantity 1 to 1,000,000,000
   * @param buyerId who buys: the library's buyer of the sale
   * @param unitPrice the price of one unit, or omitted: none
   */
  record OrderIn(
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @Nullable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @NotNull @Min(1) @Max(MAX_QUANTITY) Long quantity,
      @NotBlank @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String buyerId,
      @Nullable @Valid UnitPrice unitPrice) {

    Line toLine() {
      return new LineIn(skuId, hubId, quantity, unitPrice).toLine(StockKey.DEFAULT_LOCATION);
    }
  }

  /**
   * An order as it stands.
   *
   * @param orderId its id
   * @param buyerId who bought (the library's buyer; for an order taken before the library kept
   *     buyers, the service's old record of it, or null if it has none)
   * @param skuId the SKU
   * @param hubId the hub
   * @param quantity the units
   * @param unitPrice the price of one unit, or null if the order gave none
   * @param status {@code CONFIRMED}: sold
   * @param createdAt when
   */
  record OrderOut(
      String orderId,
      @Nullable String buyerId,
      String skuId,
      String hubId,
      long quantity,
      @Nullable UnitPrice unitPrice,
      Reservation.Status status,
      Instant createdAt) {
    static OrderOut of(Reservation sale, @Nullable String buyerId) {
      Line line = sale.lines().get(0);
      return new OrderOut(
          sale.id(),
          buyerId,
          line.key().sku(),
          line.key().location(),
          line.quantity(),
          UnitPrice.of(line.unitPrice()),
          sale.status(),
          sale.createdAt());
    }
  }

  /**
   * One of a buyer's orders or carts, in a listing.
   *
   * @param kind {@code order} (bought in one step) or {@code cart}
   * @param id the order's or cart's id
   * @param url where it is read
   * @param status {@code HELD}, {@code CONFIRMED}, {@code RELEASED} or {@code EXPIRED}
   * @param lines what it holds (or held), with their prices
   * @param createdAt when it was made
   * @param expiresAt when a cart's hold runs out; null for an order
   */
  record BuyerOrder(
      String kind,
      String id,
      String url,
      Reservation.Status status,
      List<LineOut> lines,
      Instant createdAt,
      @Nullable Instant expiresAt) {
    static BuyerOrder of(Reservation reservation) {
      boolean cart = reservation.id().startsWith(Ids.CART);
      return new BuyerOrder(
          cart ? "cart" : "order",
          reservation.id(),
          (cart ? "/api/v1/carts/" : "/api/v1/orders/") + reservation.id(),
          reservation.status(),
          LineOut.of(reservation.lines()),
          reservation.createdAt(),
          cart ? reservation.expiresAt() : null);
    }
  }

  /**
   * A page of a buyer's orders and carts, newest first.
   *
   * @param buyerId the buyer
   * @param orders this page's orders and carts
   * @param nextCursor the next page's cursor (with the same buyer), or null after the last page
   */
  record BuyerOrders(String buyerId, List<BuyerOrder> orders, @Nullable String nextCursor) {}

  /**
   * A new cart: its lines are held, all or none, until it expires.
   *
   * @param lines 1 to 1,000 lines
   * @param ttlSeconds how long the hold lasts, 1 s to 30 days; omitted: the service's default
   * @param buyerId who the cart is for (the library's buyer: the SKUs' per-buyer limits apply, to
   *     this cart and its amends); omitted: nobody, no limit
   */
  record CartIn(
      @NotEmpty @Size(min = 1, max = 1000) List<@Valid @NotNull LineIn> lines,
      @Nullable @Min(1) @Max(MAX_TTL_SECONDS) Long ttlSeconds,
      @Nullable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String buyerId) {}

  /**
   * A cart's new content.
   *
   * @param lines 1 to 1,000 lines: exactly what the cart holds afterwards
   */
  record CartLines(@NotEmpty @Size(min = 1, max = 1000) List<@Valid @NotNull LineIn> lines) {}

  /**
   * A new time-to-live from now.
   *
   * @param ttlSeconds 1 s to 30 days
   */
  record Extension(@NotNull @Min(1) @Max(MAX_TTL_SECONDS) Long ttlSeconds) {}

  /**
   * A cart as it stands.
   *
   * @param cartId its id
   * @param buyerId who it is for, or null
   * @param status {@code HELD}, {@code CONFIRMED}, {@code RELEASED} or {@code EXPIRED}
   * @param lines what it holds (or held), with their prices
   * @param createdAt when it was reserved
   * @param expiresAt when its hold runs out
   */
  record CartOut(
      String cartId,
      @Nullable String buyerId,
      Reservation.Status status,
      List<LineOut> lines,
      Instant createdAt,
      Instant expiresAt) {
    static CartOut of(Reservation cart) {
      return new CartOut(
          cart.id(),
          cart.buyer(),
          cart.status(),
          LineOut.of(cart.lines()),
          cart.createdAt(),
          cart.expiresAt());
    }
  }

  /**
   * A settlement to compute: the daily movements of these UTC days.
   *
   * @param from the first day
   * @param to the last day, not before {@code from}
   * @param workers threads (each one connection), 1 to the service's maximum; omitted: 2
   */
  record SettlementIn(
      @NotNull LocalDate from, @NotNull LocalDate to, @Nullable @Min(1) Integer workers) {}
}
