package dev.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.RecordingListener;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.EventsDropped;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryListener;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("events: delivered off the caller's thread through a bounded queue")
class EventsTest {

  @Test
  @DisplayName("without a listener nothing is made: start() reads no clock")
  void offIsFree() {
    assertThat(Events.NONE.on()).isFalse();
    assertThat(Events.NONE.start()).isZero();
    Events.NONE.swept(3, 0, true); // no listener: nothing queued, no thread
    assertThat(Events.of(null)).isSameAs(Events.NONE);
  }

  @Test
  @Timeout(30)
  @DisplayName("a full queue drops events, counts them, and tells EventsDropped once it has room")
  void overflowIsDroppedAndCounted() throws InterruptedException {
    CountDownLatch unblock = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    RecordingListener after = new RecordingListener();
    InventoryListener slow =
        new InventoryListener() {
          @Override
          public void onEvent(InventoryEvent event) {
            blocked.countDown();
            try {
              unblock.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            after.onEvent(event);
          }
        };
    Events events = new Events(slow, 5, TimeUnit.SECONDS.toNanos(10));

    events.swept(0, events.start(), true); // taken by the delivery thread, which then blocks
    blocked.await();
    for (int i = 1; i <= 8; i++) {
      events.swept(i, events.start(), true); // 5 fit in the queue, 3 are dropped
    }
    assertThat(events.droppedCount()).isEqualTo(3);
    unblock.countDown();

    List<InventoryEvent> told =
        after.awaitUntil(e -> true, e -> e instanceof Expired x && x.reservations() == 5);
    assertThat(told)
        .filteredOn(Expired.class::isInstance)
        .extracting(e -> ((Expired) e).reservations())
        .containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(after.awaitUntil(e -> e instanceof EventsDropped, e -> e instanceof EventsDropped))
        .containsExactly(new EventsDropped(3));
  }

  @Test
  @Timeout(30)
  @DisplayName("the delivery thread ends when idle, and a later event starts another")
  void deliveryThreadEndsWhenIdle() throws InterruptedException {
    RecordingListener recorder = new RecordingListener();
    Events events = new Events(recorder, 100, TimeUnit.MILLISECONDS.toNanos(50));

    events.swept(1, events.start(), true);
    recorder.awaitUntil(e -> true, e -> e instanceof Expired x && x.reservations() == 1);
    while (events.delivering()) {
      Thread.sleep(10);
    }
    events.swept(2, events.start(), true);

    assertThat(recorder.awaitUntil(e -> true, e -> e instanceof Expired x && x.reservations() == 2))
        .hasSize(2);
  }

  @Test
  @DisplayName("a listener that throws loses that event only")
  void throwingListenerLosesOneEvent() {
    RecordingListener recorder = new RecordingListener();
    InventoryListener flaky =
        new InventoryListener() {
          @Override
          public void onExpired(Expired event) {
            if (event.reservations() == 1) {
              throw new IllegalStateException("listener bug");
            }
            recorder.onEvent(event);
          }
        };
    Events events = Events.of(flaky);

    events.swept(1, events.start(), true);
    events.swept(2, events.start(), true);

    assertThat(recorder.awaitUntil(e -> true, e -> e instanceof Expired x && x.reservations() == 2))
        .hasSize(1);
  }
}
