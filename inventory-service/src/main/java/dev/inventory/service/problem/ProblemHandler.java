package dev.inventory.service.problem;

import dev.inventory.BuyerLimitExceededException;
import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.UnknownKeysException;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.CatalogEntryExistsException;
import dev.inventory.catalog.CatalogEntryNotFoundException;
import dev.inventory.service.idempotency.AlreadyAnsweredException;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.idempotency.IdempotencyStore;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error as an RFC 9457 problem: one type per library exception, with its data as properties
 * (the shortages, the reservation's status, the ids), and the service's own and Spring MVC's
 * (validation naming the field, unreadable JSON, unknown paths, wrong methods). Bad input is always
 * a 4xx.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  private final Problems problems;

  ProblemHandler(Problems problems) {
    this.problems = problems;
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> insufficientStock(
      InsufficientStockException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.INSUFFICIENT_STOCK, e.getMessage());
    List<Map<String, Object>> shortages = new ArrayList<>();
    for (Shortage s : e.shortages()) {
      Map<String, Object> shortage = new LinkedHashMap<>();
      shortage.put("skuId", s.key().sku());
      shortage.put("hubId", s.key().location());
      shortage.put("requested", s.requested());
      shortage.put("available", s.available());
      shortages.add(shortage);
    }
    problem.setProperty("shortages", shortages);
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> buyerLimitExceeded(
      BuyerLimitExceededException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.BUYER_LIMIT_EXCEEDED, e.getMessage());
    problem.setProperty("buyerId", e.buyer());
    problem.setProperty("skuId", e.sku());
    problem.setProperty("limit", e.limit());
    problem.setProperty("used", e.used());
    problem.setProperty("remaining", e.remaining());
    problem.setProperty("requested", e.requested());
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> notFound(
      ReservationNotFoundException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.RESERVATION_NOT_FOUND, e.getMessage());
    problem.setProperty("reservationId", e.reservationId());
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> expired(
      ReservationExpiredException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.RESERVATION_EXPIRED, e.getMessage());
    problem.setProperty("reservationId", e.reservationId());
    problem.setProperty("reservationStatus", e.status().name());
    problem.setProperty("expiresAt", e.expiresAt().toString());
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> state(
      ReservationStateException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.RESERVATION_STATE, e.getMessage());
    problem.setProperty("reservationId", e.reservationId());
    problem.setProperty("reservationStatus", e.status().name());
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> idConflict(
      IdempotencyConflictException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.RESERVATION_ID_CONFLICT, e.getMessage());
    problem.setProperty("reservationId", e.reservationId());
    problem.setProperty("existingLines", lines(e.existingLines()));
    problem.setProperty("requestedLines", lines(e.requestedLines()));
    problem.setProperty("existingBuyerId", e.existingBuyer());
    problem.setProperty("requestedBuyerId", e.requestedBuyer());
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> unknownKeys(
      UnknownKeysException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.UNKNOWN_KEYS, e.getMessage());
    List<Map<String, Object>> keys = new ArrayList<>();
    for (StockKey key : e.keys()) {
      Map<String, Object> refused = new LinkedHashMap<>();
      refused.put("skuId", key.sku());
      refused.put("hubId", key.location());
      keys.add(refused);
    }
    problem.setProperty("keys", keys);
    problem.setProperty("unknownSkuIds", List.copyOf(e.unknownSkus()));
    problem.setProperty("unknownHubIds", List.copyOf(e.unknownLocations()));
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> catalogEntryNotFound(
      CatalogEntryNotFoundException e, HttpServletRequest request) {
    return answer(
        catalogEntry(
            ProblemType.CATALOG_ENTRY_NOT_FOUND, e.kind(), e.code(), "is not in the catalog"),
        request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> catalogEntryExists(
      CatalogEntryExistsException e, HttpServletRequest request) {
    return answer(
        catalogEntry(
            ProblemType.CATALOG_ENTRY_EXISTS,
            e.kind(),
            e.code(),
            "is already in the catalog with other values: update it (PUT) instead"),
        request);
  }

  /**
   * A hub or SKU problem in the service's words (a location is a hub, an item a SKU): {@code kind}
   * and the id field of its kind.
   */
  private ProblemDetail catalogEntry(
      ProblemType type, Catalog.EntryKind kind, String code, String what) {
    boolean hub = kind == Catalog.EntryKind.LOCATION;
    ProblemDetail problem = problems.of(type, (hub ? "hub '" : "SKU '") + code + "' " + what);
    problem.setProperty("kind", hub ? "hub" : "sku");
    problem.setProperty(hub ? "hubId" : "skuId", code);
    return problem;
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> timeout(
      InventoryTimeoutException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(ProblemType.INVENTORY_TIMEOUT, e.getMessage());
    problem.setProperty("outcomeUnknown", false);
    return retryLater(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> unavailable(
      InventoryUnavailableException e, HttpServletRequest request) {
    log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
    ProblemDetail problem = problems.of(ProblemType.INVENTORY_UNAVAILABLE, e.getMessage());
    problem.setProperty("outcomeUnknown", e.isOutcomeUnknown());
    return retryLater(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> inventory(InventoryException e, HttpServletRequest request) {
    log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
    return answer(problems.of(ProblemType.INVENTORY_ERROR, e.getMessage()), request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> invalidArgument(
      IllegalArgumentException e, HttpServletRequest request) {
    return answer(problems.of(ProblemType.INVALID_ARGUMENT, e.getMessage()), request);
  }

  @ExceptionHandler
  ResponseEntity<Map<String, Object>> service(ServiceException e, HttpServletRequest request) {
    ProblemDetail problem = problems.of(e.type(), e.getMessage());
    e.properties().forEach(problem::setProperty);
    return answer(problem, request);
  }

  @ExceptionHandler
  ResponseEntity<?> alreadyAnswered(AlreadyAnsweredException e, HttpServletRequest request) {
    IdempotencyStore.Answer answer = e.answer();
    if (!e.sameRequest()) {
      ProblemDetail problem =
          problems.of(
              ProblemType.IDEMPOTENCY_KEY_REUSED,
              "the Idempotency-Key was first used with another request ("
                  + answer.method()
                  + " "
                  + answer.path()
                  + " with another body); use a new key for a new request");
      problem.setProperty("firstMethod", answer.method());
      problem.setProperty("firstPath", answer.path());
      return answer(problem, request);
    }
    ResponseEntity.BodyBuilder replay =
        ResponseEntity.status(answer.status()).header(IdempotencyFilter.REPLAYED, "true");
    if (answer.contentType() != null) {
      replay.contentType(MediaType.parseMediaType(answer.contentType()));
    }
    if (answer.location() != null) {
      replay.header(HttpHeaders.LOCATION, answer.location());
    }
    return replay.body(answer.body());
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, Object>> errors = new ArrayList<>();
    for (FieldError error : e.getBindingResult().getFieldErrors()) {
      errors.add(error(error.getField(), error.getDefaultMessage()));
    }
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(error -> errors.add(error(error.getObjectName(), error.getDefaultMessage())));
    return validation(errors, request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, Object>> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            result -> {
              String name = result.getMethodParameter().getParameterName();
              boolean body = result.getMethodParameter().hasParameterAnnotation(RequestBody.class);
              for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field = name;
                if (error instanceof FieldError fieldError) {
                  // A body's fields are named as in the JSON; a parameter's by its name.
                  field = body ? fieldError.getField() : name + "." + fieldError.getField();
                }
                errors.add(error(field, error.getDefaultMessage()));
              }
            });
    return validation(errors, request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String field =
        e instanceof MethodArgumentTypeMismatchException mismatch
            ? mismatch.getName()
            : String.valueOf(e.getPropertyName());
    String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
    return validation(
        new ArrayList<>(
            List.of(error(field, "must be a valid " + type + ", but was '" + e.getValue() + "'"))),
        request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return validation(
        new ArrayList<>(List.of(error(e.getParameterName(), "is required"))), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail problem;
    if (e.getCause() instanceof JacksonException databind && !databind.getPath().isEmpty()) {
      String field =
          databind.getPath().stream()
              .map(
                  ref ->
                      ref.getPropertyName() != null
                          ? ref.getPropertyName()
                          : "[" + ref.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      problem =
          problems.of(
              ProblemType.MALFORMED_REQUEST,
              "the field '" + field + "' cannot be read: " + databind.getOriginalMessage());
      problem.setProperty("field", field);
    } else {
      problem =
          problems.of(
              ProblemType.MALFORMED_REQUEST,
              "the body must be a JSON object as the API describes it (see /v3/api-docs)");
    }
    return untyped(problem, request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleExceptionInternal(
      Exception e,
      @Nullable Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    // Spring MVC's own problems (404 for an unknown path, 405, 415, ...): problem details too.
    ResponseEntity<Object> entity =
        super.handleExceptionInternal(e, body, headers, status, request);
    if (entity == null) {
      return null;
    }
    Object sent = entity.getBody();
    if (sent instanceof ProblemDetail problem) {
      if (problem.getInstance() == null) {
        problem.setInstance(URI.create(path(request)));
      }
      sent = Problems.body(problem);
    }
    return ResponseEntity.status(entity.getStatusCode())
        .headers(entity.getHeaders())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(sent);
  }

  private ResponseEntity<Object> validation(List<Map<String, Object>> errors, WebRequest request) {
    errors.sort(Comparator.comparing(error -> (String) error.get("field")));
    String fields =
        errors.stream().map(error -> (String) error.get("field")).collect(Collectors.joining(", "));
    ProblemDetail problem = problems.validation("invalid: " + fields, errors);
    return untyped(problem, request);
  }

  private ResponseEntity<Object> untyped(ProblemDetail problem, WebRequest request) {
    problem.setInstance(URI.create(path(request)));
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.body(problem));
  }

  private static ResponseEntity<Map<String, Object>> answer(
      ProblemDetail problem, HttpServletRequest request) {
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(problem.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.body(problem));
  }

  private static ResponseEntity<Map<String, Object>> retryLater(
      ProblemDetail problem, HttpServletRequest request) {
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(problem.getStatus())
        .header(HttpHeaders.RETRY_AFTER, "1")
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(Problems.body(problem));
  }

  private static Map<String, Object> error(String field, @Nullable String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("field", field);
    error.put("message", message == null ? "is invalid" : message);
    return error;
  }

  private static List<Map<String, Object>> lines(List<Line> lines) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Line line : lines) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("skuId", line.key().sku());
      json.put("hubId", line.key().location());
      json.put("quantity", line.quantity());
      if (line.unitPrice() != null) {
        Map<String, Object> price = new LinkedHashMap<>();
        price.put("amountMinor", line.unitPrice().amountMinor());
        price.put("currency", line.unitPrice().currency());
        json.put("unitPrice", price);
      }
      out.add(json);
    }
    return out;
  }

  private static String path(WebRequest request) {
    String description = request.getDescription(false); // "uri=/api/v1/..."
    return description.startsWith("uri=") ? description.substring(4) : description;
  }
}
