package dev.inventory.jdbc.internal;

import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.internal.Events;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Flash-sale mode: requests (one-line ones, carts, moves) that arrive while the combined statements
 * are busy wait, and go together in the next batch.
 *
 * <p>A hot SKU is one row, and one row takes one lock at a time: without combining, a sale runs at
 * the speed of one commit after another. And on a busy store every request pays a round trip and a
 * commit of its own. Here at most {@code maxInFlight} statements per kind (reserve or purchase) are
 * in flight, and no key is in two of them. A request goes at once, on its own thread, with no added
 * latency, when a slot is free and none of its keys is in a statement in flight. Otherwise it
 * queues; when a statement ends, the first queued requests whose keys are all free become the next
 * batch (up to {@code maxBatch}, in arrival order, whatever their keys), led by the first of them
 * on its own thread, while the others wait for their answer. So requests for one key are sent in
 * arrival order, one batch at a time, and a key whose row is slow to lock holds up one statement,
 * not the others. No thread is owned here, so nothing can leak on shutdown.
 *
 * <p>Bounded: at most {@code maxQueue} requests wait (past that a request fails at once with {@link
 * InventoryUnavailableException}), and a request that has not been taken into a batch within {@code
 * maxWait} leaves the queue with {@link InventoryTimeoutException}. Once in a batch, it waits for
 * the batch's statement, which the database's own timeouts bound.
 */
final class Combiner<R> {
  /** Runs a batch: answers every ticket of it (result or error). */
  @FunctionalInterface
  interface BatchRunner<R> {
    void run(List<Ticket<R>> batch);
  }

  private final int maxInFlight;
  private final int maxBatch;
  private final int maxQueue;
  private final long maxWaitNanos;
  private final Function<R, String> idOf;
  private final Function<R, List<StockKey>> keysOf;
  private final BatchRunner<R> runner;

  private final ReentrantLock lock = new ReentrantLock();

  /**
   * Arrival order. Whenever fewer than {@code maxInFlight} statements are in flight, every waiting
   * request's key is in one of them: that is what lets a request for a free key go at once.
   */
  private final ArrayDeque<Ticket<R>> waiting = new ArrayDeque<>();

  /**
   * Keys of the statements in flight. A set, not counts: no key is in two statements at once, since
   * a request starts alone only if its keys are idle and a batch takes only requests whose keys are
   * all idle. A request without a key (a move: its keys are only known to the statement) is never
   * held back by one.
   */
  private final Set<StockKey> keysInFlight = new HashSet<>();

  private int inFlight;

  /**
   * @param idOf the id a request is known by in messages
   * @param keysOf the keys a request's statement locks, none if they cannot be known beforehand
   */
  Combiner(
      int maxInFlight,
      int maxBatch,
      int maxQueue,
      Duration maxWait,
      Function<R, String> idOf,
      Function<R, List<StockKey>> keysOf,
      BatchRunner<R> runner) {
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.maxQueue = maxQueue;
    this.maxWaitNanos = maxWait.toNanos();
    this.idOf = idOf;
    this.keysOf = keysOf;
    this.runner = runner;
  }

  /** The combiner of placements (one-line requests and carts), keyed by their lines' keys. */
  static Combiner<ReservationRequest> ofPlacements(
      int maxInFlight,
      int maxBatch,
      int maxQueue,
      Duration maxWait,
      BatchRunner<ReservationRequest> runner) {
    return new Combiner<>(
        maxInFlight,
        maxBatch,
        maxQueue,
        maxWait,
        ReservationRequest::id,
        request -> request.lines().stream().map(Line::key).toList(),
        runner);
  }

  /** One request on its way through the combiner. */
  static final class Ticket<R> {
    final R request;
    final String id;

    /** The keys its statement locks (none for a move). */
    final List<StockKey> keys;

    /** The first of them, the only one for a one-line request; null for a move. */
    final @Nullable StockKey key;

    final long queuedAt = System.nanoTime(); // when it came, for the events' batch wait
    private final CountDownLatch wake = new CountDownLatch(1);
    private volatile List<Ticket<R>> toLead;
    private volatile Reservation result;
    private volatile RuntimeException error;

