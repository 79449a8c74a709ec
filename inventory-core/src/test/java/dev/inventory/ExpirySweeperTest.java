package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The sweeper against a scripted {@link Inventory}: no database, no sleeps. Each test waits on
 * latches for the runs it needs, and uses a period of an hour where a second scheduled run would
 * make the outcome depend on timing.
 */
@DisplayName("ExpirySweeper")
class ExpirySweeperTest {
  private static final Duration NEVER_AGAIN = Duration.ofHours(1);
  private static final long WAIT_SECONDS = 10;

  /** Held strongly: JUL keeps loggers only weakly. */
  private static final Logger JUL = Logger.getLogger(ExpirySweeper.class.getName());

  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logged) {
            logged.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLog() {
    JUL.setUseParentHandlers(false);
    JUL.setLevel(Level.ALL);
    JUL.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    JUL.removeHandler(capture);
    JUL.setUseParentHandlers(true);
    JUL.setLevel(null);
  }

  @Nested
  @DisplayName("a run")
  class ARun {
    @Test
    @DisplayName("calls expireDue again while it returns a full batch, and stops at a short one")
    void drainsTheBacklog() {
      ScriptedInventory inventory = new ScriptedInventory(call -> List.of(5, 5, 2).get(call - 1));
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory).batchLimit(5).initialDelay(NEVER_AGAIN).start()) {
        assertThat(sweeper.sweepNow()).isEqualTo(12);
        assertThat(inventory.calls()).isEqualTo(3);
        assertThat(inventory.limits).containsOnly(5);
        assertThat(sweeper.expiredCount()).isEqualTo(12);
        assertThat(sweeper.runCount()).isEqualTo(1);
      }
    }

    @Test
    @DisplayName("logs how many holds it expired")
    void logsWhatItExpired() {
      ScriptedInventory inventory = new ScriptedInventory(call -> call == 1 ? 3 : 0);
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory).batchLimit(10).initialDelay(NEVER_AGAIN).start()) {
        sweeper.sweepNow();
      }
      assertThat(messages(Level.INFO))
          .singleElement(STRING)
          .contains("expired 3 due reservation(s)");
    }

    @Test
    @DisplayName("that expires nothing logs nothing at INFO")
    void quietWhenNothingIsDue() {
      ScriptedInventory inventory = new ScriptedInventory(call -> 0);
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory).initialDelay(NEVER_AGAIN).start()) {
        assertThat(sweeper.sweepNow()).isZero();
      }
      assertThat(messages(Level.INFO)).isEmpty();
    }

    @Test
    @DisplayName("runs on a daemon thread with the configured name")
    void runsOnANamedDaemonThread() {
      AtomicReference<Thread> thread = new AtomicReference<>();
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                thread.set(Thread.currentThread());
                return 0;
              });
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory)
              .threadName("shop-expiry")
              .initialDelay(NEVER_AGAIN)
              .start()) {
        sweeper.sweepNow();
      }
      assertThat(thread.get().getName()).isEqualTo("shop-expiry");
      assertThat(thread.get().isDaemon()).isTrue();
    }

    @Test
    @DisplayName("runs on the host's executor when given one, which close() leaves running")
    void runsOnTheHostsExecutor() throws Exception {
      AtomicReference<Thread> thread = new AtomicReference<>();
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                thread.set(Thread.currentThread());
                return 0;
              });
      ScheduledExecutorService host =
          Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "host-scheduler"));
      try {
        ExpirySweeper sweeper =
            ExpirySweeper.builder(inventory).executor(host).initialDelay(NEVER_AGAIN).start();
        assertThat(sweeper.sweepNow()).isZero();
        sweeper.close();

        assertThat(thread.get().getName()).isEqualTo("host-scheduler");
        assertThat(host.isShutdown()).isFalse();
        assertThat(host.submit(() -> "still runs").get(WAIT_SECONDS, TimeUnit.SECONDS))
            .isEqualTo("still runs");
        assertThatThrownBy(sweeper::sweepNow).isInstanceOf(IllegalStateException.class);
      } finally {
        host.shutdownNow();
      }
    }

    @Test
    @DisplayName("that gets more than its limit back treats it as a failure")
    void refusesAnImpossibleCount() {
      ScriptedInventory inventory = new ScriptedInventory(call -> 11);
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory).batchLimit(10).initialDelay(NEVER_AGAIN).start()) {
        assertThatThrownBy(sweeper::sweepNow)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("expireDue(10) returned 11, which is not between 0 and the limit");
        assertThat(sweeper.failedRunCount()).isEqualTo(1);
      }
    }
  }

  @Nested
  @DisplayName("the schedule")
  class TheSchedule {
    @Test
    @DisplayName("runs again every period")
    void repeats() throws InterruptedException {
      CountDownLatch threeRuns = new CountDownLatch(3);
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                threeRuns.countDown();
                return 0;
              });
      try (ExpirySweeper sweeper = ExpirySweeper.start(inventory, Duration.ofMillis(1), 10)) {
        assertThat(threeRuns.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(sweeper.runCount()).isGreaterThanOrEqualTo(2);
      }
    }

    @Test
    @DisplayName("survives runs that fail, logging each failure, and runs again")
    void survivesFailures() throws InterruptedException {
      CountDownLatch thirdCall = new CountDownLatch(1);
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                if (call == 1) {
                  throw new InventoryUnavailableException("database is down", null);
                }
                if (call == 2) {
                  throw new AssertionError("a bug in the inventory");
                }
                thirdCall.countDown();
                return 0;
              });
      ExpirySweeper sweeper = ExpirySweeper.start(inventory, Duration.ofMillis(1), 10);
      try {
        assertThat(thirdCall.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      } finally {
        sweeper.close();
      }
      assertThat(sweeper.failedRunCount()).isEqualTo(2);
      assertThat(sweeper.runCount()).isGreaterThanOrEqualTo(3);
      assertThat(messages(Level.WARNING))
          .hasSize(2)
          .anySatisfy(m -> assertThat(m).contains("database is down"))
          .anySatisfy(m -> assertThat(m).contains("a bug in the inventory"));
    }

    @Test
    @DisplayName("goes on after sweepNow failed, and sweepNow rethrows the failure")
    void sweepNowRethrows() {
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                if (call == 1) {
                  throw new InventoryUnavailableException("timed out", null);
                }
                return 4;
              });
      try (ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory).initialDelay(NEVER_AGAIN).start()) {
        assertThatThrownBy(sweeper::sweepNow)
            .isInstanceOf(InventoryUnavailableException.class)
            .hasMessage("timed out");
        assertThat(sweeper.sweepNow()).isEqualTo(4);
        assertThat(sweeper.failedRunCount()).isEqualTo(1);
        assertThat(sweeper.runCount()).isEqualTo(2);
      }
    }
  }

  @Nested
  @DisplayName("close()")
  class Close {
    @Test
    @DisplayName("waits for the running sweep, which starts no further batch")
    void waitsForTheRunningSweep() throws InterruptedException {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean finished = new AtomicBoolean();
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                entered.countDown();
                awaitUninterruptibly(release);
                finished.set(true);
                return 10; // a full batch: without close, the run would call again
              });
      ExpirySweeper sweeper = ExpirySweeper.start(inventory, NEVER_AGAIN, 10);
      assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

      AtomicBoolean finishedWhenCloseReturned = new AtomicBoolean();
      Thread closer =
          new Thread(
              () -> {
                sweeper.close();
                finishedWhenCloseReturned.set(finished.get());
              });
      closer.start();
      awaitState(closer, Thread.State.TIMED_WAITING);
      assertThat(closer.isAlive()).as("close() returned during a sweep").isTrue();

      release.countDown();
      closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertThat(closer.isAlive()).isFalse();
      assertThat(finishedWhenCloseReturned).isTrue();
      assertThat(inventory.calls()).isEqualTo(1);
      assertThat(sweeper.isClosed()).isTrue();
    }

    @Test
    @DisplayName("interrupts a sweep that outlasts the close timeout")
    void interruptsAStuckSweep() throws InterruptedException {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch interrupted = new CountDownLatch(1);
      ScriptedInventory inventory =
          new ScriptedInventory(
              call -> {
                entered.countDown();
                try {
                  new CountDownLatch(1).await(); // a call that never answers
                } catch (InterruptedException e) {
                  interrupted.countDown();
                  throw new InventoryUnavailableException("interrupted", e);
                }
                return 0;
              });
      ExpirySweeper sweeper =
          ExpirySweeper.builder(inventory)
              .period(NEVER_AGAIN)
              .closeTimeout(Duration.ofMillis(10))
              .start();
      assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      sweeper.close();
      assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(messages(Level.WARNING))
          .anySatisfy(m -> assertThat(m).contains("interrupting it"));
    }

    @Test
    @DisplayName("is idempotent, and a closed sweeper refuses sweepNow")
    void idempotent() {
      ScriptedInventory inventory = new ScriptedInventory(call -> 0);
      ExpirySweeper sweeper = ExpirySweeper.builder(inventory).initialDelay(NEVER_AGAIN).start();
      sweeper.close();
      sweeper.close();
      assertThat(sweeper.isClosed()).isTrue();
      assertThatThrownBy(sweeper::sweepNow)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the expiry sweeper is closed");
      assertThat(inventory.calls()).isZero();
    }
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {
    private final Inventory inventory = new ScriptedInventory(call -> 0);

    @Test
    @DisplayName("refuses a null inventory")
    void nullInventory() {
      assertThatThrownBy(() -> ExpirySweeper.builder(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("inventory must not be null");
    }

    @Test
    @DisplayName("refuses a period under 1 ms, naming the value")
    void period() {
      assertThatThrownBy(() -> ExpirySweeper.start(inventory, Duration.ZERO, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("period must be at least 1 ms, but was PT0S");
      assertThatThrownBy(() -> ExpirySweeper.start(inventory, Duration.ofSeconds(-5), 10))
          .hasMessage("period must be at least 1 ms, but was PT-5S");
      assertThatThrownBy(() -> ExpirySweeper.start(inventory, null, 10))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("period must not be null");
    }

    @Test
    @DisplayName("refuses a batch limit under 1, naming the value")
    void batchLimit() {
      assertThatThrownBy(() -> ExpirySweeper.start(inventory, Duration.ofSeconds(1), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("batchLimit must be at least 1, but was 0");
    }

    @Test
    @DisplayName("refuses a negative initial delay or close timeout and a blank thread name")
    void otherOptions() {
      ExpirySweeper.Builder builder = ExpirySweeper.builder(inventory);
      assertThatThrownBy(() -> builder.initialDelay(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("initialDelay must not be negative, but was PT-0.001S");
      assertThatThrownBy(() -> builder.closeTimeout(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("closeTimeout must not be negative, but was PT-1S");
      assertThatThrownBy(() -> builder.threadName(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("threadName must not be blank");
    }
  }

  private List<String> messages(Level level) {
    SimpleFormatter formatter = new SimpleFormatter();
    synchronized (logged) {
      return logged.stream()
          .filter(r -> r.getLevel().equals(level))
          .map(formatter::formatMessage)
          .toList();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Spins (no sleep) until the thread is parked in the given state. */
  private static void awaitState(Thread thread, Thread.State state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (thread.getState() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(thread.getName() + " never reached " + state);
      }
      Thread.onSpinWait();
    }
  }

  /** What a scripted expireDue does on its n-th call (1-based). */
  @FunctionalInterface
  interface Script {
    int expireDue(int call);
  }

  /** An Inventory whose only working method is expireDue, following a script. */
  static final class ScriptedInventory implements Inventory {
    private final Script script;
    private final AtomicInteger calls = new AtomicInteger();
    final List<Integer> limits = new CopyOnWriteArrayList<>();

    ScriptedInventory(Script script) {
      this.script = script;
    }

    int calls() {
      return calls.get();
    }

    @Override
    public int expireDue(int limit) {
      limits.add(limit);
      return script.expireDue(calls.incrementAndGet());
    }

    @Override
    public Reservation reserve(ReservationRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reservation amend(String reservationId, List<Line> lines) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reservation extend(String reservationId, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reservation confirm(String reservationId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reservation release(String reservationId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Reservation purchase(ReservationRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Reservation> findReservation(String reservationId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ReservationPage findReservations(String buyer, int pageSize, String cursor) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StockLevel receive(StockKey key, long quantity, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StockLevel adjust(StockKey key, long delta, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public StockLevel setOnHand(StockKey key, long onHand, String reason) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
      throw new UnsupportedOperationException();
    }
  }
}
