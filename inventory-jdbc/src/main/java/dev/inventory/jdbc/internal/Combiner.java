package dev.inventory.jdbc.internal;

import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Flash-sale mode: one-line requests for the same key that arrive while a statement for that key is
 * in flight wait, and go together in the next statement.
 *
 * <p>A hot SKU is one row, and one row takes one lock at a time: without combining, a sale runs at
 * the speed of one commit after another. Here each key (and kind: reserve or purchase) has a lane.
 * A request that finds its lane idle goes at once, on its own thread, with no added latency. A
 * request that finds it busy queues; when the statement in flight ends, the first queued request
 * becomes the leader of the next batch (up to {@code maxBatch} requests, in arrival order) and runs
 * it on its own thread, while the others wait for their answer. No thread is owned here, so nothing
 * can leak on shutdown.
 *
 * <p>Bounded: a lane holds at most {@code maxQueue} waiting requests (past that a request fails at
 * once with {@link InventoryUnavailableException}), and a request that has not been taken into a
 * batch within {@code maxWait} leaves the queue with {@link InventoryTimeoutException}. Once in a
 * batch, it waits for the batch's statement, which the database's own timeouts bound.
 */
final class Combiner {
  /** Runs a batch: answers every ticket of it (result or error). */
  @FunctionalInterface
  interface BatchRunner {
    void run(List<Ticket> batch);
  }

  private final int maxBatch;
  private final int maxQueue;
  private final long maxWaitNanos;
  private final BatchRunner runner;
  private final ConcurrentHashMap<LaneKey, Lane> lanes = new ConcurrentHashMap<>();

  Combiner(int maxBatch, int maxQueue, Duration maxWait, BatchRunner runner) {
    this.maxBatch = maxBatch;
    this.maxQueue = maxQueue;
    this.maxWaitNanos = maxWait.toNanos();
    this.runner = runner;
  }

  private record LaneKey(StockKey key, Reservation.Status status) {}

  private static final class Lane {
    final ReentrantLock lock = new ReentrantLock();
    final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    boolean busy;

    /** Idle and removed from the map: a request that still holds it must look again. */
    boolean retired;
  }

  /** One request on its way through a lane. */
  static final class Ticket {
    final ReservationRequest request;
    private final CountDownLatch wake = new CountDownLatch(1);
    private volatile List<Ticket> toLead;
    private volatile Reservation result;
    private volatile RuntimeException error;

    Ticket(ReservationRequest request) {
      this.request = request;
    }

    void succeed(Reservation reservation) {
      this.result = reservation;
    }

    void fail(RuntimeException e) {
      this.error = e;
    }

    boolean answered() {
      return result != null || error != null;
    }

    Reservation answer() {
      if (error != null) {
        throw error;
      }
      return result;
    }
  }

  /** Places a one-line request through its key's lane; returns or throws as the runner decided. */
  Reservation submit(ReservationRequest request, Reservation.Status status) {
    LaneKey laneKey = new LaneKey(request.lines().get(0).key(), status);
    Ticket ticket = new Ticket(request);
    Lane lane;
    while (true) {
      lane = lanes.computeIfAbsent(laneKey, k -> new Lane());
      lane.lock.lock();
      try {
        if (lane.retired) {
          continue;
        }
        if (!lane.busy) {
          lane.busy = true;
          ticket.toLead = List.of(ticket);
        } else if (lane.waiting.size() >= maxQueue) {
          throw new InventoryUnavailableException(
              "too many requests queued for "
                  + laneKey.key()
                  + " ("
                  + maxQueue
                  + "): the store is overloaded; try again",
              null);
        } else {
          lane.waiting.addLast(ticket);
        }
        break;
      } finally {
        lane.lock.unlock();
      }
    }
    if (ticket.toLead == null) {
      awaitTurn(lane, ticket);
    }
    if (ticket.toLead != null) {
      lead(laneKey, lane, ticket.toLead);
    }
    return ticket.answer();
  }

  private void awaitTurn(Lane lane, Ticket ticket) {
    boolean woken = awaitUninterruptibly(ticket.wake, maxWaitNanos);
    if (woken) {
      return;
    }
    lane.lock.lock();
    try {
      if (lane.waiting.remove(ticket)) {
        ticket.fail(
            new InventoryTimeoutException(
                "request '"
                    + ticket.request.id()
                    + "' waited "
                    + Duration.ofNanos(maxWaitNanos).toMillis()
                    + " ms for its turn on "
                    + ticket.request.lines().get(0).key()
                    + " and was not sent; nothing was changed",
                null));
        return;
      }
    } finally {
      lane.lock.unlock();
    }
    // Already taken into a batch (or made its leader): its answer is on its way.
    awaitUninterruptibly(ticket.wake, Long.MAX_VALUE);
  }

  /** Runs a batch, then hands the lane to the next batch's leader (or marks it idle). */
  private void lead(LaneKey laneKey, Lane lane, List<Ticket> batch) {
    try {
      runner.run(batch);
    } catch (RuntimeException e) {
      for (Ticket t : batch) {
        if (!t.answered()) {
          t.fail(e);
        }
      }
    } finally {
      List<Ticket> next = new ArrayList<>();
      lane.lock.lock();
      try {
        while (next.size() < maxBatch && !lane.waiting.isEmpty()) {
          next.add(lane.waiting.pollFirst());
        }
        if (next.isEmpty()) {
          // Idle lanes leave the map, so a large catalogue does not leave one lane per key behind.
          lane.busy = false;
          lane.retired = true;
          lanes.remove(laneKey, lane);
        } else {
          next.get(0).toLead = List.copyOf(next);
        }
      } finally {
        lane.lock.unlock();
      }
      for (Ticket t : batch) {
        t.wake.countDown();
      }
      if (!next.isEmpty()) {
        next.get(0).wake.countDown();
      }
    }
  }

  /** How many requests wait for this key and kind now (for tests). */
  int waiting(StockKey key, Reservation.Status status) {
    Lane lane = lanes.get(new LaneKey(key, status));
    if (lane == null) {
      return 0;
    }
    lane.lock.lock();
    try {
      return lane.waiting.size();
    } finally {
      lane.lock.unlock();
    }
  }

  private static boolean awaitUninterruptibly(CountDownLatch latch, long nanos) {
    boolean interrupted = false;
    long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
    try {
      while (true) {
        try {
          if (deadline == Long.MAX_VALUE) {
            latch.await();
            return true;
          }
          return latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
