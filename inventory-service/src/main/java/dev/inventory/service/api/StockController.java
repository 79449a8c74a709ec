package dev.inventory.service.api;

import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.BulkResult;
import dev.inventory.Inventory;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import dev.inventory.StockLevel;
import dev.inventory.service.idempotency.AlreadyAnsweredException;
import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.idempotency.IdempotencyStore;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import dev.inventory.service.problem.ServiceException;
import dev.inventory.spring.boot.SpringTransactionalInventory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stock per hub and SKU (the inventory management service): the library's keys are {@code
 * StockKey(sku, hub)}.
 */
@RestController
@RequestMapping(path = "/api/v1/hubs/{hubId}/stock", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "stock", description = "Stock per hub and SKU: upsert, receipts, levels")
class StockController {
  private final Inventory inventory;
  private final StockLedger ledger;
  private final SpringTransactionalInventory transactional;
  private final IdempotencyStore idempotency;
  private final JsonMapper json;

  StockController(
      Inventory inventory,
      StockLedger ledger,
      SpringTransactionalInventory transactional,
      IdempotencyStore idempotency,
      JsonMapper json) {
    this.inventory = inventory;
    this.ledger = ledger;
    this.transactional = transactional;
    this.idempotency = idempotency;
    this.json = json;
  }

  @GetMapping
  @Operation(
      summary = "The stock of several SKUs at a hub, in one consistent read",
      description = "A SKU never stocked reads as 0. Library: Inventory.levels(keys).")
  @Answers()
  Json.HubLevels levels(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @RequestParam @NotEmpty @Size(min = 1, max = 1000)
          List<@Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String> skuIds) {
    List<StockKey> keys = skuIds.stream().map(sku -> StockKey.of(sku, hubId)).toList();
    Map<StockKey, StockLevel> levels = inventory.levels(keys);
    return new Json.HubLevels(hubId, levels.values().stream().map(Json.Level::of).toList());
  }

  @GetMapping("/{skuId}")
  @Operation(
      summary = "The stock of one SKU at a hub",
      description = "0 if never stocked. Library: Inventory.level(key).")
  @Answers()
  Json.Level level(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId) {
    return Json.Level.of(inventory.level(StockKey.of(skuId, hubId)));
  }

  @PutMapping(path = "/{skuId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Upsert: set the counted on-hand of a SKU at a hub",
      description =
          "Creates the SKU at the hub if new. Below what is reserved: 422 insufficient-stock."
              + " Library: Inventory.setOnHand(key, onHand, reason).")
  @Answers(
      problems = {
        ProblemType.INSUFFICIENT_STOCK,
        ProblemType.INVALID_ARGUMENT,
        ProblemType.UNKNOWN_KEYS
      })
  Json.Level setOnHand(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @Valid @RequestBody Json.SetStock body) {
    return Json.Level.of(
        inventory.setOnHand(StockKey.of(skuId, hubId), body.onHand(), body.reason()));
  }

  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Atomic upsert of many SKUs at a hub: all figures set, or none",
      description =
          "One transaction; a figure below what is reserved refuses the whole call (422"
              + " stock-below-reserved, every refused SKU listed). Library:"
              + " StockLedger.setOnHandAll(entries, reason, ATOMIC).")
  @Answers(
      problems = {
        ProblemType.STOCK_BELOW_RESERVED,
        ProblemType.INVALID_ARGUMENT,
        ProblemType.UNKNOWN_KEYS
      })
  Json.BulkApplied setOnHandAll(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @Valid @RequestBody Json.SetStockBulk body) {
    List<BulkEntry> entries =
        body.items().stream()
            .map(item -> BulkEntry.of(StockKey.of(item.skuId(), hubId), item.onHand()))
            .toList();
    BulkResult result = ledger.setOnHandAll(entries, body.reason(), BulkMode.ATOMIC);
    if (!result.isComplete()) {
      List<Map<String, Object>> refused = new ArrayList<>();
      for (BulkResult.Refusal refusal : result.refused()) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("skuId", refusal.key().sku());
        item.put("hubId", refusal.key().location());
        item.put("requested", refusal.requested());
        item.put("onHand", refusal.onHand());
        item.put("reserved", refusal.reserved());
        refused.add(item);
      }
      throw new ServiceException(
          ProblemType.STOCK_BELOW_RESERVED,
          "nothing was set: "
              + refused.size()
              + " of "
              + result.requested()
              + " figures are below what is reserved",
          Map.of("refused", refused));
    }
    return new Json.BulkApplied(hubId, result.applied());
  }

  @PostMapping(path = "/{skuId}/receipts", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Transactional
  @Operation(
      summary = "Receive a delivery: on-hand goes up",
      description =
          "Not idempotent by itself (each call adds): with an Idempotency-Key the answer commits"
              + " in the same transaction as the stock, so a repeat never adds twice. Library:"
              + " SpringTransactionalInventory.receive(key, quantity, reason).")
  @Answers(
      success = 201,
      problems = {ProblemType.IDEMPOTENCY_KEY_REUSED, ProblemType.UNKNOWN_KEYS})
  ResponseEntity<Json.Level> receive(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @Valid @RequestBody Json.Receipt body,
      HttpServletRequest request) {
    String key = IdempotencyFilter.keyOf(request);
    String fingerprint = (String) request.getAttribute(IdempotencyFilter.FINGERPRINT);
    if (key != null) {
      // The key first, in this transaction: a copy of this request running at the same time
      // waits here until this one commits, then finds the key taken and adds nothing.
      request.setAttribute(IdempotencyFilter.ANSWERED_IN_TRANSACTION, true);
      if (!idempotency.claimInTransaction(
          key, fingerprint, request.getMethod(), request.getRequestURI())) {
        throw new AlreadyAnsweredException(idempotency.find(key).orElseThrow(), fingerprint);
      }
    }
    Json.Level level =
        Json.Level.of(
            transactional.receive(StockKey.of(skuId, hubId), body.quantity(), body.reason()));
    if (key != null) {
      // The answer commits with the stock: the service can stop at any point and a repeat still
      // finds either nothing done, or the change and its answer.
      idempotency.answerInTransaction(
          key,
          HttpStatus.CREATED.value(),
          MediaType.APPLICATION_JSON_VALUE,
          null,
          json.writeValueAsBytes(level));
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(level);
  }
}
