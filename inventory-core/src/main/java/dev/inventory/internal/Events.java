package dev.inventory.internal;

import dev.inventory.BulkResult;
import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.Amended;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.BulkApplied;
import dev.inventory.event.InventoryEvent.Confirmed;
import dev.inventory.event.InventoryEvent.EventsDropped;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryEvent.Extended;
import dev.inventory.event.InventoryEvent.Failed;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.event.InventoryEvent.Outcome;
import dev.inventory.event.InventoryEvent.OutcomeUnknown;
import dev.inventory.event.InventoryEvent.Purchased;
import dev.inventory.event.InventoryEvent.Refused;
import dev.inventory.event.InventoryEvent.Released;
import dev.inventory.event.InventoryEvent.Reserved;
import dev.inventory.event.InventoryEvent.Retried;
import dev.inventory.event.InventoryEvent.StockAdjusted;
import dev.inventory.event.InventoryEvent.StockReceived;
import dev.inventory.event.InventoryEvent.StockSet;
import dev.inventory.event.InventoryListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The events of one inventory, made and queued by its calls and delivered to its listener on a
 * thread of their own (see {@link InventoryListener} for the guarantees). Not API.
 *
 * <p>Every method does nothing, allocates nothing and reads no clock when there is no listener:
 * {@link #start()} returns 0 and the others return at once. Callers pass {@code start()}'s value
 * back, so the duration of a call is measured only when someone listens.
 *
 * <p>Thread-safe: calls queue from any thread; one thread at a time delivers.
 */
public final class Events {
  /** No listener: every method is a no-op. */
  public static final Events NONE = new Events(null, InventoryListener.QUEUE_CAPACITY);

  /** How long the delivery thread waits for an event before it ends (a new one starts later). */
  static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final System.Logger LOG = System.getLogger("dev.inventory.event");
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final @Nullable InventoryListener listener;
  private final @Nullable LinkedBlockingQueue<InventoryEvent> queue;
  private final AtomicBoolean delivering = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  private final long idleNanos;
  // Only the delivery thread touches these.
  private long failuresLogged;
  private long lastLogged;

  private Events(@Nullable InventoryListener listener, int capacity) {
    this(listener, capacity, IDLE_NANOS);
  }

  Events(@Nullable InventoryListener listener, int capacity, long idleNanos) {
    this.listener = listener;
    this.queue = listener == null ? null : new LinkedBlockingQueue<>(capacity);
    this.idleNanos = idleNanos;
  }

  /**
   * The events of an inventory with this listener, or {@link #NONE}.
   *
   * @param listener the builder's listener, or {@code null}
   */
  public static Events of(@Nullable InventoryListener listener) {
    return listener == null ? NONE : new Events(listener, InventoryListener.QUEUE_CAPACITY);
  }

  /** Whether someone listens. */
  public boolean on() {
    return listener != null;
  }

  /** The start of a call, to pass back with its event: {@code System.nanoTime()}, or 0 if off. */
  public long start() {
    return listener == null ? 0 : System.nanoTime();
  }

  /** Whether a delivery thread runs (for tests). */
  boolean delivering() {
    return delivering.get();
  }

  /** How many events found the queue full so far and were dropped (for tests). */
  long droppedCount() {
    return dropped.get();
  }

  // ---------------------------------------------------------------- the events of calls

  /** A reserve ({@code sold == false}) or a purchase returned this reservation. */
  public void placed(Reservation reservation, boolean sold, long started, boolean committed) {
    if (listener != null) {
      Duration took = since(started);
      publish(
          sold
              ? new Purchased(reservation, took, committed)
              : new Reserved(reservation, took, committed));
    }
  }

  public void confirmed(Reservation reservation, long started, boolean committed) {
    if (listener != null) {
      publish(new Confirmed(reservation, since(started), committed));
    }
  }

  public void released(Reservation reservation, long started, boolean committed) {
    if (listener != null) {
      publish(new Released(reservation, since(started), committed));
    }
  }

  public void extended(Reservation reservation, long started, boolean committed) {
    if (listener != null) {
      publish(new Extended(reservation, since(started), committed));
    }
  }

  public void amended(Reservation reservation, long started, boolean committed) {
    if (listener != null) {
      publish(new Amended(reservation, since(started), committed));
    }
  }

  public void received(
      StockKey key, long quantity, StockLevel level, long started, boolean committed) {
    if (listener != null) {
      publish(new StockReceived(key, quantity, level, since(started), committed));
    }
  }

  public void adjusted(
      StockKey key, long delta, StockLevel level, long started, boolean committed) {
    if (listener != null) {
      publish(new StockAdjusted(key, delta, level, since(started), committed));
    }
  }

  public void counted(
      StockKey key, long onHand, StockLevel level, long started, boolean committed) {
    if (listener != null) {
      publish(new StockSet(key, onHand, level, since(started), committed));
    }
  }

  public void bulk(Operation operation, BulkResult result, long started, boolean committed) {
    if (listener != null) {
      publish(new BulkApplied(operation, result, since(started), committed));
    }
  }

  /** {@code expireDue} expired this many holds. */
  public void swept(int expired, long started, boolean committed) {
    if (listener != null) {
      publish(new Expired(Expired.By.SWEEP, expired, List.of(), since(started), committed));
    }
  }

  /** A short change expired this many due holds on these short keys. */
  public void expiredLazily(int expired, List<StockKey> keys, long started, boolean committed) {
    if (listener != null && expired > 0) {
      publish(
          new Expired(Expired.By.LAZILY, expired, List.copyOf(keys), since(started), committed));
    }
  }

  /** A reserve, purchase or amend of these lines threw. */
  public void failed(
      Operation operation,
      String reservationId,
      List<Line> lines,
      RuntimeException failure,
      long started) {
    if (listener != null) {
      fail(operation, reservationId, lines.stream().map(Line::key).toList(), failure, started);
    }
  }

  /** A call that names only a reservation id (confirm, release, extend) threw. */
  public void failed(
      Operation operation, String reservationId, RuntimeException failure, long started) {
    if (listener != null) {
      fail(operation, reservationId, List.of(), failure, started);
    }
  }

  /** A stock call on one key threw. */
  public void failed(Operation operation, StockKey key, RuntimeException failure, long started) {
    if (listener != null) {
      fail(operation, null, List.of(key), failure, started);
    }
  }

  /** A call on no key in particular ({@code expireDue}, a bulk call) threw. */
  public void failed(Operation operation, RuntimeException failure, long started) {
    if (listener != null) {
      fail(operation, null, List.of(), failure, started);
    }
  }

  /** {@link Refused}, {@link OutcomeUnknown} or {@link Failed}, as the exception says. */
  private void fail(
      Operation operation,
      @Nullable String reservationId,
      List<StockKey> keys,
      RuntimeException failure,
      long started) {
    Duration took = since(started);
    if (failure instanceof InsufficientStockException shortage) {
      publish(new Refused(operation, reservationId, shortage.shortages(), took));
    } else if (failure instanceof InventoryUnavailableException unavailable
        && unavailable.isOutcomeUnknown()) {
      publish(new OutcomeUnknown(operation, reservationId, keys, unavailable, took));
    } else {
      publish(new Failed(operation, reservationId, Outcome.of(failure), failure, took));
    }
  }

  // ---------------------------------------------------------------- inside calls

  public void retried(Retried.Reason reason, int attempt, @Nullable String sqlState) {
    if (listener != null) {
      publish(new Retried(reason, attempt, sqlState));
    }
  }

  /** A combined batch went; {@code queuedSince}: when its oldest request was queued (nanoTime). */
  public void batchSent(Operation operation, int size, int keys, long queuedSince) {
    if (listener != null) {
      publish(new BatchSent(operation, size, keys, since(queuedSince)));
    }
  }

  // ---------------------------------------------------------------- delivery

  private static Duration since(long started) {
    return Duration.ofNanos(Math.max(0, System.nanoTime() - started));
  }

  /** Queues an event for the listener; drops and counts it if the queue is full. */
  void publish(InventoryEvent event) {
    LinkedBlockingQueue<InventoryEvent> q = queue;
    if (q == null) {
      return;
    }
    if (!q.offer(event)) {
      dropped.incrementAndGet();
      return;
    }
    if (!delivering.get() && delivering.compareAndSet(false, true)) {
      startDelivery();
    }
  }

  private void startDelivery() {
    try {
      Thread thread = new Thread(this::deliver, InventoryListener.THREAD_NAME);
      thread.setDaemon(true);
      thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      // No thread to be had: the events wait for the next call to try again; the call goes on.
      delivering.set(false);
    }
  }

  /** The delivery thread: delivers until the queue has stayed empty for a while. */
  private void deliver() {
    LinkedBlockingQueue<InventoryEvent> q = queue;
    try {
      while (true) {
        InventoryEvent event;
        try {
          event = q.poll(idleNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          event = null; // treated as idle: end, and let the next event start a thread
        }
        if (event == null) {
          delivering.set(false);
          // An event queued after the poll gave up, but before the flag fell, found the flag
          // up and started nobody: take it on, unless a new thread already has.
          if (q.isEmpty() || !delivering.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        tell(event);
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
          tell(new EventsDropped(lost));
        }
      }
    } catch (VirtualMachineError e) {
      delivering.set(false);
      throw e;
    }
  }

  private void tell(InventoryEvent event) {
    try {
      listener.onEvent(event);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      long failures = listenerFailures.incrementAndGet();
      long now = System.nanoTime();
      if (failuresLogged == 0 || now - lastLogged >= LOG_EVERY_NANOS) {
        LOG.log(
            Level.WARNING,
            "inventory: the event listener "
                + listener
                + " threw on "
                + event.getClass().getSimpleName()
                + " ("
                + (failures - failuresLogged)
                + " failure(s) since the last message); the calls go on, the events are lost",
            e);
        failuresLogged = failures;
        lastLogged = now;
      }
    }
  }
}
