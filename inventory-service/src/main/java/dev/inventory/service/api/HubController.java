package dev.inventory.service.api;

import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Location;
import dev.inventory.catalog.LocationQuery;
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
import java.util.Set;
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
 * Hubs: the catalog's locations. A hub's id is the hub of its stock keys; a hub is never deleted,
 * only deactivated (its stock and history stay).
 */
@RestController
@RequestMapping(path = "/api/v1/hubs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "hubs", description = "Hubs: the catalog's locations (create, read, update, list)")
class HubController {
  private final Catalog catalog;

  HubController(Catalog catalog) {
    this.catalog = catalog;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Create a hub",
      description =
          "201 with Location. A hubId the catalog has with other values: 409"
              + " catalog-entry-exists; with exactly these values, 201 with the hub again (a"
              + " retry is safe). Library: Catalog.createLocation(location).")
  @Answers(
      success = 201,
      problems = {ProblemType.CATALOG_ENTRY_EXISTS, ProblemType.IDEMPOTENCY_KEY_REUSED})
  ResponseEntity<CatalogJson.HubOut> createHub(@Valid @RequestBody CatalogJson.HubIn body) {
    Location stored = catalog.createLocation(body.toLocation());
    return ResponseEntity.created(URI.create("/api/v1/hubs/" + stored.code()))
        .body(CatalogJson.HubOut.of(stored));
  }

  @GetMapping("/{hubId}")
  @Operation(
      summary = "A hub",
      description =
          "404 catalog-entry-not-found if the catalog has no such hub. Library:"
              + " Catalog.getLocation(hubId).")
  @Answers(problems = ProblemType.CATALOG_ENTRY_NOT_FOUND)
  CatalogJson.HubOut getHub(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId) {
    return CatalogJson.HubOut.of(catalog.getLocation(hubId));
  }

  @PutMapping(path = "/{hubId}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace a hub's name and active flag",
      description =
          "active true brings a deactivated hub back. 404 catalog-entry-not-found for an unknown"
              + " hub. Library: Catalog.updateLocation(location).")
  @Answers(problems = {ProblemType.CATALOG_ENTRY_NOT_FOUND, ProblemType.IDEMPOTENCY_KEY_REUSED})
  CatalogJson.HubOut updateHub(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId,
      @Valid @RequestBody CatalogJson.HubUpdate body) {
    return CatalogJson.HubOut.of(catalog.updateLocation(body.toLocation(hubId)));
  }

  @PostMapping("/{hubId}/deactivate")
  @Operation(
      summary = "Deactivate a hub: never deleted, taken out of use",
      description =
          "Idempotent. Its stock, holds and history stay; in known-keys mode new orders, carts"
              + " and stock changes at it are refused (422 unknown-keys), holds taken before can"
              + " still be confirmed or released. Library: Catalog.deactivateLocation(hubId).")
  @Answers(problems = {ProblemType.CATALOG_ENTRY_NOT_FOUND, ProblemType.IDEMPOTENCY_KEY_REUSED})
  CatalogJson.HubOut deactivateHub(
      @PathVariable @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE) String hubId) {
    return CatalogJson.HubOut.of(catalog.deactivateLocation(hubId));
  }

  @GetMapping
  @Operation(
      summary = "List hubs, in hubId order, a page at a time",
      description =
          "Filters: hubIds, active. Keyset paging: pass the answer's nextCursor with the same"
              + " filters for the next page; hubs written meanwhile never shift a page. A cursor"
              + " of other filters: 400 naming cursor. Library: Catalog.locations(query, cursor).")
  @Answers()
  CatalogJson.HubPage listHubs(
      @Parameter(description = "only these hubs: repeated (hubIds=A&hubIds=B) or a comma list")
          @RequestParam(required = false)
          @Nullable List<String> hubIds,
      @Parameter(description = "true: active hubs only; false: deactivated ones only")
          @RequestParam(required = false)
          @Nullable Boolean active,
      @Parameter(description = "hubs per page, 1 to 1000")
          @RequestParam(defaultValue = "100")
          @Min(1)
          @Max(Catalog.MAX_PAGE_SIZE)
          int pageSize,
      @Parameter(description = "the nextCursor of the page before; omitted: the first page")
          @RequestParam(required = false)
          @Size(min = 1, max = 1000)
          @Nullable String cursor) {
    Set<String> codes = Ids.codes("hubIds", hubIds);
    LocationQuery query = new LocationQuery(codes, active, pageSize);
    Page<Location> page = Ids.page(() -> catalog.locations(query, cursor));
    return new CatalogJson.HubPage(
        page.entries().stream().map(CatalogJson.HubOut::of).toList(), page.nextCursor());
  }
}
