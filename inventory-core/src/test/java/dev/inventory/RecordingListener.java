package dev.inventory;

import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records the events it is told, for tests. Events arrive on the delivery thread, so tests wait for
 * the one they expect last ({@link #awaitUntil}): delivery is in order, so every event queued
 * before it has arrived by then.
 */
public final class RecordingListener implements InventoryListener {
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final List<InventoryEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(InventoryEvent event) {
    events.add(event);
    notifyAll();
  }

  /** Every event so far. */
  public synchronized List<InventoryEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Waits until an event matching {@code last} has arrived; returns every event so far that matches
   * {@code relevant}, in the order told.
   */
  public synchronized List<InventoryEvent> awaitUntil(
      Predicate<InventoryEvent> relevant, Predicate<InventoryEvent> last) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (events.stream().noneMatch(last)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "the expected event did not arrive within " + PATIENCE + "; told so far: " + events);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    return events.stream().filter(relevant).toList();
  }
}
