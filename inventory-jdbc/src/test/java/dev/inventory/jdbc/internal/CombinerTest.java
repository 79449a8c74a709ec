package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The combiner's queueing, without a database: a runner that records the batches it is given. */
@DisplayName("The combiner")
class CombinerTest {
  private static final StockKey HOT = StockKey.of("HOT");
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<Thread> runnerThreads = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch releaseFirst = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    releaseFirst.countDown();
    threads.shutdownNow();
  }

  /** One statement in flight at a time, as on a single hot key. */
  private Combiner<ReservationRequest> combiner(int maxBatch, int maxQueue, Duration maxWait) {
    return combiner(1, maxBatch, maxQueue, maxWait);
  }

  /** Records each batch; the first one blocks until released, so that others queue behind it. */
  private Combiner<ReservationRequest> combiner(
      int maxInFlight, int maxBatch, int maxQueue, Duration maxWait) {
    return Combiner.ofPlacements(
        maxInFlight,
        maxBatch,
        maxQueue,
        maxWait,
        batch -> {
          boolean first = batches.isEmpty();
          batches.add(batch.stream().map(t -> t.request.id()).toList());
          runnerThreads.add(Thread.currentThread());
          if (first) {
            await(releaseFirst);
          }
          answerHeld(batch);
        });
  }

  /** A combiner whose runner records each batch's request ids, then runs {@code run} on it. */
  private Combiner<ReservationRequest> recording(
      int maxInFlight, BiConsumer<List<String>, List<Combiner.Ticket<ReservationRequest>>> run) {
    return Combiner.ofPlacements(
        maxInFlight,
        64,
        100,
        Duration.ofSeconds(5),
        batch -> {
          List<String> ids = batch.stream().map(t -> t.request.id()).toList();
          batches.add(ids);
          run.accept(ids, batch);
        });
  }

  /** Answers every request of the batch with a hold of its lines. */
  private static void answerHeld(List<Combiner.Ticket<ReservationRequest>> batch) {
    for (Combiner.Ticket<ReservationRequest> t : batch) {
      t.succeed(
          new Reservation(
              t.request.id(), Status.HELD, t.request.lines(), Instant.EPOCH, Instant.EPOCH));
    }
  }

  private static ReservationRequest request(String id) {
    return request(id, HOT);
  }

  private static ReservationRequest request(String id, StockKey key) {
    return ReservationRequest.builder(id).line(key, 1).build();
  }

  private CompletableFuture<Reservation> submit(Combiner<ReservationRequest> combiner, String id) {
    return submit(combiner, id, HOT);
  }

  private CompletableFuture<Reservation> submit(
      Combiner<ReservationRequest> combiner, String id, StockKey key) {
    return CompletableFuture.supplyAsync(() -> combiner.submit(request(id, key)), threads);
  }

  /** Submits one request and waits until it is queued, so arrival order is known. */
  private CompletableFuture<Reservation> submitQueued(
      Combiner<ReservationRequest> combiner, String id) {
    return submitQueued(combiner, id, HOT);
  }

  private CompletableFuture<Reservation> submitQueued(
      Combiner<ReservationRequest> combiner, String id, StockKey key) {
    int before = combiner.waiting(key);
    CompletableFuture<Reservation> f = submit(combiner, id, key);
    awaitUntil(() -> combiner.waiting(key) != before, "request '" + id + "' to queue on " + key);
    return f;
  }

  private void awaitFirstBatch() {
    awaitUntil(() -> !batches.isEmpty(), "the first batch to start");
  }

  /** Spins until the condition holds; fails after 10 s instead of hanging the build. */
  private static void awaitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 10 s waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  @DisplayName("sends an uncontended request at once, alone, on the caller's thread")
  void uncontendedGoesAtOnce() {
    releaseFirst.countDown();
    Combiner<ReservationRequest> combiner = combiner(64, 100, Duration.ofSeconds(5));

    Reservation r = combiner.submit(request("solo"));

    assertThat(r.id()).isEqualTo("solo");
    assertThat(batches).containsExactly(List.of("solo"));
    assertThat(runnerThreads).containsExactly(Thread.currentThread());
  }

  @Test
  @DisplayName("sends requests that queued behind a statement together, in arrival order")
  void queuedRequestsGoTogetherInArrivalOrder() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(64, 100, Duration.ofSeconds(5));
    List<CompletableFuture<Reservation>> all = new ArrayList<>();
    all.add(submit(combiner, "r0"));
    awaitFirstBatch();
    for (int i = 1; i <= 10; i++) {
      all.add(submitQueued(combiner, "r" + i));
    }
    releaseFirst.countDown();
    for (CompletableFuture<Reservation> f : all) {
      f.get(5, TimeUnit.SECONDS);
    }

    assertThat(batches)
        .containsExactly(
            List.of("r0"), List.of("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"));
  }

  @Test
  @DisplayName("never puts more than maxBatch requests in one statement, and keeps their order")
  void batchesAreCapped() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(3, 100, Duration.ofSeconds(5));
    List<CompletableFuture<Reservation>> all = new ArrayList<>();
    all.add(submit(combiner, "r0"));
    awaitFirstBatch();
    for (int i = 1; i <= 7; i++) {
      all.add(submitQueued(combiner, "r" + i));
    }
    releaseFirst.countDown();
    for (CompletableFuture<Reservation> f : all) {
      f.get(5, TimeUnit.SECONDS);
    }

    assertThat(batches)
        .containsExactly(
            List.of("r0"), List.of("r1", "r2", "r3"), List.of("r4", "r5", "r6"), List.of("r7"));
  }

  @Test
  @DisplayName("refuses a request at once when the queue is full, whatever keys fill it")
  void fullQueueRefuses() {
    Combiner<ReservationRequest> combiner = combiner(64, 2, Duration.ofSeconds(5));
    submit(combiner, "r0");
    awaitFirstBatch();
    submitQueued(combiner, "r1");
    submitQueued(combiner, "a1", StockKey.of("A"));

    assertThatThrownBy(() -> combiner.submit(request("b1", StockKey.of("B"))))
        .isInstanceOf(InventoryUnavailableException.class)
        .hasMessageContaining("too many requests queued (2) when B@default came");
  }

  @Test
  @DisplayName("sends queued requests for different keys together, in arrival order")
  void differentKeysGoTogether() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(1, 64, 100, Duration.ofSeconds(5));
    List<CompletableFuture<Reservation>> all = new ArrayList<>();
    all.add(submit(combiner, "r0"));
    awaitFirstBatch();
    all.add(submitQueued(combiner, "r1", StockKey.of("A")));
    all.add(submitQueued(combiner, "r2", HOT));
    all.add(submitQueued(combiner, "r3", StockKey.of("B", "store-7")));
    releaseFirst.countDown();
    for (CompletableFuture<Reservation> f : all) {
      f.get(5, TimeUnit.SECONDS);
    }

    assertThat(batches).containsExactly(List.of("r0"), List.of("r1", "r2", "r3"));
  }

  @Test
  @DisplayName("sends a request for another key at once while a slot is free")
  void otherKeysDoNotWaitWhileASlotIsFree() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(2, 64, 100, Duration.ofSeconds(5));
    CompletableFuture<Reservation> blocked = submit(combiner, "r0");
    awaitFirstBatch();

    Reservation r = combiner.submit(request("r1", StockKey.of("A")));

    assertThat(r.id()).isEqualTo("r1");
    assertThat(blocked).isNotDone();
    releaseFirst.countDown();
    blocked.get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("r0"), List.of("r1"));
  }

  @Test
  @DisplayName("never has one key in two statements at once, so a key's requests keep their order")
  void aKeyIsInOneStatementAtATime() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(4, 64, 100, Duration.ofSeconds(5));
    CompletableFuture<Reservation> first = submit(combiner, "r0");
    awaitFirstBatch();
    CompletableFuture<Reservation> second = submitQueued(combiner, "r1");
    CompletableFuture<Reservation> third = submitQueued(combiner, "r2");

    Reservation other = combiner.submit(request("o1", StockKey.of("A")));

    assertThat(other.id()).isEqualTo("o1");
    assertThat(second).isNotDone();
    releaseFirst.countDown();
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);
    third.get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("r0"), List.of("o1"), List.of("r1", "r2"));
  }

  @Test
  @DisplayName("starts a batch for other keys while the key at the head of the queue is in flight")
  void waitingKeysDoNotBlockOthers() throws Exception {
    CountDownLatch releaseA = new CountDownLatch(1);
    Combiner<ReservationRequest> combiner =
        recording(
            2,
            (ids, batch) -> {
              await(ids.contains("r0") ? releaseFirst : ids.contains("a0") ? releaseA : null);
              answerHeld(batch);
            });
    CompletableFuture<Reservation> r0 = submit(combiner, "r0");
    CompletableFuture<Reservation> a0 = submit(combiner, "a0", StockKey.of("A"));
    awaitUntil(() -> batches.size() >= 2, "two batches (r0 and a0) to start");
    CompletableFuture<Reservation> r1 = submitQueued(combiner, "r1");
    CompletableFuture<Reservation> b0 = submitQueued(combiner, "b0", StockKey.of("B"));

    releaseA.countDown(); // A's slot frees while HOT is still in flight
    b0.get(5, TimeUnit.SECONDS);

    assertThat(r1).isNotDone();
    releaseFirst.countDown();
    r0.get(5, TimeUnit.SECONDS);
    r1.get(5, TimeUnit.SECONDS);
    a0.get(5, TimeUnit.SECONDS);
    assertThat(batches.subList(2, 4)).containsExactly(List.of("b0"), List.of("r1"));
  }

  @Test
  @DisplayName("gives up on a request that waited past maxWait, without ever sending it")
  void waitingPastMaxWaitGivesUpUnsent() throws Exception {
    Combiner<ReservationRequest> combiner = combiner(64, 100, Duration.ofMillis(50));
    CompletableFuture<Reservation> first = submit(combiner, "r0");
    awaitFirstBatch();

    assertThatThrownBy(() -> combiner.submit(request("late")))
        .isInstanceOf(InventoryTimeoutException.class)
        .hasMessageContaining("'late' waited 50 ms");
    releaseFirst.countDown();
    first.get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("r0"));
    assertThat(combiner.waiting(HOT)).isZero();
  }

  @Test
  @DisplayName("answers every request of a batch whose runner failed with that failure")
  void failedBatchFailsItsRequests() {
    RuntimeException boom = new InventoryUnavailableException("boom", null);
    Combiner<ReservationRequest> combiner =
        Combiner.ofPlacements(
            8,
            64,
            100,
            Duration.ofSeconds(5),
            batch -> {
              throw boom;
            });

    assertThatThrownBy(() -> combiner.submit(request("x"))).isSameAs(boom);
    assertThat(combiner.waiting(HOT)).isZero();
  }

  @Test
  @DisplayName("fails a request its batch's runner left unanswered, rather than return nothing")
  void unansweredRequestFails() {
    Combiner<ReservationRequest> combiner =
        Combiner.ofPlacements(8, 64, 100, Duration.ofSeconds(5), batch -> {});

    assertThatThrownBy(() -> combiner.submit(request("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unanswered");
    assertThat(combiner.waiting(HOT)).isZero();
  }

  @Test
  @DisplayName("fails the other requests of a batch whose runner threw an Error")
  void errorInRunnerFailsTheOtherRequests() throws Exception {
    Combiner<ReservationRequest> combiner =
        recording(
            1,
            (ids, batch) -> {
              if (ids.contains("r0")) {
                await(releaseFirst);
                answerHeld(batch);
              } else {
                throw new AssertionError("runner broke");
              }
            });
    CompletableFuture<Reservation> r0 = submit(combiner, "r0");
    awaitFirstBatch();
    CompletableFuture<Reservation> r1 = submitQueued(combiner, "r1");
    CompletableFuture<Reservation> r2 = submitQueued(combiner, "r2");

    releaseFirst.countDown();

    assertThat(r0.get(5, TimeUnit.SECONDS).id()).isEqualTo("r0");
    assertThatThrownBy(() -> r1.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(AssertionError.class)
        .hasRootCauseMessage("runner broke");
    assertThatThrownBy(() -> r2.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unanswered");
    assertThat(batches).containsExactly(List.of("r0"), List.of("r1", "r2"));
  }

  private static void await(CountDownLatch latch) {
    if (latch == null) {
      return;
    }
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