    private Ticket(R request, String id, List<StockKey> keys) {
      this.request = request;
      this.id = id;
      this.keys = keys;
      this.key = keys.isEmpty() ? null : keys.get(0);
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

  /** Runs a request, combined or alone; returns or throws as the runner decided. */
  Reservation submit(R request) {
    Ticket<R> ticket = new Ticket<>(request, idOf.apply(request), keysOf.apply(request));
    lock.lock();
    try {
      if (inFlight < maxInFlight && !inFlight(ticket)) {
        List<Ticket<R>> alone = List.of(ticket);
        startBatch(alone);
        ticket.toLead = alone;
      } else if (waiting.size() >= maxQueue) {
        throw new InventoryUnavailableException(
            "too many requests queued ("
                + maxQueue
                + ") when "
                + (ticket.key != null ? ticket.key : "'" + ticket.id + "'")
                + " came: the store is overloaded; try again",
            null);
      } else {
        waiting.addLast(ticket);
      }
    } finally {
      lock.unlock();
    }
    if (ticket.toLead == null) {
      awaitTurn(ticket);
    }
    if (ticket.toLead != null) {
      lead(ticket.toLead);
    }
    return ticket.answer();
  }

  private static <R> void failUnanswered(
      List<Ticket<R>> batch, Supplier<RuntimeException> failure) {
    RuntimeException e = null;
    for (Ticket<R> t : batch) {
      if (!t.answered()) {
        e = e == null ? failure.get() : e;
        t.fail(e);
      }
    }
  }

  private void awaitTurn(Ticket<R> ticket) {
    boolean woken = awaitUninterruptibly(ticket.wake, maxWaitNanos);
    if (woken) {
      return;
    }
    lock.lock();
    try {
      if (waiting.remove(ticket)) {
        ticket.fail(
            new InventoryTimeoutException(
                "request '"
                    + ticket.id
                    + "' waited "
                    + Duration.ofNanos(maxWaitNanos).toMillis()
                    + " ms for its turn"
                    + (ticket.key != null ? " on " + ticket.key : "")
                    + " and was not sent; nothing was changed",
                null));
        return;
      }
    } finally {
      lock.unlock();
    }
    // Already taken into a batch (or made its leader): its answer is on its way.
    awaitUninterruptibly(ticket.wake, Long.MAX_VALUE);
  }

  /** Runs a batch, then starts the batches that were waiting for its slot or its keys. */
  private void lead(List<Ticket<R>> batch) {
    try {
      runner.run(batch);
    } catch (RuntimeException e) {
      failUnanswered(batch, () -> e);
    } finally {
      // A request still unanswered here (the runner returned without answering it, or threw an
      // Error) would return null to its caller as if placed.
      failUnanswered(
          batch,
          () ->
              new IllegalStateException(
                  "inventory: a combined batch left a request unanswered; nothing is known of it"));
      List<List<Ticket<R>>> started = new ArrayList<>();
      lock.lock();
      try {
        finishBatch(batch);
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
          List<Ticket<R>> next = takeNextBatch();
          if (next.isEmpty()) {
            break; // every waiting request's key is in flight
          }
          startBatch(next);
          next.get(0).toLead = next;
          started.add(next);
          if (next.size() < maxBatch) {
            break; // the scan saw the whole queue: every key left waiting is in flight now
          }
        }
      } finally {
        lock.unlock();
      }
      // The next leaders first: their statements are what the waiting requests wait for, and a
      // thread woken after the batch's callers would queue behind them for a processor.
      for (List<Ticket<R>> next : started) {
        next.get(0).wake.countDown();
      }
      for (Ticket<R> t : batch) {
        t.wake.countDown();
      }
    }
  }

  /** The first waiting requests whose keys are in no statement in flight, in arrival order. */
  private List<Ticket<R>> takeNextBatch() {
    List<Ticket<R>> next = new ArrayList<>();
    Iterator<Ticket<R>> it = waiting.iterator();
    while (it.hasNext() && next.size() < maxBatch) {
      Ticket<R> t = it.next();
      if (!inFlight(t)) {
        it.remove();
        next.add(t);
      }
    }
    return List.copyOf(next);
  }

  /** Whether one of the request's keys is in a statement in flight. */
  private boolean inFlight(Ticket<R> ticket) {
    for (StockKey key : ticket.keys) {
      if (keysInFlight.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private void startBatch(List<Ticket<R>> batch) {
    inFlight++;
    for (Ticket<R> t : batch) {
      keysInFlight.addAll(t.keys);
    }
  }

  private void finishBatch(List<Ticket<R>> batch) {
    inFlight--;
    for (Ticket<R> t : batch) {
      t.keys.forEach(keysInFlight::remove);
    }
  }

  /** How many requests wait now, all keys together (for the gauges). */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many statements are in flight now (for the gauges). */
  int inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells the listener a batch is about to be sent: its size, its distinct keys (0 for confirms and
   * releases, whose keys only the statement reads: the keys they are scheduled by are a hint) and
   * how long its oldest request waited.
   */
  static <R> void tellSent(Events events, Operation operation, List<Ticket<R>> batch) {
    if (!events.on()) {
      return;
    }
    boolean moves = operation == Operation.CONFIRM || operation == Operation.RELEASE;
    Set<StockKey> keys = new HashSet<>();
    long oldest = Long.MAX_VALUE;
    for (Ticket<R> ticket : batch) {
      if (!moves) {
        keys.addAll(ticket.keys);
      }
      oldest = Math.min(oldest, ticket.queuedAt);
    }
    events.batchSent(operation, batch.size(), keys.size(), oldest);
  }

  /** How many requests for this key wait now (for tests). */
  int waiting(StockKey key) {
    lock.lock();
    try {
      return (int) waiting.stream().filter(t -> t.keys.contains(key)).count();
    } finally {
      lock.unlock();
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
