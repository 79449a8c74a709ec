package dev.inventory.service.api;

import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.Page;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * SKUs: the catalog's items, each with its tenant, seller and an optional per-buyer limit. A SKU's
 * id is the SKU of its stock keys; a SKU is never deleted, only deactivated.
 */
@RestController
@RequestMapping(path = "/api/v1/skus", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "skus",
    description = "SKUs: the catalog's items (create, read, update, list, a catalog file)")
class SkuController {
  private final Catalog catalog;

  SkuController(Catalog catalog) {
    this.catalog = catalog;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Create a SKU",
      description =
          "201 with Location. A skuId the catalog has with other values: 409"
              + " catalog-entry-exists; with exactly these values, 201 with the SKU again (a"
              + " retry is safe). Library: Catalog.createItem(item).")
  @Answers(
      success = 201,
      problems = {ProblemType.CATALOG_ENTRY_EXISTS, ProblemType.IDEMPOTENCY_KEY_REUSED})
  ResponseEntity<CatalogJson.SkuOut> createSku(@Valid @RequestBody CatalogJson.SkuIn body) {
    Item stored = catalog.createItem(body.toItem());
    return ResponseEntity.created(URI.create("/api/v1/skus/" + stored.sku()))
        .body(CatalogJson.SkuOut.of(stored));
  }

  @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Load a catalog file: SKUs created or replaced, all or none",
      description =
          "One transaction; SKUs stored with the same values are not written. A skuId twice in"
              + " the file: 400 invalid-argument, nothing written. Library:"
              + " Catalog.upsertItems(items).")
  @Answers(problems = {ProblemType.INVALID_ARGUMENT, ProblemType.IDEMPOTENCY_KEY_REUSED})
  CatalogJson.SkuFileLoaded loadCatalogFile(@Valid @RequestBody CatalogJson.SkuFile body) {
    List<Item> items = body.items().stream().map(CatalogJson.SkuIn::toItem).toList();
    return CatalogJson.SkuFileLoaded.of(catalog.upsertItems(items));
  }

  @GetMapping("/{skuId}")
  @Operation(
      summary = "A SKU",
      description =
          "404 catalog-entry-not-found if the catalog has no such SKU. Library:"
              + " Catalog.getItem(skuId).")
  @Answers(problems = ProblemType.CATALOG_ENTRY_NOT_FOUND)
  CatalogJson.SkuOut getSku(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId) {
    return CatalogJson.SkuOut.of(catalog.getItem(skuId));
  }

  @PutMapping(path = "/{skuId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace every value of a SKU but its id",
      description =
          "Tenant, seller, name, active flag, per-buyer limit (omitted: none); active true brings"
              + " a deactivated SKU back. 404 catalog-entry-not-found for an unknown SKU. Library:"
              + " Catalog.updateItem(item).")
  @Answers(problems = {ProblemType.CATALOG_ENTRY_NOT_FOUND, ProblemType.IDEMPOTENCY_KEY_REUSED})
  CatalogJson.SkuOut updateSku(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId,
      @Valid @RequestBody CatalogJson.SkuUpdate body) {
    return CatalogJson.SkuOut.of(catalog.updateItem(body.toItem(skuId)));
  }

  @PostMapping("/{skuId}/deactivate")
  @Operation(
      summary = "Deactivate a SKU: never deleted, taken out of sale",
      description =
          "Idempotent. Its stock, holds and history stay; in known-keys mode new orders, carts"
              + " and stock changes of it are refused (422 unknown-keys), holds taken before can"
              + " still be confirmed or released. Library: Catalog.deactivateItem(skuId).")
  @Answers(problems = {ProblemType.CATALOG_ENTRY_NOT_FOUND, ProblemType.IDEMPOTENCY_KEY_REUSED})
  CatalogJson.SkuOut deactivateSku(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String skuId) {
    return CatalogJson.SkuOut.of(catalog.deactivateItem(skuId));
  }

  @GetMapping
  @Operation(
      summary = "List SKUs, in skuId order, a page at a time",
      description =
          "Filters (every one given must match): tenantId, sellerId, skuIds, active. Keyset"
              + " paging: pass the answer's nextCursor with the same filters for the next page;"
              + " SKUs written meanwhile never shift a page. A cursor of other filters: 400 naming"
              + " cursor. Library: Catalog.items(query, cursor).")
  @Answers()
  CatalogJson.SkuPage listSkus(
      @Parameter(description = "only the SKUs of this tenant")
          @RequestParam(required = false)
          @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String tenantId,
      @Parameter(description = "only the SKUs of this seller")
          @RequestParam(required = false)
          @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String sellerId,
      @Parameter(description = "only these SKUs: repeated (skuIds=A&skuIds=B) or a comma list")
          @RequestParam(required = false)
          @Nullable List<String> skuIds,
      @Parameter(description = "true: active SKUs only; false: deactivated ones only")
          @RequestParam(required = false)
          @Nullable Boolean active,
      @Parameter(description = "SKUs per page, 1 to 1000")
          @RequestParam(defaultValue = "100")
          @Min(1)
          @Max(Catalog.MAX_PAGE_SIZE)
          int pageSize,
      @Parameter(description = "the nextCursor of the page before; omitted: the first page")
          @RequestParam(required = false)
          @Size(min = 1, max = 1000)
          @Nullable String cursor) {
    ItemQuery query =
        new ItemQuery(tenantId, sellerId, Ids.codes("skuIds", skuIds), active, pageSize);
    Page<Item> page = Ids.page(() -> catalog.items(query, cursor));
    return new CatalogJson.SkuPage(
        page.entries().stream().map(CatalogJson.SkuOut::of).toList(), page.nextCursor());
  }
}
