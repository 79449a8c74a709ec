package dev.inventory.service.api;

import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.SellerDay;
import dev.inventory.jdbc.SellerGross;
import dev.inventory.service.problem.Answers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Pattern;
import java.time.LocalDate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Settlement per seller (the order service's back office): the library's per-seller summary of each
 * UTC day (units) and the gross amounts sold per seller, day and currency, as JSON or CSV, for the
 * days a settlement job has summarized.
 */
@RestController
@RequestMapping(path = "/api/v1/settlement", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "settlement", description = "Settlement jobs: start, status, cancel, CSV download")
class SellerSettlementController {
  private final MovementReports reports;

  SellerSettlementController(MovementReports reports) {
    this.reports = reports;
  }

  /**
   * One seller's units of one UTC day.
   *
   * @param day the UTC day
   * @param sellerId the seller (the catalog's seller of the SKUs); empty for the SKUs the catalog
   *     does not know
   * @param sold units sold (confirmed carts and orders)
   * @param reserved units held (carts, and amends that grew one)
   * @param released units given back (releases, and amends that shrank a cart)
   * @param expired units of carts that expired
   * @param received units received
   * @param adjusted the net on-hand change of adjustments and counts (negative: written off)
   * @param entries the log entries summed
   */
  record SellerDayOut(
      LocalDate day,
      String sellerId,
      long sold,
      long reserved,
      long released,
      long expired,
      long received,
      long adjusted,
      long entries) {
    static SellerDayOut of(SellerDay row) {
      return new SellerDayOut(
          row.day(),
          row.seller(),
          row.sold(),
          row.reserved(),
          row.released(),
          row.expired(),
          row.received(),
          row.adjusted(),
          row.entries());
    }
  }

  /**
   * The per-seller summary of a range of days.
   *
   * @param from the first day
   * @param to the last day
   * @param sellerId the seller asked for, or null: every seller
   * @param days one row per day and seller that had movements, by day then seller
   */
  record SellerSummaryOut(
      LocalDate from, LocalDate to, @Nullable String sellerId, List<SellerDayOut> days) {}

  /**
   * What one seller sold in one currency on one UTC day, at the prices of the sold lines.
   *
   * @param day the UTC day
   * @param sellerId the seller; empty for the SKUs the catalog does not know
   * @param currency the ISO 4217 code of the lines' prices
   * @param units the units sold at a price in this currency
   * @param amountMinor their gross amount, in the currency's minor units
   */
  record GrossOut(LocalDate day, String sellerId, String currency, long units, long amountMinor) {
    static GrossOut of(SellerGross row) {
      return new GrossOut(row.day(), row.seller(), row.currency(), row.units(), row.amountMinor());
    }
  }

  /**
   * The gross amounts of a range of days.
   *
   * @param from the first day
   * @param to the last day
   * @param sellerId the seller asked for, or null: every seller
   * @param amounts one row per day, seller and currency, in that order
   */
  record GrossAmountsOut(
      LocalDate from, LocalDate to, @Nullable String sellerId, List<GrossOut> amounts) {}

  @GetMapping("/sellers")
  @Operation(
      summary =
          "Units per seller and UTC day: sold, reserved, released, expired, received, adjusted",
      description =
          "The days a settlement job has summarized (POST /api/v1/jobs/settlement); a day not"
              + " summarized has no rows. A SKU's seller is the catalog's when its day was"
              + " summarized; SKUs the catalog does not know are under sellerId \"\". Library:"
              + " MovementReports.sellerSummary(from, to, seller).")
  @Answers()
  SellerSummaryOut sellers(
      @Parameter(description = "the first UTC day")
          @RequestParam
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate from,
      @Parameter(description = "the last UTC day, not before from")
          @RequestParam
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate to,
      @Parameter(description = "only this seller; omitted: every seller")
          @RequestParam(required = false)
          @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String sellerId) {
    SettlementController.checkRange(from, to);
    return new SellerSummaryOut(
        from,
        to,
        sellerId,
        reports.sellerSummary(from, to, sellerId).stream().map(SellerDayOut::of).toList());
  }

  @GetMapping(path = "/sellers/download", produces = SettlementController.TEXT_CSV)
  @Operation(
      summary = "Units per seller and UTC day as CSV",
      description =
          "day,seller,sold,reserved,released,expired,received,adjusted,entries; streamed from"
              + " PostgreSQL. Library: MovementReports.exportSellerCsv(from, to, seller, writer).")
  @Answers()
  ResponseEntity<StreamingResponseBody> sellersCsv(
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
      @RequestParam(required = false) @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String sellerId) {
    SettlementController.checkRange(from, to);
    return SettlementController.csv(
        "sellers-" + from + "-" + to + ".csv",
        writer -> reports.exportSellerCsv(from, to, sellerId, writer));
  }

  @GetMapping("/gross")
  @Operation(
      summary = "Gross amounts sold per seller, UTC day and currency",
      description =
          "From the unit prices of the sold lines (units times price); lines sold without a price"
              + " count in the sellers' units only. Only summarized days have rows. Library:"
              + " MovementReports.sellerGross(from, to, seller).")
  @Answers()
  GrossAmountsOut gross(
      @Parameter(description = "the first UTC day")
          @RequestParam
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate from,
      @Parameter(description = "the last UTC day, not before from")
          @RequestParam
          @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate to,
      @Parameter(description = "only this seller; omitted: every seller")
          @RequestParam(required = false)
          @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String sellerId) {
    SettlementController.checkRange(from, to);
    return new GrossAmountsOut(
        from,
        to,
        sellerId,
        reports.sellerGross(from, to, sellerId).stream().map(GrossOut::of).toList());
  }

  @GetMapping(path = "/gross/download", produces = SettlementController.TEXT_CSV)
  @Operation(
      summary = "Gross amounts per seller, UTC day and currency as CSV",
      description =
          "day,seller,currency,units,amount_minor; streamed from PostgreSQL. Library:"
              + " MovementReports.exportGrossCsv(from, to, seller, writer).")
  @Answers()
  ResponseEntity<StreamingResponseBody> grossCsv(
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
      @RequestParam(required = false) @Pattern(regexp = Ids.NAME, message = Ids.NAME_MESSAGE)
          @Nullable String sellerId) {
    SettlementController.checkRange(from, to);
    return SettlementController.csv(
        "gross-" + from + "-" + to + ".csv",
        writer -> reports.exportGrossCsv(from, to, sellerId, writer));
  }
}
