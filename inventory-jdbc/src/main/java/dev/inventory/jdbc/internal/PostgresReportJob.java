package dev.inventory.jdbc.internal;

import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.ReportStatus.State;
import dev.inventory.jdbc.internal.ReportJobSql.DayDone;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A report running on this instance: {@code workers} threads of a pool the job owns take the days
 * of the range in date order from a shared counter (skipping the days done before, when the job was
 * taken over), until none is left, the job is cancelled or lost, or a day fails. The pool is shut
 * down as soon as the workers are submitted, so it terminates by itself when the last worker
 * returns; its {@code terminated()} hook decides the final state and records it.
 *
 * <p>While it runs, a thread of its own pushes the job's lease forward every third of the lease
 * ({@link JobRecords#heartbeat}), and brings back a cancel request made by any instance. Each day
 * done, recorded in the day's own transaction, brings it back too, and whether the job is still
 * this instance's: one that lost its lease and was taken over by another instance is lost here, and
 * stops starting days (a day both did is the same day, counted once).
 */
final class PostgresReportJob implements ReportJob {
  /**
   * Summarizes one day and records it done, in one transaction; answers the log entries read, the
   * cancel request and whether the job is still ours.
   */
  @FunctionalInterface
  interface DayRunner {
    Day run(LocalDate day);
  }

  /**
   * A day done.
   *
   * @param rowsRead the log entries it summarized
   * @param recorded what recording it answered
   */
  record Day(long rowsRead, DayDone recorded) {}

  private static final System.Logger LOG = System.getLogger("dev.inventory.jdbc");

  private final UUID id;
  private final LocalDate firstDay;
  private final LocalDate lastDay;
  private final int workers;
  private final int daysTotal;
  private final Set<LocalDate> doneBefore;
  private final DayRunner runner;
  private final JobRecords records;
  private final Instant startedAt;
  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService heartbeat;

  private final AtomicInteger nextDay = new AtomicInteger();
  private final AtomicInteger daysDoneHere = new AtomicInteger();
  private final AtomicLong rowsReadHere = new AtomicLong();
  private final AtomicBoolean cancelRequested = new AtomicBoolean();
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CompletableFuture<ReportStatus> done = new CompletableFuture<>();
  private volatile boolean ended;

  /**
   * A job recorded as running on this instance.
   *
   * @param doneBefore the days done before this instance took the job over (empty for a new job)
   * @param cancelRequested whether a cancel was asked for before this instance took it over
   */
  PostgresReportJob(
      UUID id,
      LocalDate firstDay,
      LocalDate lastDay,
      int workers,
      Instant startedAt,
      Set<LocalDate> doneBefore,
      boolean cancelRequested,
      DayRunner runner,
      JobRecords records) {
    this.id = id;
    this.firstDay = firstDay;
    this.lastDay = lastDay;
    this.workers = workers;
    this.daysTotal = JobRecords.days(firstDay, lastDay);
    this.doneBefore = Set.copyOf(doneBefore);
    this.runner = runner;
    this.records = records;
    this.startedAt = startedAt;
    this.cancelRequested.set(cancelRequested);
    int threads = Math.max(1, Math.min(workers, daysTotal - this.doneBefore.size()));
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0L,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            threadFactory(threadNamePrefix(id))) {
          @Override
          protected void terminated() {
            super.terminated();
            finish();
          }
        };
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            threadFactory("inventory-report-lease-" + id.toString().substring(0, 8) + "-"));
  }

  /** The names of a job's worker threads start with this, for thread dumps (and tests). */
  static String threadNamePrefix(UUID jobId) {
    return "inventory-report-" + jobId.toString().substring(0, 8) + "-";
  }

  /** Starts the workers and the heartbeat; the pool shuts down once the workers return. */
  PostgresReportJob start() {
    long period = records.heartbeatInterval().toMillis();
    heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
    for (int i = 0; i < pool.getCorePoolSize(); i++) {
      pool.execute(this::work);
    }
    pool.shutdown();
    return this;
  }

  private void beat() {
    try {
      records
          .heartbeat(id)
          .ifPresentOrElse(
              cancel -> {
                if (cancel) {
                  cancelRequested.set(true);
                }
              },
              () -> lost.set(true));
    } catch (RuntimeException e) {
      // The next beat tries again; if none gets through before the lease runs out, the job shows
      // as abandoned and another instance may take it over (this one then learns it was lost).
      LOG.log(System.Logger.Level.WARNING, "inventory: report job " + id + " heartbeat failed", e);
    }
  }

  private boolean stopping() {
    return cancelRequested.get() || lost.get() || failure.get() != null;
  }

  private void work() {
    while (!stopping()) {
      int index = nextDay.getAndIncrement();
      if (index >= daysTotal) {
        return;
      }
      LocalDate day = firstDay.plusDays(index);
      if (doneBefore.contains(day)) {
        continue;
      }
      try {
        Day done = runner.run(day);
        DayDone recorded = done.recorded();
        rowsReadHere.addAndGet(done.rowsRead());
        daysDoneHere.incrementAndGet();
        if (recorded.cancelRequested()) {
          cancelRequested.set(true);
        }
        if (!recorded.stillOurs()) {
          lost.set(true);
        }
      } catch (RuntimeException | Error e) {
        // The day's transaction rolled back; the days done stay. No new day starts.
        failure.compareAndSet(null, e);
        return;
      }
    }
  }

  /** Decides the final state, records it, and completes the job. */
  private void finish() {
    heartbeat.shutdownNow();
    Throwable failed = failure.get();
    State state;
    if (failed != null) {
      state = State.FAILED;
    } else if (doneBefore.size() + daysDoneHere.get() == daysTotal) {
      state = State.SUCCEEDED;
    } else {
      state = State.CANCELLED;
    }
    String failedWith = failed == null ? null : describe(failed);
    boolean recorded;
    try {
      recorded = !lost.get() && records.finish(id, state, failedWith);
    } catch (RuntimeException e) {
      // The end could not be recorded: the lease runs out, the job shows as abandoned, and resume
      // finishes it (at once, if every day was done).
      ended = true;
      done.complete(
          snapshot(
              State.FAILED,
              "its end ("
                  + state
                  + ") could not be recorded, so it shows as ABANDONED once its lease runs out: "
                  + describe(e)));
      return;
    }
    ended = true;
    if (!recorded) {
      // Taken over by another instance (or ended there as abandoned): its end is theirs to record.
      follow(records, id, done, () -> snapshot(state, failedWith));
      return;
    }
    ReportStatus status;
    try {
      status = records.status(id).orElseGet(() -> snapshot(state, failedWith));
    } catch (RuntimeException e) {
      // Recorded, but not read back: what was recorded.
      status = snapshot(state, failedWith);
    }
    done.complete(status);
  }

  /**
   * Completes {@code done} with the job's status once nobody runs it, reading it now and then; with
   * {@code ifGone} if its row was deleted meanwhile.
   */
  static void follow(
      JobRecords records,
      UUID id,
      CompletableFuture<ReportStatus> done,
      Supplier<ReportStatus> ifGone) {
    try {
      Optional<ReportStatus> status = records.status(id);
      if (status.isEmpty()) {
        done.complete(ifGone.get());
        return;
      }
      if (status.get().isFinished()) {
        done.complete(status.get());
        return;
      }
    } catch (RuntimeException e) {
      // The database may come back: read again later.
    }
    long pollMillis = Math.min(250, records.heartbeatInterval().toMillis());
    CompletableFuture.runAsync(
        () -> follow(records, id, done, ifGone),
        CompletableFuture.delayedExecutor(pollMillis, TimeUnit.MILLISECONDS));
  }

  private static String describe(Throwable failed) {
    return failed.getMessage() == null ? failed.getClass().getName() : failed.getMessage();
  }

  /** What this instance knows of the job, when the database cannot tell. */
  private ReportStatus snapshot(State state, @Nullable String failed) {
    return new ReportStatus(
        id,
        state,
        firstDay,
        lastDay,
        Math.min(daysTotal, doneBefore.size() + daysDoneHere.get()),
        daysTotal,
        rowsReadHere.get(),
        startedAt,
        state == State.RUNNING ? null : records.now(),
        failed,
        workers,
        cancelRequested.get(),
        null);
  }

  @Override
  public UUID id() {
    return id;
  }

  /** Read from the database, as every instance reads it. */
  @Override
  public ReportStatus status() {
    return records.status(id).orElseGet(() -> done.getNow(snapshot(State.RUNNING, null)));
  }

  @Override
  public boolean cancel() {
    if (ended) {
      return false;
    }
    cancelRequested.set(true);
    try {
      // Recorded for every instance to see; the flag above is what stops this job's workers.
      records.requestCancel(id);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "inventory: report job " + id + ": the cancel could not be recorded; it stops anyway",
          e);
    }
    return !ended;
  }

  @Override
  public CompletableFuture<ReportStatus> completion() {
    return done.copy();
  }

  private static ThreadFactory threadFactory(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      // A report never keeps the host's JVM alive: at exit, the day in progress rolls back.
      thread.setDaemon(true);
      return thread;
    };
  }
}
