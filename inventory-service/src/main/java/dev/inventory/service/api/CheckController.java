package dev.inventory.service.api;

import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The order system's {@code checkInventory}: check that a hub has the items, and take them. */
@RestController
@Tag(name = "check", description = "checkInventory for an order system")
class CheckController {
  private final Inventory inventory;

  CheckController(Inventory inventory) {
    this.inventory = inventory;
  }

  @PostMapping(
      path = "/api/v1/inventory/check",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "checkInventory: take every item from the hub, or none",
      description =
          "status true: the stock was there and is taken. Short: 422 insufficient-stock with"
              + " every short SKU. Idempotent on orderId: a repeat answers the same and takes"
              + " nothing more; the same orderId with other items is 409 reservation-id-conflict."
              + " Library: Inventory.purchase(request) with the id 'oms_' + orderId.")
  @Answers(
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.RESERVATION_ID_CONFLICT,
        ProblemType.IDEMPOTENCY_KEY_REUSED,
        ProblemType.UNKNOWN_KEYS
      })
  Json.CheckOut check(@Valid @RequestBody Json.CheckIn body) {
    List<Line> lines = body.items().stream().map(item -> item.toLine(body.hubId())).toList();
    Reservation sale =
        inventory.purchase(
            ReservationRequest.builder(Ids.CHECK + body.orderId()).lines(lines).build());
    return new Json.CheckOut(
        true, body.orderId(), sale.id(), Json.LineOut.of(sale.lines()), sale.createdAt());
  }
}
