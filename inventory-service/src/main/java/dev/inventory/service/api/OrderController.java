package dev.inventory.service.api;

import dev.inventory.Inventory;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import dev.inventory.service.problem.ServiceException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Orders of the limited-stock order service: one SKU, one buyer, bought in one step. */
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
              + " insufficient-stock. With an Idempotency-Key the order id is derived from it, so a"
              + " repeat never buys twice. Library: Inventory.purchase(request).")
  @Answers(
      success = 201,
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.IDEMPOTENCY_KEY_REUSED,
        ProblemType.UNKNOWN_KEYS
      })
  ResponseEntity<Json.OrderOut> create(
      @Valid @RequestBody Json.OrderIn body, HttpServletRequest request) {
    String orderId = Ids.forRequest(Ids.ORDER, IdempotencyFilter.keyOf(request));
    StockKey key =
        StockKey.of(body.skuId(), body.hubId() == null ? StockKey.DEFAULT_LOCATION : body.hubId());
    Reservation sale =
        inventory.purchase(ReservationRequest.builder(orderId).line(key, body.quantity()).build());
    String buyer = orders.record(orderId, body.buyerId());
    return ResponseEntity.created(URI.create("/api/v1/orders/" + orderId))
        .body(Json.OrderOut.of(sale, buyer));
  }

  @GetMapping("/{orderId}")
  @Operation(
      summary = "An order as it stands",
      description =
          "404 reservation-not-found for an unknown id. Library:"
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
    return Json.OrderOut.of(sale, orders.findBuyer(orderId).orElse(null));
  }
}
