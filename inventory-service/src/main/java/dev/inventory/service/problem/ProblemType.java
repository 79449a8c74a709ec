package dev.inventory.service.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * The service's problem types (RFC 9457): one per exception the service answers, each with the
 * status a client expects and a stable {@code type} URI (an identifier; the README's table says
 * what each means).
 */
public enum ProblemType {
  /** A field, parameter or header is out of bounds; {@code errors} names each one. */
  VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
  /** The body is not JSON, or a field has the wrong type; {@code field} names it if known. */
  MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "The request body cannot be read"),
  /** The library refused an argument ({@code IllegalArgumentException}); the detail names it. */
  INVALID_ARGUMENT(HttpStatus.BAD_REQUEST, "An argument is out of bounds"),
  /** A body too large to be kept for its Idempotency-Key. */
  REQUEST_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request is too large"),
  /** {@code InsufficientStockException}: {@code shortages} lists every short SKU. */
  INSUFFICIENT_STOCK(HttpStatus.UNPROCESSABLE_CONTENT, "Not enough stock"),
  /**
   * {@code BuyerLimitExceededException}: the buyer would pass the SKU's per-buyer limit; {@code
   * buyerId}, {@code skuId}, {@code limit}, {@code used}, {@code remaining}, {@code requested}.
   */
  BUYER_LIMIT_EXCEEDED(HttpStatus.UNPROCESSABLE_CONTENT, "Over the per-buyer limit"),
  /** A stock figure below what is reserved: {@code refused} lists every refused SKU. */
  STOCK_BELOW_RESERVED(HttpStatus.UNPROCESSABLE_CONTENT, "Stock below what is reserved"),
  /** {@code ReservationNotFoundException}: no cart or order has this id. */
  RESERVATION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such reservation"),
  /** {@code ReservationStateException}: the cart or order is final; {@code status} says how. */
  RESERVATION_STATE(HttpStatus.CONFLICT, "The reservation cannot make this move"),
  /** {@code ReservationExpiredException}: the hold ran out at {@code expiresAt}. */
  RESERVATION_EXPIRED(HttpStatus.CONFLICT, "The reservation has expired"),
  /**
   * {@code UnknownKeysException} (known-keys mode): the catalog does not know, or has deactivated,
   * a hub or SKU of the call; {@code keys}, {@code unknownSkuIds} and {@code unknownHubIds} say
   * which.
   */
  UNKNOWN_KEYS(HttpStatus.UNPROCESSABLE_CONTENT, "Not in the catalog"),
  /**
   * {@code CatalogEntryNotFoundException}: no hub or SKU has this code; {@code kind} says which.
   */
  CATALOG_ENTRY_NOT_FOUND(HttpStatus.NOT_FOUND, "No such hub or SKU"),
  /** {@code CatalogEntryExistsException}: a create of a code that is taken, with other values. */
  CATALOG_ENTRY_EXISTS(HttpStatus.CONFLICT, "The hub or SKU exists"),
  /** {@code IdempotencyConflictException}: the id exists with other lines. */
  RESERVATION_ID_CONFLICT(HttpStatus.CONFLICT, "The id was used with other lines"),
  /** The Idempotency-Key was first used with another request. */
  IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused"),
  /** {@code InventoryTimeoutException}: nothing was changed; repeat it. */
  INVENTORY_TIMEOUT(HttpStatus.SERVICE_UNAVAILABLE, "The inventory timed out"),
  /** {@code InventoryUnavailableException}: {@code outcomeUnknown} says whether it may be done. */
  INVENTORY_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The inventory is unavailable"),
  /** {@code InventoryException} of no other kind: the detail says what failed. */
  INVENTORY_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "The inventory failed"),
  /** No settlement job has this id. */
  JOB_NOT_FOUND(HttpStatus.NOT_FOUND, "No such job"),
  /** The job is not in a state for this: {@code state} says where it is. */
  JOB_STATE(HttpStatus.CONFLICT, "The job cannot do this now");

  /** Where the type URIs live: identifiers, not pages to fetch. */
  public static final String BASE = "https://inventory-dev.github.io/inventory/problems/";

  private final HttpStatus status;
  private final String title;

  ProblemType(HttpStatus status, String title) {
    this.status = status;
    this.title = title;
  }

  /**
   * The type URI, e.g. {@code
   * https://inventory-dev.github.io/inventory/problems/insufficient-stock}.
   *
   * @return the URI
   */
  public URI uri() {
    return URI.create(BASE + slug());
  }

  /**
   * The last segment of the URI.
   *
   * @return e.g. {@code insufficient-stock}
   */
  public String slug() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /**
   * The status sent with it.
   *
   * @return the status
   */
  public HttpStatus status() {
    return status;
  }

  /**
   * The short, fixed summary.
   *
   * @return the title
   */
  public String title() {
    return title;
  }
}
