package dev.inventory.service.api;

import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationPage;
import dev.inventory.ReservationRequest;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import dev.inventory.service.problem.ServiceException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orders of the limited-stock order service: one SKU, one buyer, bought in one step, held to the
 * SKU's per-buyer limit by the library; and a buyer's orders and carts, newest first.
 */
@RestController
@RequestMapping(path = "/api/v1/orders", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "orders", description = "Limited-stock orders: buy in one step, read back")
class OrderController {
  private final Inventory inventory;
  private final OrderBook orders;

  OrderController(Inventory inventory, OrderBook orders) {
    this.inventory = inventory;
    this.orders = orders;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Buy: the units are sold at once, or the order is refused",
      description =
          "Never oversold: concurrent orders of one SKU share one conditional UPDATE. Short: 422"
              + " insufficient-stock. The buyer is the library's: past the SKU's perBuyerLimit"
              + " (held and bought units of the buyer, all hubs) 422 buyer-limit-exceeded, checked"
              + " in the statement that takes the stock. With an Idempotency-Key the order id is"
              + " derived from it, so a repeat never buys twice. Library:"
              + " Inventory.purchase(request with buyer and unit price).")
  @Answers(
      success = 201,
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.BUYER_LIMIT_EXCEEDED,
        ProblemType.RESERVATION_ID_CONFLICT,
        ProblemType.IDEMPOTENCY_KEY_REUSED,
        ProblemType.UNKNOWN_KEYS
      })
  ResponseEntity<Json.OrderOut> create(
      @Valid @RequestBody Json.OrderIn body, HttpServletRequest request) {
    String orderId = Ids.forRequest(Ids.ORDER, IdempotencyFilter.keyOf(request));
    Reservation sale =
        inventory.purchase(
            ReservationRequest.builder(orderId).buyer(body.buyerId()).line(body.toLine()).build());
    return ResponseEntity.created(URI.create("/api/v1/orders/" + orderId))
        .body(Json.OrderOut.of(sale, sale.buyer()));
  }

  @GetMapping
  @Operation(
      summary = "A buyer's orders and carts, newest first, a page at a time",
      description =
          "Each as it stands (kind order or cart, its lines with their prices). nextCursor (null"
              + " after the last page) with the same buyerId gives the next page; orders made while"
              + " paging never shift a page. Orders taken before the library kept buyers are not"
              + " listed. Library: Inventory.findReservations(buyer, pageSize, cursor).")
  @Answers()
  Json.BuyerOrders listOrders(
      @Parameter(description = "the buyer")
          @RequestParam
          @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          String buyerId,
      @Parameter(description = "orders and carts per page, 1 to 1000")
          @RequestParam(defaultValue = "50")
          @Min(1)
          @Max(Inventory.MAX_PAGE_SIZE)
          int pageSize,
      @Parameter(description = "the nextCursor of the page before; omitted: the first page")
          @RequestParam(required = false)
          @Size(min = 1, max = 1000)
          @Nullable String cursor) {
    ReservationPage page = Ids.page(() -> inventory.findReservations(buyerId, pageSize, cursor));
    return new Json.BuyerOrders(
        buyerId, page.reservations().stream().map(Json.BuyerOrder::of).toList(), page.nextCursor());
  }

  @GetMapping("/{orderId}")
  @Operation(
      summary = "An order as it stands",
      description =
          "With its buyer and unit price. 404 reservation-not-found for an unknown id. Library:"
              + " Inventory.findReservation(orderId).")
  @Answers(problems = ProblemType.RESERVATION_NOT_FOUND)
  Json.OrderOut get(@PathVariable String orderId) {
    if (!orderId.startsWith(Ids.ORDER)) {
      throw ServiceException.reservationNotFound(orderId);
    }
    Reservation sale =
        inventory
            .findReservation(orderId)
            .orElseThrow(() -> ServiceException.reservationNotFound(orderId));
    // The library's buyer; an order taken before the library kept buyers has its buyer in the
    // service's old table only.
    String buyer = sale.buyer() != null ? sale.buyer() : orders.findOldBuyer(orderId).orElse(null);
    return Json.OrderOut.of(sale, buyer);
  }
}
