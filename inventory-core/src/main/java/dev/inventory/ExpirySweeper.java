package dev.inventory;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Expires abandoned holds in the background: every {@code period} it calls {@link
 * Inventory#expireDue(int)} until a call returns less than a full batch, so a backlog is drained in
 * one run.
 *
 * <p>A host application starts one when it starts and closes it when it stops:
 *
 * <pre>{@code
 * ExpirySweeper sweeper = ExpirySweeper.start(inventory, Duration.ofSeconds(10), 100);
 * ...
 * sweeper.close(); // on shutdown: stops the schedule, waits for a running sweep
 * }</pre>
 *
 * <p>Reads and reserves never need a sweeper to be correct: a due hold already counts as available
 * and a short reserve expires due holds on its keys. The sweeper keeps the tables tidy and writes
 * the {@code EXPIRE} entries of the log close to when holds ran out.
 *
 * <ul>
 *   <li><b>Several instances:</b> safe. Run one per application instance; {@code expireDue} claims
 *       each due hold for exactly one caller (in PostgreSQL with {@code FOR UPDATE SKIP LOCKED}).
 *   <li><b>Failures:</b> every exception of a run is caught and logged at {@code WARNING}; the next
 *       run comes at the next period as usual. Only a {@link VirtualMachineError} (out of memory)
 *       ends the schedule.
 *   <li><b>Logging:</b> through {@link System.Logger} named {@code dev.inventory.ExpirySweeper}:
 *       how many holds a run expired at {@code INFO} (runs that expire nothing at {@code DEBUG}),
 *       failures at {@code WARNING}.
 *   <li><b>Thread:</b> one daemon thread of its own, named by {@link Builder#threadName}, or the
 *       host's {@link Builder#executor executor}; runs never overlap, and the period is the delay
 *       from the end of one run to the start of the next.
 * </ul>
 *
 * <p>Thread-safe: {@link #close()} and the counters may be called from any thread.
 *
 * @since 0.1.0
 */
public final class ExpirySweeper implements AutoCloseable {
  /** The period unless {@link Builder#period} says otherwise: 10 seconds. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);

  /** The batch limit unless {@link Builder#batchLimit} says otherwise: 100 reservations. */
  public static final int DEFAULT_BATCH_LIMIT = 100;

  /** The thread name unless {@link Builder#threadName} says otherwise. */
  public static final String DEFAULT_THREAD_NAME = "inventory-expiry-sweeper";

  /** How long {@link #close()} waits for a running sweep, unless {@link Builder#closeTimeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final System.Logger LOG = System.getLogger(ExpirySweeper.class.getName());

  private final Inventory inventory;
  private final int batchLimit;
  private final Duration closeTimeout;
  private final ScheduledExecutorService executor;

  /** Whether the executor is the sweeper's own (shut down on close) or the host's (left alone). */
  private final boolean ownsExecutor;

  /** Held while a sweep runs: runs never overlap, and close() waits for one in progress. */
  private final ReentrantLock sweeping = new ReentrantLock();

  private volatile @Nullable ScheduledFuture<?> schedule;
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong failedRuns = new AtomicLong();
  private volatile boolean closed;

  private ExpirySweeper(Builder builder) {
    this.inventory = builder.inventory;
    this.batchLimit = builder.batchLimit;
    this.closeTimeout = builder.closeTimeout;
    String threadName = builder.threadName;
    this.ownsExecutor = builder.executor == null;
    this.executor =
        builder.executor != null
            ? builder.executor
            : Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, threadName);
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /**
   * Starts a sweeper with the default initial delay (none), thread name and close timeout.
   *
   * @param inventory the inventory whose due holds to expire
   * @param period the pause between the end of one run and the start of the next, at least 1 ms
   * @param batchLimit the {@code limit} of each {@link Inventory#expireDue(int)} call, at least 1
   * @return the running sweeper; close it to stop it
   * @throws NullPointerException if {@code inventory} or {@code period} is null
   * @throws IllegalArgumentException if {@code period} or {@code batchLimit} is out of bounds
   */
  public static ExpirySweeper start(Inventory inventory, Duration period, int batchLimit) {
    return builder(inventory).period(period).batchLimit(batchLimit).start();
  }

  /**
   * Configures a sweeper for this inventory; {@link Builder#start()} starts it.
   *
   * @param inventory the inventory whose due holds to expire
   * @return a builder with the defaults
   * @throws NullPointerException if {@code inventory} is null
   */
  public static Builder builder(Inventory inventory) {
    return new Builder(inventory);
  }

  /**
   * Runs one sweep now, on the sweeper's thread or executor (after a run in progress, never
   * alongside it), and waits for it: for tests, and for hosts that want a sweep on demand.
   *
   * @return how many holds this sweep expired
   * @throws IllegalStateException if the sweeper is closed
   * @throws InventoryException or any other exception the sweep's {@code expireDue} threw (the
   *     sweep is counted as failed, and the schedule goes on)
   */
  public int sweepNow() {
    if (closed) {
      throw new IllegalStateException("the expiry sweeper is closed");
    }
    CompletableFuture<Integer> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(sweep());
            } catch (RuntimeException | Error e) {
              failedRuns.incrementAndGet();
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the expiry sweeper is closed", e);
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a sweep", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) cause;
    }
  }

  /**
   * How many holds this sweeper has expired since it started.
   *
   * @return the sum of what its {@code expireDue} calls returned
   */
  public long expiredCount() {
    return expired.get();
  }

  /**
   * How many runs have finished.
   *
   * @return the scheduled runs and {@link #sweepNow()} calls that ended, failed ones included
   */
  public long runCount() {
    return runs.get();
  }

  /**
   * How many runs ended in an exception.
   *
   * @return the failed runs so far, at most {@link #runCount()}
   */
  public long failedRunCount() {
    return failedRuns.get();
  }

  /**
   * Whether {@link #close()} has been called.
   *
   * @return {@code true} once {@code close()} has begun
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the schedule and waits for a running sweep to finish the batch it is in (it starts no
   * further batch). If that takes longer than the close timeout, the sweep's thread is interrupted
   * and a warning logged. A host's {@link Builder#executor executor} is left running: only the
   * sweeper's task is cancelled. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!ownsExecutor) {
      closeOnHostExecutor();
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.log(
            Level.WARNING, "expiry sweep still running after {0}; interrupting it", closeTimeout);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void closeOnHostExecutor() {
    ScheduledFuture<?> scheduled = schedule;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    try {
      if (sweeping.tryLock(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        sweeping.unlock();
      } else {
        LOG.log(
            Level.WARNING, "expiry sweep still running after {0}; interrupting it", closeTimeout);
        if (scheduled != null) {
          scheduled.cancel(true);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One scheduled run: never lets an exception escape, which would end the schedule. */
  private void sweepSafely() {
    try {
      sweep();
    } catch (VirtualMachineError e) {
      failedRuns.incrementAndGet();
      LOG.log(Level.ERROR, "expiry sweeper stopped by " + e, e);
      throw e;
    } catch (RuntimeException | Error e) {
      failedRuns.incrementAndGet();
      LOG.log(Level.WARNING, "expiry sweep failed; trying again at the next period: " + e, e);
    }
  }

  /** Expires full batches until one comes back short (or the sweeper is closed). */
  private int sweep() {
    sweeping.lock();
    try {
      return sweepLocked();
    } finally {
      sweeping.unlock();
    }
  }

  private int sweepLocked() {
    long started = System.nanoTime();
    int total = 0;
    int batches = 0;
    try {
      int expiredNow;
      do {
        expiredNow = inventory.expireDue(batchLimit);
        if (expiredNow < 0 || expiredNow > batchLimit) {
          throw new IllegalStateException(
              "expireDue("
                  + batchLimit
                  + ") returned "
                  + expiredNow
                  + ", which is not between 0 and the limit");
        }
        batches++;
        total += expiredNow;
        expired.addAndGet(expiredNow);
      } while (expiredNow == batchLimit && !closed && !Thread.currentThread().isInterrupted());
    } finally {
      runs.incrementAndGet();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (total > 0) {
      LOG.log(
          Level.INFO,
          "expired {0} due reservation(s) in {1} batch(es) of up to {2}, {3} ms",
          total,
          batches,
          batchLimit,
          millis);
    } else {
      LOG.log(Level.DEBUG, "no due reservations ({0} ms)", millis);
    }
    return total;
  }

  /**
   * Configures an {@link ExpirySweeper}. Not thread-safe; every setter checks its argument.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Inventory inventory;
    private Duration period = DEFAULT_PERIOD;
    private Duration initialDelay = Duration.ZERO;
    private int batchLimit = DEFAULT_BATCH_LIMIT;
    private String threadName = DEFAULT_THREAD_NAME;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private @Nullable ScheduledExecutorService executor;

    private Builder(Inventory inventory) {
      this.inventory = Objects.requireNonNull(inventory, "inventory must not be null");
    }

    /**
     * The pause between the end of one run and the start of the next. Default 10 seconds; at least
     * 1 millisecond.
     *
     * @param period the pause between runs
     * @return this builder
     * @throws NullPointerException if {@code period} is null
     * @throws IllegalArgumentException if it is below 1 millisecond
     */
    public Builder period(Duration period) {
      Objects.requireNonNull(period, "period must not be null");
      if (period.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("period must be at least 1 ms, but was " + period);
      }
      this.period = period;
      return this;
    }

    /**
     * The wait before the first run. Default zero (a backlog is swept at once); not negative.
     *
     * @param initialDelay the wait after {@link #start()}
     * @return this builder
     * @throws NullPointerException if {@code initialDelay} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder initialDelay(Duration initialDelay) {
      Objects.requireNonNull(initialDelay, "initialDelay must not be null");
      if (initialDelay.isNegative()) {
        throw new IllegalArgumentException(
            "initialDelay must not be negative, but was " + initialDelay);
      }
      this.initialDelay = initialDelay;
      return this;
    }

    /**
     * The {@code limit} of each {@link Inventory#expireDue(int)} call (one transaction). Default
     * 100; at least 1. A run repeats the call while it returns a full batch.
     *
     * @param batchLimit the most reservations one call expires
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder batchLimit(int batchLimit) {
      if (batchLimit < 1) {
        throw new IllegalArgumentException("batchLimit must be at least 1, but was " + batchLimit);
      }
      this.batchLimit = batchLimit;
      return this;
    }

    /**
     * The name of the sweeper's daemon thread. Default {@value ExpirySweeper#DEFAULT_THREAD_NAME}.
     *
     * @param threadName the thread's name
     * @return this builder
     * @throws NullPointerException if {@code threadName} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder threadName(String threadName) {
      Objects.requireNonNull(threadName, "threadName must not be null");
      if (threadName.isBlank()) {
        throw new IllegalArgumentException("threadName must not be blank");
      }
      this.threadName = threadName;
      return this;
    }

    /**
     * How long {@link ExpirySweeper#close()} waits for a running sweep before interrupting it.
     * Default 30 seconds; not negative.
     *
     * @param closeTimeout the longest wait of {@code close()} for a running sweep
     * @return this builder
     * @throws NullPointerException if {@code closeTimeout} is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder closeTimeout(Duration closeTimeout) {
      Objects.requireNonNull(closeTimeout, "closeTimeout must not be null");
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "closeTimeout must not be negative, but was " + closeTimeout);
      }
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Runs the sweeps on the host's executor instead of a thread of the sweeper's own (a
     * framework's scheduler, say). The sweeper schedules one task on it and cancels that task on
     * {@link ExpirySweeper#close()}; it never shuts the executor down. {@link #threadName} then
     * does not apply. Default: a daemon thread of the sweeper's own.
     *
     * @param executor the executor to schedule the sweeps on
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * Starts the sweeper: its thread starts now (or its task is scheduled on the host's executor),
     * its first run comes after the initial delay.
     *
     * @return the running sweeper; {@link ExpirySweeper#close() close} it to stop it
     */
    public ExpirySweeper start() {
      ExpirySweeper sweeper = new ExpirySweeper(this);
      sweeper.schedule =
          sweeper.executor.scheduleWithFixedDelay(
              sweeper::sweepSafely, initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
      return sweeper;
    }
  }
}
