package dev.inventory.service.api;

import dev.inventory.Inventory;
import dev.inventory.Line;
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
import java.time.Duration;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Carts: stock held with a time-to-live, amended, extended, then confirmed (paid) or released
 * (cancelled); an abandoned cart expires and the sweeper frees its units.
 */
@RestController
@RequestMapping(path = "/api/v1/carts", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "carts", description = "Carts: reserve, amend, extend, confirm, release")
class CartController {
  private final Inventory inventory;

  CartController(Inventory inventory) {
    this.inventory = inventory;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Reserve a cart: every line held, or none",
      description =
          "Held until expiresAt. Short: 422 insufficient-stock with every short line. With a"
              + " buyerId the SKUs' per-buyer limits apply (422 buyer-limit-exceeded); lines may"
              + " carry a unitPrice. With an Idempotency-Key the cart id is derived from it, so a"
              + " repeat never holds twice. Library: Inventory.reserve(request with buyer and"
              + " prices).")
  @Answers(
      success = 201,
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.BUYER_LIMIT_EXCEEDED,
        ProblemType.RESERVATION_ID_CONFLICT,
        ProblemType.IDEMPOTENCY_KEY_REUSED,
        ProblemType.UNKNOWN_KEYS
      })
  ResponseEntity<Json.CartOut> reserve(
      @Valid @RequestBody Json.CartIn body, HttpServletRequest request) {
    String cartId = Ids.forRequest(Ids.CART, IdempotencyFilter.keyOf(request));
    ReservationRequest.Builder cart = ReservationRequest.builder(cartId).lines(lines(body.lines()));
    if (body.ttlSeconds() != null) {
      cart.ttl(Duration.ofSeconds(body.ttlSeconds()));
    }
    if (body.buyerId() != null) {
      cart.buyer(body.buyerId());
    }
    Reservation held = inventory.reserve(cart.build());
    return ResponseEntity.created(URI.create("/api/v1/carts/" + cartId))
        .body(Json.CartOut.of(held));
  }

  @GetMapping("/{cartId}")
  @Operation(
      summary = "A cart as it stands",
      description =
          "A hold past its expiry shows EXPIRED. Library: Inventory.findReservation(cartId).")
  @Answers(problems = ProblemType.RESERVATION_NOT_FOUND)
  Json.CartOut get(@PathVariable String cartId) {
    return Json.CartOut.of(
        inventory
            .findReservation(cart(cartId))
            .orElseThrow(() -> ServiceException.reservationNotFound(cartId)));
  }

  @PutMapping(path = "/{cartId}/lines", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Amend a held cart to exactly these lines",
      description =
          "Lines that grow need the extra units free (422 insufficient-stock) and, in a cart with"
              + " a buyer, room under the SKU's per-buyer limit (422 buyer-limit-exceeded); lines"
              + " may carry a unitPrice; the buyer and the expiry stay. Library:"
              + " Inventory.amend(cartId, lines).")
  @Answers(
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.BUYER_LIMIT_EXCEEDED,
        ProblemType.RESERVATION_NOT_FOUND,
        ProblemType.RESERVATION_EXPIRED,
        ProblemType.RESERVATION_STATE,
        ProblemType.UNKNOWN_KEYS
      })
  Json.CartOut amend(@PathVariable String cartId, @Valid @RequestBody Json.CartLines body) {
    return Json.CartOut.of(inventory.amend(cart(cartId), lines(body.lines())));
  }

  @PostMapping(path = "/{cartId}/extend", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Hold a cart for ttlSeconds from now",
      description = "Library: Inventory.extend(cartId, ttl).")
  @Answers(
      problems = {
        ProblemType.RESERVATION_NOT_FOUND,
        ProblemType.RESERVATION_EXPIRED,
        ProblemType.RESERVATION_STATE
      })
  Json.CartOut extend(@PathVariable String cartId, @Valid @RequestBody Json.Extension body) {
    return Json.CartOut.of(inventory.extend(cart(cartId), Duration.ofSeconds(body.ttlSeconds())));
  }

  @PostMapping("/{cartId}/confirm")
  @Operation(
      summary = "Confirm a cart (paid): its units are sold",
      description =
          "Idempotent. Expired: 409 reservation-expired; released: 409 reservation-state."
              + " Library: Inventory.confirm(cartId).")
  @Answers(
      problems = {
        ProblemType.RESERVATION_NOT_FOUND,
        ProblemType.RESERVATION_EXPIRED,
        ProblemType.RESERVATION_STATE
      })
  Json.CartOut confirm(@PathVariable String cartId) {
    return Json.CartOut.of(inventory.confirm(cart(cartId)));
  }

  @PostMapping("/{cartId}/release")
  @Operation(
      summary = "Release a cart (cancelled): its units are free again",
      description =
          "Idempotent. The units are free again, and count no more against the buyer's"
              + " per-buyer limits. Expired: 409 reservation-expired; confirmed: 409"
              + " reservation-state. Library: Inventory.release(cartId).")
  @Answers(
      problems = {
        ProblemType.RESERVATION_NOT_FOUND,
        ProblemType.RESERVATION_EXPIRED,
        ProblemType.RESERVATION_STATE
      })
  Json.CartOut release(@PathVariable String cartId) {
    return Json.CartOut.of(inventory.release(cart(cartId)));
  }

  /** Carts have ids of their own kind: an order's id on a cart's path is no cart. */
  private static String cart(String cartId) {
    if (!cartId.startsWith(Ids.CART)) {
      throw ServiceException.reservationNotFound(cartId);
    }
    return cartId;
  }

  private static List<Line> lines(List<Json.LineIn> lines) {
    return lines.stream().map(line -> line.toLine(StockKey.DEFAULT_LOCATION)).toList();
  }
}
