package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import dev.inventory.jdbc.faults.History.Kind;
import dev.inventory.jdbc.faults.History.Origin;
import dev.inventory.jdbc.faults.HistoryChecker.Faults;
import dev.inventory.jdbc.faults.HistoryChecker.Verdict;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checker sees what it must: each test breaks one promise by hand (in the database or in the
 * history) and expects exactly that figure to move, and a clean history to pass.
 */
@DisplayName("The history checker sees each broken promise")
class HistoryCheckerTest {
  private static final StockKey K = StockKey.of("K");
  private static final Faults NO_FAULTS = new Faults(0, 0, 0, 0);

  private static HikariDataSource pool;
  private String schema;
  private Inventory inventory;
  private final History history = new History();

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(2);
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @BeforeEach
  void migrate() {
    schema = TestDatabase.newSchema(HistoryCheckerTest.class);
    inventory = JdbcInventory.builder(pool).schema(schema).build();
    history.run(0, Kind.RECEIVE, History.receiveLine(K, 10), () -> inventory.receive(K, 10, "in"));
  }

  @AfterEach
  void drop() {
    TestDatabase.dropSchema(pool, schema);
  }

  @Test
  @DisplayName("a clean history passes, and the summary line has the issue's format")
  void cleanHistoryPasses() throws Exception {
    Reservation r = reserve("r1", 2);
    history.call(0, Origin.CLIENT, Kind.CONFIRM, r.id(), null, () -> inventory.confirm(r.id()));

    Verdict verdict = check();

    assertThat(verdict.passed()).as(verdict.report()).isTrue();
    assertThat(verdict.summary())
        .isEqualTo(
            "history: ops=3 acknowledged=3 kills=0 restarts=0 failovers=0 oversold=0 lost=0"
                + " replay=ok unresolved=0 duplicates_applied=0");
  }

  @Test
  @DisplayName("an acknowledged reservation missing from the database is lost")
  void acknowledgedButMissingIsLost() throws Exception {
    Reservation ghost =
        new Reservation("ghost", Reservation.Status.HELD, List.of(new Line(K, 1)), now(), now());
    history.call(0, Origin.CLIENT, Kind.RESERVE, "ghost", ghost.lines(), () -> ghost);

    Verdict verdict = check();

    assertThat(verdict.lost()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  @DisplayName("a reserve applied twice is a duplicate, and the log no longer replays")
  void reserveAppliedTwiceIsADuplicate() throws Exception {
    reserve("r1", 2);
    TestDatabase.execute(
        pool,
        "UPDATE " + schema + ".stock_level SET reserved = reserved + 2",
        "INSERT INTO "
            + schema
            + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
            + " on_hand_after, reserved_after, reservation_id)"
            + " VALUES (now(), 'K', 'default', 'RESERVE', 0, 2, 10, 4, 'r1')");

    Verdict verdict = check();

    assertThat(verdict.duplicatesApplied()).isEqualTo(1);
    assertThat(verdict.replayOk()).isFalse();
  }

  @Test
  @DisplayName("an ambiguous confirm never re-sent is unresolved")
  void ambiguousNeverResentIsUnresolved() throws Exception {
    Reservation r = reserve("r1", 2);
    history.call(
        0,
        Origin.CLIENT,
        Kind.CONFIRM,
        r.id(),
        null,
        () -> {
          throw new InventoryUnavailableException("connection lost", null);
        });

    Verdict verdict = check();

    assertThat(verdict.unresolved()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  @DisplayName("a call told 'nothing was changed' whose change is in the log is a phantom")
  void changeAfterNothingWasChangedIsAPhantom() throws Exception {
    ReservationRequest request = ReservationRequest.builder("r1").line(K, 2).build();
    history.call(
        0,
        Origin.CLIENT,
        Kind.RESERVE,
        "r1",
        request.lines(),
        () -> {
          inventory.reserve(request);
          throw new InventoryUnavailableException("connection failed; nothing was changed", null);
        });

    Verdict verdict = check();

    assertThat(verdict.phantoms()).as(verdict.report()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  @Test
  @DisplayName("a log row after which more is reserved than on hand is oversold, in order")
  void oversoldLogRowIsSeen() throws Exception {
    reserve("r1", 8);
    // Without the CHECK, a broken writer could reserve 4 more of the 10, briefly, and give 2 back.
    TestDatabase.execute(
        pool,
        "ALTER TABLE " + schema + ".stock_level DROP CONSTRAINT stock_level_never_oversold",
        "INSERT INTO "
            + schema
            + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
            + " on_hand_after, reserved_after, reason)"
            + " VALUES (now(), 'K', 'default', 'ADJUST', 0, 4, 10, 12, 'broken'),"
            + "        (now(), 'K', 'default', 'ADJUST', 0, -4, 10, 8, 'broken')");

    Verdict verdict = check();

    assertThat(verdict.oversold()).as(verdict.report()).isEqualTo(1);
    assertThat(verdict.passed()).isFalse();
  }

  private Reservation reserve(String id, long quantity) {
    ReservationRequest request = ReservationRequest.builder(id).line(K, quantity).build();
    return history.call(
        0, Origin.CLIENT, Kind.RESERVE, id, request.lines(), () -> inventory.reserve(request));
  }

  private Verdict check() throws Exception {
    try (Connection c = pool.getConnection()) {
      return HistoryChecker.check(c, schema, history, NO_FAULTS);
    }
  }

  private static Instant now() {
    return Instant.now();
  }
}
