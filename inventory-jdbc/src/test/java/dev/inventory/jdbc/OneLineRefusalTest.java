package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a refused one-line request answers (V10's {@code inventory_place_one_line}) is read in one
 * snapshot. The caller adds the units free to those its key's due holds keep, and retries after
 * expiring them if the sum fits; read in two snapshots with an expiry committed between them, the
 * sum leaves out the expired units, and a request that fits is refused. Forced here: a caller's
 * transaction holds the lines' table, so that the refusal's read of due holds waits for it, and
 * expires the due hold before it commits.
 */
@DisplayName("A refused one-line request")
class OneLineRefusalTest {
  private static HikariDataSource pool;
  private static String schema;
  private static JdbcInventoryStore store;
  private static final MutableClock clock = MutableClock.startingAt("2026-11-11T00:00:00Z");

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    schema = TestDatabase.newSchema(OneLineRefusalTest.class);
    store = JdbcInventory.builder(pool).schema(schema).clock(clock).combining(false).buildStore();
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  @Test
  @DisplayName(
      "reads what was free and what due holds keep in one snapshot: a hold expired between the"
          + " two reads does not refuse a request that fits")
  void refusalIsReadInOneSnapshot() throws Exception {
    Inventory inventory = store.inventory();
    StockKey k = StockKey.of("SNAPSHOT");
    inventory.receive(k, 5, null);
    inventory.reserve(hold("due", k, 3, Duration.ofMinutes(1)));
    inventory.reserve(hold("kept", k, 2, Duration.ofHours(1)));
    clock.advance(Duration.ofMinutes(2)); // "due" is due: nothing free, 3 units due

    CompletableFuture<Reservation> wanted;
    try (Connection expiring = pool.getConnection();
        RowLocks locks = new RowLocks(pool)) {
      expiring.setAutoCommit(false);
      try (Statement s = expiring.createStatement()) {
        s.execute("LOCK TABLE " + schema + ".reservation_line IN ACCESS EXCLUSIVE MODE");
      }
      wanted =
          CompletableFuture.supplyAsync(
              () -> inventory.reserve(hold("wanted", k, 3, Duration.ofHours(1))));
      RowLocks.awaitUntil(
          () -> locks.waiting("inventory_place_one_line") == 1,
          "the refusal waits to read the due holds");
      // Meanwhile the due hold expires, with the sweeper's two statements, and the expiry commits.
      try (PreparedStatement claim =
              expiring.prepareStatement(
                  "UPDATE "
                      + schema
                      + ".reservation SET status = 'EXPIRED', updated_at = ? WHERE id = 'due'");
          PreparedStatement giveBack =
              expiring.prepareStatement(
                  "SELECT count(*) FROM "
                      + schema
                      + ".inventory_give_back(ARRAY['due'], ARRAY['EXPIRE'], ARRAY[0::bigint], ?)")) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        claim.setObject(1, now);
        assertThat(claim.executeUpdate()).isEqualTo(1);
        giveBack.setObject(1, now);
        giveBack.executeQuery().close();
      }
      expiring.commit();
    }

    assertThat(wanted.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.HELD);
    assertThat(inventory.level(k).reserved()).isEqualTo(5);
    assertThat(store.inventory().findReservation("due").orElseThrow().status())
        .isEqualTo(Status.EXPIRED);
  }

  private static ReservationRequest hold(String id, StockKey key, long quantity, Duration ttl) {
    return ReservationRequest.builder(id).line(key, quantity).ttl(ttl).build();
  }
}
