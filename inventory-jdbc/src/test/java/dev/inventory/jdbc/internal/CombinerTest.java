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

  /** Records each batch; the first one blocks until released, so that others queue behind it. */
  private Combiner combiner(int maxBatch, int maxQueue, Duration maxWait) {
    return new Combiner(
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
          for (Combiner.Ticket t : batch) {
            t.succeed(
                new Reservation(
                    t.request.id(), Status.HELD, t.request.lines(), Instant.EPOCH, Instant.EPOCH));
          }
        });
  }

  private static ReservationRequest request(String id) {
    return ReservationRequest.builder(id).line(HOT, 1).build();
  }

  private CompletableFuture<Reservation> submit(Combiner combiner, String id) {
    return CompletableFuture.supplyAsync(() -> combiner.submit(request(id), Status.HELD), threads);
  }

  /** Submits one request and waits until it is queued, so arrival order is known. */
  private CompletableFuture<Reservation> submitQueued(Combiner combiner, String id) {
    int before = combiner.waiting(HOT, Status.HELD);
    CompletableFuture<Reservation> f = submit(combiner, id);
    while (combiner.waiting(HOT, Status.HELD) == before) {
      Thread.onSpinWait();
    }
    return f;
  }

  private void awaitFirstBatch() {
    while (batches.isEmpty()) {
      Thread.onSpinWait();
    }
  }

  @Test
  @DisplayName("sends an uncontended request at once, alone, on the caller's thread")
  void uncontendedGoesAtOnce() {
    releaseFirst.countDown();
    Combiner combiner = combiner(64, 100, Duration.ofSeconds(5));

    Reservation r = combiner.submit(request("solo"), Status.HELD);

    assertThat(r.id()).isEqualTo("solo");
    assertThat(batches).containsExactly(List.of("solo"));
    assertThat(runnerThreads).containsExactly(Thread.currentThread());
  }

  @Test
  @DisplayName("sends requests that queued behind a statement together, in arrival order")
  void queuedRequestsGoTogetherInArrivalOrder() throws Exception {
    Combiner combiner = combiner(64, 100, Duration.ofSeconds(5));
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
    Combiner combiner = combiner(3, 100, Duration.ofSeconds(5));
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
  @DisplayName("refuses a request at once when the key's queue is full")
  void fullQueueRefuses() {
    Combiner combiner = combiner(64, 2, Duration.ofSeconds(5));
    submit(combiner, "r0");
    awaitFirstBatch();
    submitQueued(combiner, "r1");
    submitQueued(combiner, "r2");

    assertThatThrownBy(() -> combiner.submit(request("r3"), Status.HELD))
        .isInstanceOf(InventoryUnavailableException.class)
        .hasMessageContaining("too many requests queued for HOT@default (2)");
  }

  @Test
  @DisplayName("gives up on a request that waited past maxWait, without ever sending it")
  void waitingPastMaxWaitGivesUpUnsent() throws Exception {
    Combiner combiner = combiner(64, 100, Duration.ofMillis(50));
    CompletableFuture<Reservation> first = submit(combiner, "r0");
    awaitFirstBatch();

    assertThatThrownBy(() -> combiner.submit(request("late"), Status.HELD))
        .isInstanceOf(InventoryTimeoutException.class)
        .hasMessageContaining("'late' waited 50 ms");
    releaseFirst.countDown();
    first.get(5, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("r0"));
    assertThat(combiner.waiting(HOT, Status.HELD)).isZero();
  }

  @Test
  @DisplayName("answers every request of a batch whose runner failed with that failure")
  void failedBatchFailsItsRequests() {
    RuntimeException boom = new InventoryUnavailableException("boom", null);
    Combiner combiner =
        new Combiner(
            64,
            100,
            Duration.ofSeconds(5),
            batch -> {
              throw boom;
            });

    assertThatThrownBy(() -> combiner.submit(request("x"), Status.HELD)).isSameAs(boom);
    assertThat(combiner.waiting(HOT, Status.HELD)).isZero();
  }

  private static void await(CountDownLatch latch) {
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
