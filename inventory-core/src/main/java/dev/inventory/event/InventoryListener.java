package dev.inventory.event;

import dev.inventory.event.InventoryEvent.Amended;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.BulkApplied;
import dev.inventory.event.InventoryEvent.Confirmed;
import dev.inventory.event.InventoryEvent.EventsDropped;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryEvent.Extended;
import dev.inventory.event.InventoryEvent.Failed;
import dev.inventory.event.InventoryEvent.OutcomeUnknown;
import dev.inventory.event.InventoryEvent.Purchased;
import dev.inventory.event.InventoryEvent.Refused;
import dev.inventory.event.InventoryEvent.Released;
import dev.inventory.event.InventoryEvent.Reserved;
import dev.inventory.event.InventoryEvent.Retried;
import dev.inventory.event.InventoryEvent.StockAdjusted;
import dev.inventory.event.InventoryEvent.StockReceived;
import dev.inventory.event.InventoryEvent.StockSet;
import java.util.List;
import java.util.Objects;

/**
 * Told what an inventory did, for metrics, logs and traces. Give it to the builder ({@code
 * JdbcInventory.builder(dataSource).listener(listener)}, {@code
 * InMemoryInventory.builder().listener(listener)}); {@code inventory-micrometer}'s {@code
 * InventoryMetrics} is one.
 *
 * <p>Every event comes to {@link #onEvent}, which by default hands it to the method for its type;
 * override either. All methods do nothing by default.
 *
 * <p><b>Delivery.</b> A call puts its event on a bounded queue once its outcome is known (after its
 * commit, never inside its transaction) and goes on; one daemon thread of the inventory's own
 * ({@value #THREAD_NAME}, started with the first event and ended after a minute without one)
 * delivers the events one at a time, in the order they were queued. So:
 *
 * <ul>
 *   <li>a listener that is slow holds up no call: at most {@value #QUEUE_CAPACITY} events wait, and
 *       an event that finds the queue full is dropped and counted; an {@link EventsDropped} with
 *       the count is told when the queue has room again;
 *   <li>a listener that throws fails no call: the exception is logged ({@code System.Logger} {@code
 *       dev.inventory.event}, {@code WARNING}, at most once a minute) and the next event is
 *       delivered as usual;
 *   <li>events are told at most once, and possibly late: by the time a listener hears of a hold, it
 *       may be confirmed already. Events of one thread's calls come in the order of the calls.
 * </ul>
 *
 * <p>With no listener, the inventory makes no event, starts no thread and allocates nothing for
 * events. With one, each call costs the event's allocation and a queue offer (see the README's
 * "Metrics" section for figures).
 *
 * <p>Implementations are called from the delivery thread only, never concurrently by one inventory;
 * a listener shared by several inventories must be thread-safe.
 *
 * @since 0.1.0
 */
public interface InventoryListener {
  /** The most events that wait for the listener; past it they are dropped and counted. */
  int QUEUE_CAPACITY = 10_000;

  /** The name of the thread that delivers the events. */
  String THREAD_NAME = "inventory-events";

  /**
   * Every event comes here first; by default it goes on to the method for its type.
   *
   * @param event what happened
   */
  default void onEvent(InventoryEvent event) {
    if (event instanceof Reserved e) {
      onReserved(e);
    } else if (event instanceof Purchased e) {
      onPurchased(e);
    } else if (event instanceof Confirmed e) {
      onConfirmed(e);
    } else if (event instanceof Released e) {
      onReleased(e);
    } else if (event instanceof Extended e) {
      onExtended(e);
    } else if (event instanceof Amended e) {
      onAmended(e);
    } else if (event instanceof StockReceived e) {
      onStockReceived(e);
    } else if (event instanceof StockAdjusted e) {
      onStockAdjusted(e);
    } else if (event instanceof StockSet e) {
      onStockSet(e);
    } else if (event instanceof BulkApplied e) {
      onBulkApplied(e);
    } else if (event instanceof Refused e) {
      onRefused(e);
    } else if (event instanceof Failed e) {
      onFailed(e);
    } else if (event instanceof OutcomeUnknown e) {
      onOutcomeUnknown(e);
    } else if (event instanceof Expired e) {
      onExpired(e);
    } else if (event instanceof Retried e) {
      onRetried(e);
    } else if (event instanceof BatchSent e) {
      onBatchSent(e);
    } else if (event instanceof EventsDropped e) {
      onEventsDropped(e);
    }
  }

