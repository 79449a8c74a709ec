package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.HistoryPage;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("A key's history and its holds on PostgreSQL")
class HistoryTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(4);

  private static final AtomicInteger TESTS = new AtomicInteger();
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private Inventory inventory;
  private StockLedger ledger;
  private String prefix;

  @BeforeEach
  void build() {
    JdbcInventoryStore store = DB.store(clock);
    inventory = store.inventory();
    ledger = store.ledger();
    prefix = "h" + TESTS.incrementAndGet() + "-";
  }

  private StockKey key(String name) {
    return StockKey.of(prefix + name);
  }

  /** One RECEIVE per hour, quantities 1..n, starting at START. */
  private void receiveHourly(StockKey key, int n) {
    receiveAt(key, 1, n);
  }

  private static final Instant EVER_FROM = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant EVER_TO = Instant.parse("2100-01-01T00:00:00Z");

  private List<LogEntry> allPages(StockKey key, Instant from, Instant to, int pageSize) {
    List<LogEntry> all = new ArrayList<>();
    String cursor = null;
    do {
      HistoryPage page = ledger.history(key, from, to, pageSize, cursor);
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(pageSize);
      all.addAll(page.entries());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  @Test
  @DisplayName("pages run newest first and together hold every entry exactly once")
  void pagesNewestFirst() {
    StockKey a = key("A");
    receiveHourly(a, 7);

    HistoryPage first = ledger.history(a, EVER_FROM, EVER_TO, 3, null);
    List<LogEntry> all = allPages(a, EVER_FROM, EVER_TO, 3);

    assertThat(first.entries()).extracting(LogEntry::onHandDelta).containsExactly(7L, 6L, 5L);
    assertThat(first.hasNext()).isTrue();
    assertThat(all).extracting(LogEntry::onHandDelta).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
    assertThat(all).extracting(LogEntry::key).containsOnly(a);
    assertThat(all).extracting(LogEntry::id).isSortedAccordingTo((x, y) -> Long.compare(y, x));
  }

  @Test
  @DisplayName("pages run newest first across eras of the log index, past eras without the key")
  void pagesCrossEras() {
    StockKey a = key("A");
    receiveAt(a, 1, 2); // one era
    DB.skipLogEras(1);
    inventory.receive(key("other"), 1, null); // the next era: another key only
    DB.skipLogEras(2);
    receiveAt(a, 3, 4); // two eras on
    DB.skipLogEras(1);
    receiveAt(a, 5, 5); // and the next

    List<LogEntry> byTwo = allPages(a, EVER_FROM, EVER_TO, 2);
    List<LogEntry> byThree = allPages(a, EVER_FROM, EVER_TO, 3);
    List<LogEntry> middle =
        allPages(a, START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(4)), 1);

    assertThat(byTwo).extracting(LogEntry::onHandDelta).containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(byTwo.stream().map(e -> e.id() / 262_144).distinct()).as("eras").hasSize(3);
    assertThat(byThree).isEqualTo(byTwo);
    assertThat(middle).extracting(LogEntry::onHandDelta).containsExactly(4L, 3L, 2L);
  }

  /** One RECEIVE per quantity first..last, each at START + (quantity - 1) hours. */
  private void receiveAt(StockKey key, int first, int last) {
    for (int i = first; i <= last; i++) {
      clock.set(START.plus(Duration.ofHours(i - 1)));
      inventory.receive(key, i, "r" + i);
    }
  }

  @Test
  @DisplayName("the last page says there is no next page, even when it is full")
  void lastFullPageHasNoCursor() {
    StockKey a = key("A");
    receiveHourly(a, 4);

    HistoryPage second =
        ledger.history(
            a, EVER_FROM, EVER_TO, 2, ledger.history(a, EVER_FROM, EVER_TO, 2, null).nextCursor());

    assertThat(second.entries()).hasSize(2);
    assertThat(second.hasNext()).isFalse();
    assertThat(second.nextCursor()).isNull();
  }

  @Test
  @DisplayName("the range includes its start and excludes its end")
  void rangeIsHalfOpen() {
    StockKey a = key("A");
    receiveHourly(a, 5); // at 00:00, 01:00, 02:00, 03:00, 04:00

    List<LogEntry> entries =
        allPages(a, START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(3)), 10);

    assertThat(entries).extracting(LogEntry::onHandDelta).containsExactly(3L, 2L);
  }

  @Test
  @DisplayName("entries written while a caller pages do not shift the pages")
  void writesDuringPagingDoNotShiftPages() {
    StockKey a = key("A");
    receiveHourly(a, 6);
    HistoryPage first = ledger.history(a, EVER_FROM, EVER_TO, 2, null);

    inventory.receive(a, 100, "late");
    inventory.receive(a, 200, "later");
    HistoryPage second = ledger.history(a, EVER_FROM, EVER_TO, 2, first.nextCursor());

    assertThat(second.entries()).extracting(LogEntry::onHandDelta).containsExactly(4L, 3L);
  }

  @Test
  @DisplayName("entries carry kind, deltas, after-values, reservation and reason")
  void entriesCarryTheirFields() {
    StockKey a = key("A");
    inventory.receive(a, 10, "delivery");
    String cart = prefix + "cart";
    inventory.reserve(ReservationRequest.builder(cart).line(a, 3).build());
    inventory.confirm(cart);

    List<LogEntry> entries = allPages(a, EVER_FROM, EVER_TO, 10);

    assertThat(entries)
        .extracting(LogEntry::kind)
        .containsExactly(Kind.CONFIRM, Kind.RESERVE, Kind.RECEIVE);
    LogEntry confirm = entries.get(0);
    assertThat(confirm.onHandDelta()).isEqualTo(-3);
    assertThat(confirm.reservedDelta()).isEqualTo(-3);
    assertThat(confirm.onHandAfter()).isEqualTo(7);
    assertThat(confirm.reservedAfter()).isZero();
    assertThat(confirm.reservationId()).isEqualTo(cart);
    assertThat(confirm.at()).isEqualTo(START);
    assertThat(entries.get(2).reason()).isEqualTo("delivery");
  }

  @Test
  @DisplayName("other keys' entries never appear, not even another location of the same SKU")
  void onlyTheKeysEntries() {
    StockKey here = StockKey.of(prefix + "A", "store-1");
    StockKey there = StockKey.of(prefix + "A", "store-2");
    inventory.receive(here, 1, null);
    inventory.receive(there, 2, null);

    assertThat(allPages(here, EVER_FROM, EVER_TO, 10)).extracting(LogEntry::key).containsOnly(here);
  }

  @Test
  @DisplayName("a key without entries has an empty last page")
  void emptyHistory() {
    HistoryPage page = ledger.history(key("never"), EVER_FROM, EVER_TO, 10, null);
    assertThat(page.entries()).isEmpty();
    assertThat(page.hasNext()).isFalse();
  }

  @Test
  @DisplayName("on a store whose log is empty, a page is empty and the last")
  void historyOfAnEmptyLog() {
    String empty = TestDatabase.newSchema(HistoryTest.class);
    try {
      StockLedger fresh =
          JdbcInventory.builder(DB.pool())
              .schema(empty)
              // Were the eras counted down from the cursor, this call would write out trillions.
              .statementTimeout(Duration.ofSeconds(10))
              .buildStore()
              .ledger();

      HistoryPage page = fresh.history(StockKey.of("A"), EVER_FROM, EVER_TO, 10, null);

      assertThat(page.entries()).isEmpty();
      assertThat(page.hasNext()).isFalse();
    } finally {
      TestDatabase.dropSchema(DB.pool(), empty);
    }
  }

  @Test
  @DisplayName("a cursor the ledger did not make, an empty range or a bad page size is refused")
  void badArgumentsAreRefused() {
    StockKey a = key("A");
    assertThatThrownBy(() -> ledger.history(a, EVER_FROM, EVER_TO, 10, "not-a-cursor"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
    assertThatThrownBy(() -> ledger.history(a, EVER_TO, EVER_FROM, 10, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before");
    assertThatThrownBy(() -> ledger.history(a, EVER_FROM, EVER_TO, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pageSize");
    assertThatThrownBy(() -> ledger.history(a, EVER_FROM, EVER_TO, 1001, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ledger.history(a, Instant.MIN, EVER_TO, 10, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("years 1 to 9999");
  }

  @Test
  @DisplayName("held reservations: only holds not yet due, soonest expiry first, with all lines")
  void heldReservationsOfAKey() {
    StockKey a = key("A");
    StockKey b = key("B");
    inventory.receive(a, 100, null);
    inventory.receive(b, 100, null);
    inventory.reserve(
        ReservationRequest.builder(prefix + "late")
            .line(a, 1)
            .line(b, 2)
            .ttl(Duration.ofMinutes(30))
            .build());
    inventory.reserve(
        ReservationRequest.builder(prefix + "soon").line(a, 3).ttl(Duration.ofMinutes(5)).build());
    inventory.reserve(
        ReservationRequest.builder(prefix + "due").line(a, 4).ttl(Duration.ofMinutes(1)).build());
    inventory.reserve(ReservationRequest.builder(prefix + "sold").line(a, 5).build());
    inventory.confirm(prefix + "sold");
    inventory.reserve(ReservationRequest.builder(prefix + "other").line(b, 6).build());
    clock.advance(Duration.ofMinutes(1));

    List<Reservation> held = ledger.heldReservations(a, 10);

    assertThat(held).extracting(Reservation::id).containsExactly(prefix + "soon", prefix + "late");
    assertThat(held).extracting(Reservation::status).containsOnly(Reservation.Status.HELD);
    assertThat(held.get(1).lines()).containsExactly(new Line(a, 1), new Line(b, 2));
    assertThat(ledger.heldReservations(a, 1))
        .extracting(Reservation::id)
        .containsExactly(prefix + "soon");
  }

  @Test
  @DisplayName("held reservations of a key without holds is empty; a bad limit is refused")
  void noHeldReservations() {
    assertThat(ledger.heldReservations(key("none"), 5)).isEmpty();
    assertThatThrownBy(() -> ledger.heldReservations(key("none"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("held reservations take a limit up to the largest page, and refuse one more")
  void heldReservationsLimitIsCappedAtTheLargestPage() {
    assertThat(ledger.heldReservations(key("none"), StockLedger.MAX_PAGE_SIZE)).isEmpty();
    assertThatThrownBy(() -> ledger.heldReservations(key("none"), StockLedger.MAX_PAGE_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit")
        .hasMessageContaining(String.valueOf(StockLedger.MAX_PAGE_SIZE + 1));
  }
}
