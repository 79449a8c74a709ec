package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.AuditReport;
import dev.inventory.AuditReport.Discrepancy;
import dev.inventory.AuditReport.OverdueHold;
import dev.inventory.AuditReport.Problem;
import dev.inventory.BulkEntry;
import dev.inventory.BulkMode;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.MutableClock;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("The audit on PostgreSQL")
class AuditTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(4);

  private static final AtomicInteger TESTS = new AtomicInteger();

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private Inventory inventory;
  private StockLedger ledger;
  private String prefix;

  @BeforeEach
  void build() {
    JdbcInventoryStore store = DB.store(clock);
    inventory = store.inventory();
    ledger = store.ledger();
    prefix = "a" + TESTS.incrementAndGet() + "-";
  }

  private StockKey key(String name) {
    return StockKey.of(prefix + name);
  }

  /** A RECEIVE of 5 logged past the library, after which on-hand would read 99. */
  private static final String FORGED_RECEIVE_OF_5 =
      "INSERT INTO ${schema}.inventory_log (at, sku, location, kind, on_hand_delta,"
          + " reserved_delta, on_hand_after, reserved_after)"
          + " VALUES (now(), :sku, :location, 'RECEIVE', 5, 0, 99, 0)";

  /** Direct SQL, as someone bypassing the library would write it. */
  private static void tamper(String sql, StockKey key) {
    DB.jdbi()
        .useHandle(
            h ->
                h.createUpdate(sql.replace("${schema}", DB.name()))
                    .bind("sku", key.sku())
                    .bind("location", key.location())
                    .execute());
  }

  /** Audits the keys and checks that the tampered key, and only it, was reported. */
  private Discrepancy onlyDiscrepancy(List<StockKey> keys, StockKey tampered) {
    return onlyDiscrepancy(ledger.audit(keys), tampered);
  }

  private static Discrepancy onlyDiscrepancy(AuditReport report, StockKey tampered) {
    assertThat(report.discrepancies())
        .as(report.describe())
        .extracting(Discrepancy::key)
        .containsExactly(tampered);
    return report.discrepancies().get(0);
  }

  /** Every kind of change on two keys: the books must balance afterwards. */
  private List<StockKey> busyKeys() {
    StockKey a = key("A");
    StockKey b = StockKey.of(prefix + "B", "hub-7");
    ledger.receiveAll(List.of(BulkEntry.of(a, 20), BulkEntry.of(b, 20)), "delivery");
    inventory.reserve(ReservationRequest.builder(prefix + "c1").line(a, 2).line(b, 1).build());
    inventory.amend(prefix + "c1", List.of(new Line(a, 5), new Line(b, 1)));
    inventory.confirm(prefix + "c1");
    inventory.reserve(ReservationRequest.builder(prefix + "c2").line(a, 1).build());
    inventory.release(prefix + "c2");
    inventory.purchase(ReservationRequest.builder(prefix + "c3").line(b, 2).build());
    inventory.reserve(
        ReservationRequest.builder(prefix + "c4").line(a, 3).ttl(Duration.ofMinutes(1)).build());
    clock.advance(Duration.ofMinutes(2));
    inventory.expireDue(100);
    inventory.adjust(a, -1, "breakage");
    inventory.setOnHand(b, 12, "count");
    ledger.setOnHandAll(List.of(BulkEntry.of(a, 11)), "count", BulkMode.ATOMIC);
    inventory.reserve(ReservationRequest.builder(prefix + "c5").line(a, 2).build());
    return List.of(a, b);
  }

  @Test
  @DisplayName("after every kind of change through the library, the books balance")
  void cleanAfterNormalActivity() {
    List<StockKey> keys = busyKeys();

    AuditReport report = ledger.audit(keys);

    assertThat(report.isClean()).as(report.describe()).isTrue();
    assertThat(report.keysChecked()).isEqualTo(2);
    assertThat(report.logEntries()).isGreaterThanOrEqualTo(14);
    assertThat(report.overdueHoldCount()).isZero();
    assertThat(report.describe()).contains("the books balance");
  }

  @Test
  @DisplayName("on-hand changed by a direct SQL UPDATE shows up, with the figures compared")
  void tamperedOnHandShowsUp() {
    List<StockKey> keys = busyKeys();
    StockKey a = keys.get(0);
    tamper(
        "UPDATE ${schema}.stock_level SET on_hand = on_hand + 5"
            + " WHERE sku = :sku AND location = :location",
        a);

    AuditReport report = ledger.audit(keys);

    assertThat(report.isClean()).isFalse();
    assertThat(report.discrepancies()).hasSize(1);
    Discrepancy d = onlyDiscrepancy(report, a);
    assertThat(d.key()).isEqualTo(a);
    assertThat(d.problems())
        .containsExactlyInAnyOrder(Problem.ON_HAND_DIFFERS_FROM_LOG, Problem.LAST_ENTRY_DIFFERS);
    assertThat(d.onHand()).isEqualTo(d.replayedOnHand() + 5);
    assertThat(d.lastOnHandAfter()).isEqualTo(d.replayedOnHand());
    assertThat(report.describe()).contains(a.toString(), "ON_HAND_DIFFERS_FROM_LOG");
  }

  @Test
  @DisplayName("reserved changed by a direct SQL UPDATE differs from the log and from the holds")
  void tamperedReservedShowsUp() {
    List<StockKey> keys = busyKeys();
    StockKey a = keys.get(0);
    tamper(
        "UPDATE ${schema}.stock_level SET reserved = reserved + 1"
            + " WHERE sku = :sku AND location = :location",
        a);

    Discrepancy d = onlyDiscrepancy(keys, a);

    assertThat(d.problems())
        .containsExactlyInAnyOrder(
            Problem.RESERVED_DIFFERS_FROM_LOG,
            Problem.LAST_ENTRY_DIFFERS,
            Problem.RESERVED_DIFFERS_FROM_HOLDS);
    assertThat(d.reserved()).isEqualTo(3);
    assertThat(d.heldQuantity()).isEqualTo(2);
  }

  @Test
  @DisplayName("a hold whose line was changed by direct SQL no longer matches reserved")
  void tamperedHoldShowsUp() {
    List<StockKey> keys = busyKeys();
    StockKey a = keys.get(0);
    tamper(
        "UPDATE ${schema}.reservation_line SET quantity = 7"
            + " WHERE sku = :sku AND location = :location AND reservation_id LIKE '%-c5'",
        a);

    Discrepancy d = onlyDiscrepancy(keys, a);

    assertThat(d.problems()).containsExactly(Problem.RESERVED_DIFFERS_FROM_HOLDS);
    assertThat(d.heldQuantity()).isEqualTo(7);
  }

  @Test
  @DisplayName("a log row slipped in by direct SQL breaks the chain and the replay")
  void forgedLogRowShowsUp() {
    StockKey a = key("A");
    inventory.receive(a, 10, null);
    tamper(FORGED_RECEIVE_OF_5, a);

    Discrepancy d = onlyDiscrepancy(List.of(a), a);

    assertThat(d.problems())
        .containsExactlyInAnyOrder(
            Problem.ON_HAND_DIFFERS_FROM_LOG, Problem.LAST_ENTRY_DIFFERS, Problem.LOG_CHAIN_BROKEN);
    assertThat(d.replayedOnHand()).isEqualTo(15);
    assertThat(d.logEntries()).isEqualTo(2);
  }

  @Test
  @DisplayName("a key whose log spans eras of the log index is replayed whole")
  void logAcrossErasIsReplayedWhole() {
    StockKey a = key("A");
    StockKey b = key("B");
    inventory.receive(a, 10, null);
    DB.skipLogEras(1);
    inventory.receive(b, 1, null);
    DB.skipLogEras(2);
    inventory.adjust(a, -3, "breakage");
    inventory.reserve(ReservationRequest.builder(prefix + "c1").line(a, 2).build());
    DB.skipLogEras(1);
    inventory.receive(a, 4, null);

    AuditReport clean = ledger.audit(List.of(a, b));
    tamper(FORGED_RECEIVE_OF_5, a);
    Discrepancy forged = onlyDiscrepancy(List.of(a, b), a);

    assertThat(clean.isClean()).as(clean.describe()).isTrue();
    assertThat(clean.logEntries()).isEqualTo(5);
    assertThat(forged.problems()).contains(Problem.LOG_CHAIN_BROKEN);
    assertThat(forged.logEntries()).isEqualTo(5);
    assertThat(forged.replayedOnHand()).isEqualTo(10 - 3 + 4 + 5);
    assertThat(forged.replayedReserved()).isEqualTo(2);
  }

  @Test
  @DisplayName("an audit of more keys than index descents are worth reads the log once, alike")
  void auditOfManyKeysReadsTheLogOnce() {
    List<StockKey> busy = busyKeys();
    DB.skipLogEras(10); // 20,000 keys x 11 eras or more: past the descents worth making
    inventory.receive(busy.get(0), 1, "after the skip");
    tamper(
        "UPDATE ${schema}.stock_level SET on_hand = on_hand + 5"
            + " WHERE sku = :sku AND location = :location",
        busy.get(0));
    List<StockKey> many = new ArrayList<>(busy);
    for (int i = 0; i < 19_998; i++) {
      many.add(key("never-" + i));
    }

    Discrepancy throughIndex = onlyDiscrepancy(busy, busy.get(0));
    AuditReport onePass = ledger.audit(many);

    assertThat(onePass.keysChecked()).isEqualTo(20_000);
    assertThat(onlyDiscrepancy(onePass, busy.get(0))).isEqualTo(throughIndex);
    assertThat(onePass.logEntries()).isEqualTo(ledger.audit(busy).logEntries());
  }

  @Test
  @DisplayName("a stock row inserted by direct SQL, without a log, shows up")
  void stockWithoutLogShowsUp() {
    StockKey ghost = key("ghost");
    tamper(
        "INSERT INTO ${schema}.stock_level (sku, location, on_hand, reserved, updated_at)"
            + " VALUES (:sku, :location, 3, 0, now())",
        ghost);

    Discrepancy d = onlyDiscrepancy(List.of(ghost), ghost);

    assertThat(d.problems()).containsExactly(Problem.ON_HAND_DIFFERS_FROM_LOG);
    assertThat(d.logEntries()).isZero();
  }

  @Test
  @DisplayName("a key never stocked is clean")
  void unknownKeyIsClean() {
    AuditReport report = ledger.audit(List.of(key("never")));
    assertThat(report.isClean()).isTrue();
    assertThat(report.keysChecked()).isEqualTo(1);
  }

  @Test
  @DisplayName("holds past their expiry are listed, most overdue first, and are no discrepancy")
  void overdueHoldsAreListed() {
    StockKey a = key("A");
    StockKey b = key("B");
    inventory.receive(a, 10, null);
    inventory.receive(b, 10, null);
    inventory.reserve(
        ReservationRequest.builder(prefix + "later")
            .line(a, 1)
            .line(b, 1)
            .ttl(Duration.ofMinutes(2))
            .build());
    inventory.reserve(
        ReservationRequest.builder(prefix + "first").line(a, 2).ttl(Duration.ofMinutes(1)).build());
    inventory.reserve(ReservationRequest.builder(prefix + "live").line(a, 3).build());
    clock.advance(Duration.ofMinutes(3));

    AuditReport report = ledger.audit(List.of(a));

    assertThat(report.isClean()).isTrue();
    assertThat(report.overdueHoldCount()).isEqualTo(2);
    assertThat(report.overdueHolds())
        .extracting(OverdueHold::reservationId)
        .containsExactly(prefix + "first", prefix + "later");
    assertThat(report.overdueHolds().get(1).lines())
        .containsExactly(new Line(a, 1), new Line(b, 1));
    assertThat(report.describe()).contains("2 holds past their expiry", prefix + "first");
  }

  @Test
  @DisplayName("auditAll finds a tampered key among all keys, and only the tampered ones")
  void auditAllFindsTheTamperedKey() {
    List<StockKey> keys = busyKeys();
    StockKey b = keys.get(1);
    tamper(
        "UPDATE ${schema}.stock_level SET on_hand = on_hand - 1"
            + " WHERE sku = :sku AND location = :location",
        b);

    AuditReport report = ledger.auditAll();

    assertThat(report.discrepancies()).extracting(Discrepancy::key).contains(b);
    assertThat(report.discrepancies()).extracting(Discrepancy::key).doesNotContain(keys.get(0));
    assertThat(report.keysChecked()).isGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName("an empty key list, or a null key, is refused")
  void emptyKeysAreRefused() {
    assertThatThrownBy(() -> ledger.audit(List.of())).isInstanceOf(IllegalArgumentException.class);
    List<StockKey> withNull = new java.util.ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> ledger.audit(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("keys must not contain null");
  }
}