  /**
   * A reservation was made (or replayed).
   *
   * @param event the event
   */
  default void onReserved(Reserved event) {}

  /**
   * A purchase was made (or replayed).
   *
   * @param event the event
   */
  default void onPurchased(Purchased event) {}

  /**
   * A reservation was confirmed.
   *
   * @param event the event
   */
  default void onConfirmed(Confirmed event) {}

  /**
   * A reservation was released.
   *
   * @param event the event
   */
  default void onReleased(Released event) {}

  /**
   * A hold was extended.
   *
   * @param event the event
   */
  default void onExtended(Extended event) {}

  /**
   * A hold's lines were changed.
   *
   * @param event the event
   */
  default void onAmended(Amended event) {}

  /**
   * Stock was received.
   *
   * @param event the event
   */
  default void onStockReceived(StockReceived event) {}

  /**
   * Stock was adjusted.
   *
   * @param event the event
   */
  default void onStockAdjusted(StockAdjusted event) {}

  /**
   * Stock was counted.
   *
   * @param event the event
   */
  default void onStockSet(StockSet event) {}

  /**
   * A bulk call of the ledger returned.
   *
   * @param event the event
   */
  default void onBulkApplied(BulkApplied event) {}

  /**
   * A call was refused for want of stock.
   *
   * @param event the event
   */
  default void onRefused(Refused event) {}

  /**
   * A call failed (other than for want of stock or with an unknown outcome).
   *
   * @param event the event
   */
  default void onFailed(Failed event) {}

  /**
   * A call's commit may or may not have been written.
   *
   * @param event the event
   */
  default void onOutcomeUnknown(OutcomeUnknown event) {}

  /**
   * Due holds were expired, by a sweep or lazily.
   *
   * @param event the event
   */
  default void onExpired(Expired event) {}

  /**
   * An attempt is being retried.
   *
   * @param event the event
   */
  default void onRetried(Retried event) {}

  /**
   * Flash-sale mode sent a combined batch.
   *
   * @param event the event
   */
  default void onBatchSent(BatchSent event) {}

  /**
   * Events were dropped because the queue was full.
   *
   * @param event the event
   */
  default void onEventsDropped(EventsDropped event) {}

  /**
   * One listener that tells each of these, in this order, every event. One that throws does not
   * keep the event from the others.
   *
   * @param listeners the listeners, none null
   * @return a listener that tells them all
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  static InventoryListener composite(List<? extends InventoryListener> listeners) {
    List<InventoryListener> all = List.copyOf(listeners);
    if (all.size() == 1) {
      return all.get(0);
    }
    return new InventoryListener() {
      @Override
      public void onEvent(InventoryEvent event) {
        RuntimeException first = null;
        for (InventoryListener listener : all) {
          try {
            listener.onEvent(event);
          } catch (RuntimeException e) {
            if (first == null) {
              first = e;
            } else {
              first.addSuppressed(e);
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }

      @Override
      public String toString() {
        return "InventoryListener.composite" + all;
      }
    };
  }

  /**
   * The same as {@link #composite(List)}.
   *
   * @param listeners the listeners, none null
   * @return a listener that tells them all
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  static InventoryListener composite(InventoryListener... listeners) {
    Objects.requireNonNull(listeners, "listeners must not be null");
    return composite(List.of(listeners));
  }
}
