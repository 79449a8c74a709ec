package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.Inventory;
import dev.inventory.RecordingListener;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flash-sale mode schedules the confirms and releases of the holds an instance placed by their
 * keys: while a move statement is in flight on a hot SKU, the SKU's other moves wait for it and go
 * together in the next statement, even when another slot is free, so that the SKU's row takes one
 * commit for all of them instead of one per statement. A move of a hold this instance did not place
 * has no known keys and goes at once. Each test holds the SKU's row locked, so that the first move
 * is surely in flight while the others come.
 */
@DisplayName("Moves scheduled by the keys of the holds an instance placed")
class MoveSchedulingTest {
  @RegisterExtension static final MigratedSchema DB = new MigratedSchema(12);

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final RecordingListener recorder = new RecordingListener();
  private final String run = "ms" + RUNS.incrementAndGet() + "-";
  private final RowLocks locks = new RowLocks(DB.pool());

  private JdbcInventoryStore store() {
    return JdbcInventory.builder(DB.pool())
        .schema(DB.name())
        .migrate(false)
        .allowNoTimeouts(true)
        .combining(true)
        .maxInFlight(2)
        .listener(recorder)
        .buildStore();
  }

  @AfterEach
  void letGo() throws SQLException {
    locks.close();
  }

  private Reservation hold(Inventory inventory, String id, StockKey key) {
    return inventory.reserve(ReservationRequest.builder(run + id).line(key, 1).build());
  }

  private List<BatchSent> confirmBatches() {
    return recorder.events().stream()
        .filter(BatchSent.class::isInstance)
        .map(BatchSent.class::cast)
        .filter(b -> b.operation() == Operation.CONFIRM)
        .toList();
  }

  @Test
  @DisplayName(
      "a hot SKU's confirms wait for its move in flight and go together, a slot free or not")
  void confirmsOfOneKeyGoTogether() throws Exception {
    JdbcInventoryStore store = store();
    Inventory inventory = store.inventory();
    StockKey hot = StockKey.of(run + "hot");
    inventory.receive(hot, 10, null);
    List<Reservation> holds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      holds.add(hold(inventory, "h" + i, hot));
    }
    Connection lock = locks.lock(DB.name(), hot, "updated_at = updated_at");

    CompletableFuture<Reservation> first =
        CompletableFuture.supplyAsync(() -> inventory.confirm(holds.get(0).id()));
    RowLocks.awaitUntil(
        () -> locks.waiting("inventory_move") == 1, "the first confirm waits for the row");
    List<CompletableFuture<Reservation>> others = new ArrayList<>();
    for (Reservation h : holds.subList(1, 4)) {
      others.add(CompletableFuture.supplyAsync(() -> inventory.confirm(h.id())));
    }
    RowLocks.awaitUntil(() -> store.flashSaleStatus().movesWaiting() == 3, "three confirms queue");
    // A slot is free, yet they wait: their key is in the statement in flight.
    assertThat(store.flashSaleStatus().movesInFlight()).isEqualTo(1);
    assertThat(locks.waiting("inventory_move")).isEqualTo(1);
    lock.rollback();

    assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    for (CompletableFuture<Reservation> f : others) {
      assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    }
    assertThat(confirmBatches()).extracting(BatchSent::size).containsExactly(1, 3);
    assertThat(inventory.level(hot).onHand()).isEqualTo(6);
    assertThat(inventory.level(hot).reserved()).isZero();
  }

  @Test
  @DisplayName("a move of a hold another instance placed has no known keys, and goes at once")
  void movesOfHoldsPlacedElsewhereAreNotHeldBack() throws Exception {
    JdbcInventoryStore store = store();
    Inventory inventory = store.inventory();
    Inventory elsewhere = store().inventory();
    StockKey hot = StockKey.of(run + "hot");
    inventory.receive(hot, 10, null);
    Reservation mine = hold(inventory, "mine", hot);
    Reservation theirs = hold(elsewhere, "theirs", hot);
    Connection lock = locks.lock(DB.name(), hot, "updated_at = updated_at");

    CompletableFuture<Reservation> first =
        CompletableFuture.supplyAsync(() -> inventory.confirm(mine.id()));
    RowLocks.awaitUntil(
        () -> locks.waiting("inventory_move") == 1, "the first confirm waits for the row");
    CompletableFuture<Reservation> second =
        CompletableFuture.supplyAsync(() -> inventory.release(theirs.id()));
    // In the free slot at once: now two move statements wait for the row.
    RowLocks.awaitUntil(
        () -> locks.waiting("inventory_move") == 2, "the second move waits for the row");
    assertThat(store.flashSaleStatus().movesWaiting()).isZero();
    lock.rollback();

    assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.CONFIRMED);
    assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.RELEASED);
    assertThat(inventory.level(hot).onHand()).isEqualTo(9);
    assertThat(inventory.level(hot).reserved()).isZero();
  }
}
