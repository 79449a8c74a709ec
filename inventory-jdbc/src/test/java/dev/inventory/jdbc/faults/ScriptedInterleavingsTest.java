package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Races played step by step. The library runs on one side (in threads, so its calls can be
 * blocked); on the other, a connection held by hand takes row locks in a transaction it has not
 * committed, which parks the library's statements exactly where the test wants them. The test
 * watches {@code pg_stat_activity} to know they are parked, then lets go (or kills them).
 */
@DisplayName("Scripted interleavings: two connections stepped by hand")
class ScriptedInterleavingsTest {
  private static final String APPLICATION = "interleavings-app";
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private static HikariDataSource pool;
  private static String schema;
  private static ExecutorService threads;

  private final MutableClock clock = new MutableClock(START);
  private Inventory inventory;
  private Connection hand;
  private String prefix;

  @BeforeAll
  static void migrate() {
    pool = TestDatabase.pool(4, c -> c.addDataSourceProperty("ApplicationName", APPLICATION));
    schema = TestDatabase.newSchema(ScriptedInterleavingsTest.class);
    JdbcInventory.builder(pool).schema(schema).build();
    threads = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void drop() {
    threads.shutdownNow();
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @BeforeEach
  void open(TestInfo test) throws SQLException {
    inventory = library(clock);
    prefix = test.getTestMethod().orElseThrow().getName();
    TestDatabase.Server server = TestDatabase.server();
    hand = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
    hand.setAutoCommit(false);
  }

  @AfterEach
  void close() throws SQLException {
    hand.rollback();
    hand.close();
  }

  private static Inventory library(MutableClock clock) {
    return JdbcInventory.builder(pool).schema(schema).clock(clock).migrate(false).build();
  }

  private StockKey key(String name) {
    return StockKey.of(prefix + "-" + name);
  }

  // ---------------------------------------------------------------- the races

  @Test
  @DisplayName(
      "two reserves racing for the last units (two instances): exactly one wins, the other is told"
          + " 1 left")
  void twoReservesRaceForTheLastUnits() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 3, "delivery");
    // Two application instances: within one, the second request would wait in the flash-sale
    // queue (combining) instead of on the row.
    Inventory other = library(clock);
    lockStock(k);
    CompletableFuture<Reservation> a = async(() -> inventory.reserve(request("a", k, 2)));
    CompletableFuture<Reservation> b = async(() -> other.reserve(request("b", k, 2)));
    awaitWaitingForLocks(2);

    hand.commit(); // let both go: the second re-checks against the first's row version

    List<Throwable> failures = new ArrayList<>();
    int won = 0;
    for (CompletableFuture<Reservation> f : List.of(a, b)) {
      Throwable t = outcome(f);
      if (t == null) {
        won++;
      } else {
        failures.add(t);
      }
    }
    assertThat(won).isEqualTo(1);
    assertThat(failures).singleElement().isInstanceOf(InsufficientStockException.class);
    assertThat(((InsufficientStockException) failures.get(0)).shortages())
        .containsExactly(new Shortage(k, 2, 1));
    assertThat(level(k)).containsExactly(3L, 2L);
    assertThat(logCount(k, "RESERVE")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "two reserves racing for the last units in one instance (combined): exactly one wins")
  void twoCombinedReservesRaceForTheLastUnits() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 3, "delivery");
    lockStock(k);
    CompletableFuture<Reservation> a = async(() -> inventory.reserve(request("a", k, 2)));
    awaitWaitingForLocks(1);
    CompletableFuture<Reservation> b = async(() -> inventory.reserve(request("b", k, 2)));

    hand.commit();

