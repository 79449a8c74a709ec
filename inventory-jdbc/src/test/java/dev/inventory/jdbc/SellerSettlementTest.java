package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.HistoryPage;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.MutableClock;
import dev.inventory.Price;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.catalog.Item;
import dev.inventory.jdbc.ReportStatus.State;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The settlement per seller against a recomputation in Java: a seeded random shop (three sellers, a
 * SKU the catalog does not know, two locations, four days) is summarized by a report job, and the
 * per-seller rows must equal the sums of the log's entries, read back through the ledger's history
 * and attributed to sellers here — not by the report's SQL.
 */
@DisplayName("Settlement per seller and day on PostgreSQL")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SellerSettlementTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(6);

  private static final long SEED = 18_05L;
  private static final LocalDate FIRST = LocalDate.of(2030, 6, 1);
  private static final LocalDate LAST = FIRST.plusDays(3);
  private static final Map<String, String> SELLER_OF =
      Map.of("A-1", "alice", "A-2", "alice", "B-1", "bob", "C-1", "carol");
  private static final List<String> SKUS = List.of("A-1", "A-2", "B-1", "C-1", "X-UNKNOWN");
  private static final List<String> LOCATIONS = List.of("default", "hub-2");
  private static final List<String> CURRENCIES = List.of("EUR", "USD", "JPY");

  private final MutableClock clock = MutableClock.startingAt(FIRST + "T00:00:00Z");
  private JdbcInventoryStore store;
  private Inventory inventory;
  private MovementReports reports;

  @BeforeAll
  void shop() throws Exception {
    store = DB.store(clock);
    inventory = store.inventory();
    reports = store.reports();
    SELLER_OF.forEach(
        (sku, seller) -> store.catalog().createItem(Item.of(sku, "shop", seller, "Item " + sku)));
    System.out.println("[SellerSettlementTest] seed " + SEED);
    simulate(new Random(SEED));
    ReportStatus done =
        reports.start(FIRST, LAST.plusDays(1), 3).completion().get(60, TimeUnit.SECONDS);
    assertThat(done.state()).as(String.valueOf(done.failure())).isEqualTo(State.SUCCEEDED);
  }

  /** Four days of receipts, carts, sales, releases, amends, expiries and counts. */
  private void simulate(Random random) {
    int next = 0;
    List<String> held = new ArrayList<>();
    for (LocalDate day = FIRST; !day.isAfter(LAST); day = day.plusDays(1)) {
      clock.set(day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60));
      for (String sku : SKUS) {
        for (String location : LOCATIONS) {
          inventory.receive(new StockKey(sku, location), 20 + random.nextInt(20), "morning");
        }
      }
      for (int op = 0; op < 120; op++) {
        clock.advance(Duration.ofSeconds(300 + random.nextInt(300)));
        StockKey key = new StockKey(pick(random, SKUS), pick(random, LOCATIONS));
        String id = "r" + next++;
        try {
          switch (random.nextInt(9)) {
            case 0, 1 -> {
              StockKey other = new StockKey(pick(random, SKUS), pick(random, LOCATIONS));
              String currency = pick(random, CURRENCIES);
              ReservationRequest.Builder cart =
                  ReservationRequest.builder(id)
                      .line(line(random, key, 1 + random.nextInt(3), currency))
                      .ttl(Duration.ofMinutes(10 + random.nextInt(40)));
              if (!other.equals(key)) {
                cart.line(line(random, other, 1 + random.nextInt(2), currency));
              }
              inventory.reserve(cart.build());
              held.add(id);
            }
            case 2 ->
                inventory.purchase(
                    ReservationRequest.builder(id).line(key, 1 + random.nextInt(2)).build());
            case 3, 4 -> {
              if (!held.isEmpty()) {
                inventory.confirm(held.remove(random.nextInt(held.size())));
              }
            }
            case 5 -> {
              if (!held.isEmpty()) {
                inventory.release(held.remove(random.nextInt(held.size())));
              }
            }
            case 6 -> {
              if (!held.isEmpty()) {
                String cart = held.get(random.nextInt(held.size()));
                Reservation r = inventory.findReservation(cart).orElseThrow();
                if (r.status() == Reservation.Status.HELD) {
                  Line line = r.lines().get(0);
                  inventory.amend(
                      cart, List.of(new Line(line.key(), 1 + random.nextInt(4), line.unitPrice())));
                }
              }
            }
            case 7 -> inventory.adjust(key, -1, "breakage");
            default -> inventory.expireDue(1000);
          }
        } catch (InsufficientStockException | ReservationStateException e) {
          // Short stock, or a hold that ran out before its confirm: a shop's ordinary day.
        }
      }
      inventory.setOnHand(new StockKey(pick(random, SKUS), "default"), 50, "evening count");
    }
  }

  /** A line with a unit price in {@code currency} four times in five, else without a price. */
  private static Line line(Random random, StockKey key, long quantity, String currency) {
    if (random.nextInt(5) == 0) {
      return new Line(key, quantity);
    }
    return Line.of(key, quantity, Price.of(50 + random.nextInt(5000), currency));
  }

  private static String pick(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** The per-seller rows recomputed from the log entries, attributed to sellers here. */
  private List<SellerDay> recomputed(LocalDate first, LocalDate last) {
    Map<String, long[]> sums = new TreeMap<>(); // "day|seller" -> the eight sums, in order
    Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    for (String sku : SKUS) {
      for (String location : LOCATIONS) {
        String cursor = null;
        do {
          HistoryPage page =
              store.ledger().history(new StockKey(sku, location), from, to, 1000, cursor);
          for (LogEntry entry : page.entries()) {
            LocalDate day = LocalDate.ofInstant(entry.at(), ZoneOffset.UTC);
            String seller = SELLER_OF.getOrDefault(sku, MovementReports.NO_SELLER);
            long[] s = sums.computeIfAbsent(day + "|" + seller, k -> new long[7]);
            switch (entry.kind()) {
              case CONFIRM -> s[0] -= entry.onHandDelta();
              case RESERVE -> s[1] += entry.reservedDelta();
              case RELEASE -> s[2] -= entry.reservedDelta();
              case EXPIRE -> s[3] -= entry.reservedDelta();
              case RECEIVE -> s[4] += entry.onHandDelta();
              case ADJUST, SET -> s[5] += entry.onHandDelta();
              case AMEND -> {
                if (entry.reservedDelta() > 0) {
                  s[1] += entry.reservedDelta();
                } else {
                  s[2] -= entry.reservedDelta();
                }
              }
            }
            s[6]++;
          }
          cursor = page.nextCursor();
        } while (cursor != null);
      }
    }
    List<SellerDay> rows = new ArrayList<>();
    sums.forEach(
        (daySeller, s) -> {
          String[] parts = daySeller.split("\\|", -1);
          rows.add(
              new SellerDay(
                  LocalDate.parse(parts[0]), parts[1], s[0], s[1], s[2], s[3], s[4], s[5], s[6]));
        });
    return rows;
  }

  /**
   * The gross per seller, day and currency recomputed from the log's CONFIRM entries, each priced
   * by its reservation's line as {@code findReservation} returns it.
   */
  private List<SellerGross> recomputedGross(LocalDate first, LocalDate last) {
    Map<String, long[]> sums = new TreeMap<>(); // "day|seller|currency" -> units, amount
    Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    for (String sku : SKUS) {
      for (String location : LOCATIONS) {
        StockKey key = new StockKey(sku, location);
        String cursor = null;
        do {
          HistoryPage page = store.ledger().history(key, from, to, 1000, cursor);
          for (LogEntry entry : page.entries()) {
            if (entry.kind() != LogEntry.Kind.CONFIRM) {
              continue;
            }
            Line sold =
                inventory.findReservation(entry.reservationId()).orElseThrow().lines().stream()
                    .filter(l -> l.key().equals(key))
                    .findFirst()
                    .orElseThrow();
            assertThat(sold.quantity()).isEqualTo(-entry.onHandDelta());
            if (sold.unitPrice() == null) {
              continue;
            }
            String seller = SELLER_OF.getOrDefault(sku, MovementReports.NO_SELLER);
            long[] s =
                sums.computeIfAbsent(
                    LocalDate.ofInstant(entry.at(), ZoneOffset.UTC)
                        + "|"
                        + seller
                        + "|"
                        + sold.unitPrice().currency(),
                    k -> new long[2]);
            s[0] += sold.quantity();
            s[1] += sold.quantity() * sold.unitPrice().amountMinor();
          }
          cursor = page.nextCursor();
        } while (cursor != null);
      }
    }
    List<SellerGross> rows = new ArrayList<>();
    sums.forEach(
        (k, s) -> {
          String[] parts = k.split("\\|", -1);
          rows.add(new SellerGross(LocalDate.parse(parts[0]), parts[1], parts[2], s[0], s[1]));
        });
    // The report's order: day, seller, currency.
    rows.sort(
        Comparator.comparing(SellerGross::day)
            .thenComparing(SellerGross::seller)
            .thenComparing(SellerGross::currency));
    return rows;
  }

  @Test
  @DisplayName(
      "the gross per seller, day and currency equals the sold lines' units times their prices")
  void grossMatchesTheSoldLines() {
    List<SellerGross> expected = recomputedGross(FIRST, LAST.plusDays(1));

    assertThat(reports.sellerGross(FIRST, LAST.plusDays(1), null)).isEqualTo(expected);
    assertThat(expected).extracting(SellerGross::currency).contains("EUR", "USD", "JPY");
    assertThat(expected)
        .extracting(SellerGross::seller)
        .contains("alice", "bob", "carol", MovementReports.NO_SELLER);
    assertThat(expected).extracting(SellerGross::day).contains(FIRST, LAST);
  }

  @Test
  @DisplayName("lines sold without a price count in the units sold, not in the gross")
  void unpricedLinesCountInUnitsOnly() {
    Map<String, Long> pricedUnits = new TreeMap<>();
    reports
        .sellerGross(FIRST, LAST, null)
        .forEach(g -> pricedUnits.merge(g.day() + "|" + g.seller(), g.units(), Long::sum));
    long unpriced = 0;
    for (SellerDay day : reports.sellerSummary(FIRST, LAST, null)) {
      long priced = pricedUnits.getOrDefault(day.day() + "|" + day.seller(), 0L);
      assertThat(priced).as("%s", day).isLessThanOrEqualTo(day.sold());
      unpriced += day.sold() - priced;
    }
    assertThat(unpriced).as("some lines were sold without a price").isPositive();
  }

  @Test
  @DisplayName("the gross CSV streams one row per day, seller and currency, as the rows read")
  void grossCsv() {
    StringWriter csv = new StringWriter();

    long written = reports.exportGrossCsv(FIRST, LAST, "carol", csv);

    List<String> expected = new ArrayList<>();
    expected.add("day,seller,currency,units,amount_minor");
    for (SellerGross g : reports.sellerGross(FIRST, LAST, "carol")) {
      expected.add(
          g.day()
              + ","
              + g.seller()
              + ","
              + g.currency()
              + ","
              + g.units()
              + ","
              + g.amountMinor());
    }
    assertThat(csv.toString().lines().toList()).isEqualTo(expected);
    assertThat(written).isEqualTo(expected.size() - 1).isPositive();
  }

  @Test
  @DisplayName("equals the log's entries summed per seller and day in Java, for every day")
  void matchesTheLogRecomputed() {
    List<SellerDay> expected = recomputed(FIRST, LAST.plusDays(1));

    assertThat(reports.sellerSummary(FIRST, LAST.plusDays(1), null)).isEqualTo(expected);
    assertThat(expected)
        .extracting(SellerDay::seller)
        .containsOnly("alice", "bob", "carol", MovementReports.NO_SELLER);
    assertThat(expected)
        .extracting(SellerDay::day)
        .containsOnly(FIRST, FIRST.plusDays(1), FIRST.plusDays(2), LAST);
    assertThat(expected).anySatisfy(row -> assertThat(row.sold()).isPositive());
    assertThat(expected).anySatisfy(row -> assertThat(row.expired()).isPositive());
    assertThat(expected).anySatisfy(row -> assertThat(row.released()).isPositive());
  }

  @Test
  @DisplayName("one seller's rows, and the SKUs without an item under the empty seller")
  void filtersBySeller() {
    List<SellerDay> all = reports.sellerSummary(FIRST, LAST, null);

    assertThat(reports.sellerSummary(FIRST, LAST, "bob"))
        .isEqualTo(all.stream().filter(r -> r.seller().equals("bob")).toList())
        .hasSize(4);
    assertThat(reports.sellerSummary(FIRST, LAST, MovementReports.NO_SELLER))
        .isEqualTo(all.stream().filter(r -> r.seller().isEmpty()).toList())
        .hasSize(4);
    assertThat(reports.sellerSummary(FIRST, LAST, "nobody-sells-this")).isEmpty();
  }

  @Test
  @DisplayName("summarizing the days again gives the same seller rows")
  void rerunIsIdempotent() throws Exception {
    List<SellerDay> once = reports.sellerSummary(FIRST, LAST, null);
    List<SellerGross> grossOnce = reports.sellerGross(FIRST, LAST, null);

    ReportStatus again = reports.start(FIRST, LAST, 2).completion().get(60, TimeUnit.SECONDS);

    assertThat(again.state()).isEqualTo(State.SUCCEEDED);
    assertThat(reports.sellerSummary(FIRST, LAST, null)).isEqualTo(once);
    assertThat(reports.sellerGross(FIRST, LAST, null)).isEqualTo(grossOnce);
  }

  @Test
  @DisplayName("the seller CSV streams a seller's rows with a header, the same figures as the rows")
  void sellerCsv() {
    StringWriter csv = new StringWriter();

    long written = reports.exportSellerCsv(FIRST, LAST, "alice", csv);

    List<String> lines = csv.toString().lines().toList();
    List<String> expected = new ArrayList<>();
    expected.add("day,seller,sold,reserved,released,expired,received,adjusted,entries");
    for (SellerDay r : reports.sellerSummary(FIRST, LAST, "alice")) {
      expected.add(
          String.join(
              ",",
              r.day().toString(),
              r.seller(),
              Long.toString(r.sold()),
              Long.toString(r.reserved()),
              Long.toString(r.released()),
              Long.toString(r.expired()),
              Long.toString(r.received()),
              Long.toString(r.adjusted()),
              Long.toString(r.entries())));
    }
    assertThat(lines).isEqualTo(expected);
    assertThat(written).isEqualTo(4);
  }

  @Test
  @DisplayName("in the CSV the SKUs without an item are under a quoted empty seller")
  void noSellerInCsv() {
    StringWriter csv = new StringWriter();

    long written = reports.exportSellerCsv(FIRST, FIRST, MovementReports.NO_SELLER, csv);

    assertThat(written).isEqualTo(1);
    assertThat(csv.toString().lines().skip(1))
        .singleElement()
        .asString()
        .startsWith(FIRST + ",\"\",");
  }

  @Test
  @DisplayName("a seller quote in the CSV filter is data, not SQL")
  void sellerFilterIsQuoted() {
    StringWriter csv = new StringWriter();

    long written = reports.exportSellerCsv(FIRST, LAST, "o'brien') TO STDOUT; --", csv);

    assertThat(written).isZero();
    assertThat(csv.toString().lines()).hasSize(1);
  }

  @Test
  @DisplayName("a bad seller or range is refused before anything is read")
  void badArguments() {
    assertThatThrownBy(() -> reports.sellerSummary(FIRST, LAST, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seller");
    assertThatThrownBy(() -> reports.sellerSummary(LAST, FIRST, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastDay");
    assertThatThrownBy(() -> reports.exportSellerCsv(FIRST, LAST, "a\nb", new StringWriter()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seller");
  }
}