    int won = (outcome(a) == null ? 1 : 0) + (outcome(b) == null ? 1 : 0);
    assertThat(won).isEqualTo(1);
    assertThat(level(k)).containsExactly(3L, 2L);
    assertThat(logCount(k, "RESERVE")).isEqualTo(1);
  }

  @Test
  @DisplayName("confirm vs release of one hold: exactly one wins, the loser learns the winner")
  void confirmRacesRelease() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 5, "delivery");
    inventory.reserve(request("r", k, 2));
    lockReservation(prefix + "-r");
    CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(prefix + "-r"));
    CompletableFuture<Reservation> release = async(() -> inventory.release(prefix + "-r"));
    awaitWaitingForLocks(2);

    hand.commit();

    Throwable confirmFailure = outcome(confirm);
    Throwable releaseFailure = outcome(release);
    assertThat(confirmFailure == null ^ releaseFailure == null).as("exactly one wins").isTrue();
    Status winner = confirmFailure == null ? Status.CONFIRMED : Status.RELEASED;
    Throwable loser = confirmFailure == null ? releaseFailure : confirmFailure;
    assertThat(loser).isInstanceOf(ReservationStateException.class);
    assertThat(((ReservationStateException) loser).status()).isEqualTo(winner);
    assertThat(level(k)).containsExactly(winner == Status.CONFIRMED ? 3L : 5L, 0L);
    assertThat(logCount(k, "CONFIRM") + logCount(k, "RELEASE")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "confirm vs sweeper at the expiry instant: a sweeper skips a locked hold; the confirm one"
          + " microsecond before expiry wins")
  void confirmBeforeTheInstantBeatsTheSweeper() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 5, "delivery");
    Reservation r = inventory.reserve(request("r", k, 2, Duration.ofSeconds(10)));
    Inventory sweeper = library(new MutableClock(r.expiresAt())); // at the instant: due
    clock.set(r.expiresAt().minusNanos(1_000)); // the confirmer: one microsecond before
    lockReservation(r.id());

    assertThat(sweeper.expireDue(10)).as("a locked hold is skipped, not waited for").isZero();
    CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
    awaitWaitingForLocks(1);
    hand.commit();

    assertThat(confirm.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    assertThat(sweeper.expireDue(10)).isZero();
    assertThat(level(k)).containsExactly(3L, 0L);
    assertThat(logCount(k, "EXPIRE")).isZero();
  }

  @Test
  @DisplayName(
      "confirm vs sweeper at the expiry instant: a sweeper that claimed the hold first wins; the"
          + " confirm waiting on it is told the hold expired")
  void sweeperThatClaimedFirstBeatsTheConfirm() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 5, "delivery");
    Reservation r = inventory.reserve(request("r", k, 2, Duration.ofSeconds(10)));
    Inventory sweeper = library(new MutableClock(r.expiresAt()));
    clock.set(r.expiresAt().minusNanos(1_000));
    lockStock(k); // the sweeper marks the hold expired, then waits here to give the units back

    CompletableFuture<Integer> sweep = async(() -> sweeper.expireDue(10));
    awaitWaitingForLocks(1);
    CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
    awaitWaitingForLocks(2); // the confirm waits for the sweeper's lock on the reservation
    hand.commit();

    assertThat(sweep.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(outcome(confirm)).isInstanceOf(ReservationExpiredException.class);
    assertThat(level(k)).containsExactly(5L, 0L);
    assertThat(logCount(k, "EXPIRE")).isEqualTo(1);
    assertThat(logCount(k, "CONFIRM")).isZero();
  }

  @Test
  @DisplayName(
      "opposite-order carts lock their keys in one order: both wait on the first key, neither holds"
          + " the second, both get through")
  void oppositeOrderCartsDoNotDeadlock() throws Exception {
    StockKey k1 = key("A");
    StockKey k2 = key("B");
    inventory.receive(k1, 10, "delivery");
    inventory.receive(k2, 10, "delivery");
    lockStock(k1);
    ReservationRequest ab =
        ReservationRequest.builder(prefix + "-ab").line(k1, 1).line(k2, 1).build();
    ReservationRequest ba =
        ReservationRequest.builder(prefix + "-ba").line(k2, 1).line(k1, 1).build();
    // Two application instances: within one, the second cart would wait in the flash-sale queue
    // (its keys are in the first one's statement) instead of on the row.
    Inventory other = library(clock);
    CompletableFuture<Reservation> first = async(() -> inventory.reserve(ab));
    CompletableFuture<Reservation> second = async(() -> other.reserve(ba));
    awaitWaitingForLocks(2);

    // Neither cart holds the second key while it waits for the first.
    try (Connection probe = superuser()) {
      probe.setAutoCommit(false);
      try (Statement s = probe.createStatement()) {
        s.execute("SET LOCAL lock_timeout = '1s'");
        s.executeQuery(
            "SELECT 1 FROM "
                + schema
                + ".stock_level WHERE sku = '"
                + k2.sku()
                + "' FOR UPDATE NOWAIT");
      }
      probe.rollback();
    }
    hand.commit();

    assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
    assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
    assertThat(level(k1)).containsExactly(10L, 2L);
    assertThat(level(k2)).containsExactly(10L, 2L);
  }

  @Test
  @DisplayName(
      "a reserve killed between its UPDATE and its COMMIT is rolled back and retried: applied once")
  void reserveKilledBetweenUpdateAndCommitAppliesOnce() throws Exception {
    StockKey k1 = key("A");
    StockKey k2 = key("B");
    inventory.receive(k1, 10, "delivery");
    inventory.receive(k2, 10, "delivery");
    lockStock(k2); // the reserve inserts its row, updates A, then waits on B: before its COMMIT
    ReservationRequest cart =
        ReservationRequest.builder(prefix + "-cart").line(k1, 3).line(k2, 4).build();
    CompletableFuture<Reservation> reserve = async(() -> inventory.reserve(cart));
    awaitWaitingForLocks(1);

    assertThat(killWaitingBackends()).isEqualTo(1);
    awaitWaitingForLocks(1); // the retry, on a new connection, waits on B again
    hand.commit();

    assertThat(reserve.get(10, TimeUnit.SECONDS).lines()).isEqualTo(cart.lines());
    assertThat(level(k1)).containsExactly(10L, 3L);
    assertThat(level(k2)).containsExactly(10L, 4L);
    assertThat(logCount(k1, "RESERVE")).isEqualTo(1);
    assertThat(logCount(k2, "RESERVE")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a confirm killed between its UPDATE and its COMMIT is rolled back and retried: applied once")
  void confirmKilledBetweenUpdateAndCommitAppliesOnce() throws Exception {
    StockKey k1 = key("A");
    StockKey k2 = key("B");
    inventory.receive(k1, 10, "delivery");
    inventory.receive(k2, 10, "delivery");
    Reservation r =
        inventory.reserve(
            ReservationRequest.builder(prefix + "-cart").line(k1, 3).line(k2, 4).build());
    lockStock(k2); // the confirm marks the reservation, gives back A, then waits on B
    CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
    awaitWaitingForLocks(1);

    assertThat(killWaitingBackends()).isEqualTo(1);
    awaitWaitingForLocks(1);
    hand.commit();

    assertThat(confirm.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    assertThat(level(k1)).containsExactly(7L, 0L);
    assertThat(level(k2)).containsExactly(6L, 0L);
    assertThat(logCount(k1, "CONFIRM")).isEqualTo(1);
    assertThat(logCount(k2, "CONFIRM")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a cart's confirm killed in its COMMIT (nothing committed) is retried by the library: applied"
          + " once")
  void confirmKilledInItsCommitAppliesOnce() throws Exception {
    StockKey k1 = key("A");
    StockKey k2 = key("B");
    inventory.receive(k1, 10, "delivery");
    inventory.receive(k2, 10, "delivery");
    Reservation r =
        inventory.reserve(
            ReservationRequest.builder(prefix + "-cart").line(k1, 2).line(k2, 1).build());
    try (CommitGate gate = CommitGate.closed(hand)) {
      CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
      // One statement since V5 (autocommit): it commits at its end, where the gate holds it.
      awaitAtTheGate("SELECT");

      assertThat(killWaitingBackends()).isEqualTo(1);
      awaitAtTheGate("SELECT"); // the retry, at its own commit
      gate.open();

      assertThat(confirm.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    }
    assertThat(level(k1)).containsExactly(8L, 0L);
    assertThat(level(k2)).containsExactly(9L, 0L);
    assertThat(logCount(k1, "CONFIRM")).isEqualTo(1);
    assertThat(logCount(k2, "CONFIRM")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a one-line confirm (one statement, autocommit) killed in its commit is retried by the"
          + " library: applied once")
  void oneStatementConfirmKilledInItsCommitAppliesOnce() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 10, "delivery");
    Reservation r = inventory.reserve(request("r", k, 2));
    try (CommitGate gate = CommitGate.closed(hand)) {
      CompletableFuture<Reservation> confirm = async(() -> inventory.confirm(r.id()));
      awaitAtTheGate("SELECT");

      assertThat(killWaitingBackends()).isEqualTo(1);
      awaitAtTheGate("SELECT");
      gate.open();

      assertThat(confirm.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    }
    assertThat(level(k)).containsExactly(8L, 0L);
    assertThat(logCount(k, "CONFIRM")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a receive killed in its commit is not repeated (it has no id): reported as unavailable,"
          + " and here it was not applied")
  void receiveKilledInItsCommitIsNotRepeated() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 10, "delivery");
    CompletableFuture<?> receive;
    try (CommitGate gate = CommitGate.closed(hand)) {
      receive = async(() -> inventory.receive(k, 5, "delivery"));
      awaitAtTheGate("WITH"); // autocommit: the statement is the transaction; it commits at its end

      assertThat(killWaitingBackends()).isEqualTo(1);
      Throwable failure = outcome(receive);

      assertThat(failure).isInstanceOf(InventoryUnavailableException.class);
      assertThat(waitingForLocks()).as("not sent again").isZero();
      gate.open();
    }
    assertThat(level(k)).containsExactly(10L, 0L);
    assertThat(logCount(k, "RECEIVE")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a lock timeout: a reserve behind a row lock held too long gives up, typed, applied nowhere")
  void lockTimeoutGivesUp() throws Exception {
    StockKey k = key("K");
    inventory.receive(k, 10, "delivery");
    Inventory impatient =
        JdbcInventory.builder(pool)
            .schema(schema)
            .clock(clock)
            .migrate(false)
            .lockTimeout(Duration.ofMillis(200))
            .build();
    lockStock(k);

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> impatient.reserve(request("r", k, 1)));
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(failure).isInstanceOf(InventoryTimeoutException.class);
    assertThat(millis).as("gives up near the lock timeout, not later").isLessThan(5_000);
    hand.rollback();
    assertThat(level(k)).containsExactly(10L, 0L);
    assertThat(inventory.findReservation(prefix + "-r")).isEmpty();
  }

  @Test
  @DisplayName("a pool storm: no connection to be had is InventoryUnavailableException")
  void exhaustedPoolIsUnavailable() throws Exception {
    try (HikariDataSource tiny = TestDatabase.pool(1, c -> c.setConnectionTimeout(250))) {
      Inventory starved =
          JdbcInventory.builder(tiny).schema(schema).clock(clock).migrate(false).build();
      Connection onlyOne = tiny.getConnection();
      try {
        assertThat(catchThrowable(() -> starved.findReservation("nothing")))
            .isInstanceOf(InventoryUnavailableException.class);
      } finally {
        onlyOne.close();
      }
    }
  }

  // ---------------------------------------------------------------- steps

  private ReservationRequest request(String id, StockKey key, long quantity) {
    return request(id, key, quantity, Duration.ofMinutes(5));
  }

  private ReservationRequest request(String id, StockKey key, long quantity, Duration ttl) {
    return ReservationRequest.builder(prefix + "-" + id).line(key, quantity).ttl(ttl).build();
  }

  /**
   * Holds every commit that wrote a log row at the moment of committing: a deferred constraint
   * trigger (run by COMMIT itself) waits for an advisory lock that the hand holds. Killing a
   * backend parked there kills it in its commit, before the commit record: nothing is committed,
   * but the client cannot tell.
   */
  private static final class CommitGate implements AutoCloseable {
    private static final long LOCK = 7_242_001L;
    private final Connection hand;
    private boolean open;

    private CommitGate(Connection hand) {
      this.hand = hand;
    }

    static CommitGate closed(Connection hand) throws SQLException {
      TestDatabase.execute(
          pool,
          "CREATE FUNCTION "
              + schema
              + ".commit_gate() RETURNS trigger LANGUAGE plpgsql AS $$"
              + " BEGIN PERFORM pg_advisory_xact_lock_shared("
              + LOCK
              + "); RETURN NULL; END $$",
          "CREATE CONSTRAINT TRIGGER commit_gate AFTER INSERT ON "
              + schema
              + ".inventory_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
              + schema
              + ".commit_gate()");
      try (Statement s = hand.createStatement()) {
        s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      }
      hand.commit();
      return new CommitGate(hand);
    }

    void open() throws SQLException {
      if (!open) {
        open = true;
        try (Statement s = hand.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
        }
        hand.commit();
      }
    }

    @Override
    public void close() throws SQLException {
      open();
      TestDatabase.execute(
          pool,
          "DROP TRIGGER commit_gate ON " + schema + ".inventory_log",
          "DROP FUNCTION " + schema + ".commit_gate()");
    }
  }

  /** Waits until one of the library's backends waits at the commit gate, in this statement. */
  private static void awaitAtTheGate(String statementStart) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Connection c = superuser();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
                      + " AND wait_event = 'advisory' AND state = 'active'"
                      + " AND query ILIKE ?")) {
        s.setString(1, APPLICATION);
        s.setString(2, statementStart + "%");
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 1) {
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no library backend waits at the commit gate in " + statementStart);
      }
      Thread.sleep(5);
    }
  }

  /** The hand takes the row lock of a stock row, in its open transaction. */
  private void lockStock(StockKey key) throws SQLException {
    try (PreparedStatement s =
        hand.prepareStatement(
            "UPDATE "
                + schema
                + ".stock_level SET updated_at = updated_at WHERE sku = ? AND location = ?")) {
      s.setString(1, key.sku());
      s.setString(2, key.location());
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  /** The hand takes the row lock of a reservation, in its open transaction. */
  private void lockReservation(String id) throws SQLException {
    try (PreparedStatement s =
        hand.prepareStatement(
            "UPDATE " + schema + ".reservation SET updated_at = updated_at WHERE id = ?")) {
      s.setString(1, id);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }

  private <T> CompletableFuture<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, threads);
  }

  /** The failure of a finished call, or null if it returned. */
  private static Throwable outcome(CompletableFuture<?> call) throws Exception {
    return Futures.failureOf(call, Duration.ofSeconds(10));
  }

  /** Waits until this many of the library's backends wait for a lock. */
  private static void awaitWaitingForLocks(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waitingForLocks() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + count + " library backends waiting for a lock, saw " + waitingForLocks());
      }
      Thread.sleep(5);
    }
  }

  private static int waitingForLocks() throws SQLException {
    return overWaitingBackends("count(*)");
  }

  /** pg_terminate_backend of every library backend that waits for a lock; how many. */
  private static int killWaitingBackends() throws SQLException {
    return overWaitingBackends("count(*) FILTER (WHERE pg_terminate_backend(pid))");
  }

  /** The one int {@code selectList} gives over the library's backends that wait for a lock. */
  private static int overWaitingBackends(String selectList) throws SQLException {
    try (Connection c = superuser();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + selectList
                    + " FROM pg_stat_activity"
                    + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
      s.setString(1, APPLICATION);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static Connection superuser() throws SQLException {
    TestDatabase.Server server = TestDatabase.server();
    return DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
  }

  /** on_hand and reserved as stored (not the effective view). */
  private static List<Long> level(StockKey key) throws SQLException {
    try (Connection c = superuser()) {
      return StoredRows.level(c, schema, key);
    }
  }

  private static long logCount(StockKey key, String kind) throws SQLException {
    try (Connection c = superuser()) {
      return StoredRows.logCount(c, schema, key, kind);
    }
  }
}
