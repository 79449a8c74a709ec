package dev.inventory.jdbc.internal;

import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.jdbc.ReportStatus.State;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running report: {@code workers} threads of a pool the job owns take the days of the range in
 * date order from a shared counter, until none is left, the job is cancelled or a day fails. The
 * pool is shut down as soon as the workers are submitted, so it terminates by itself when the last
 * worker returns; its {@code terminated()} hook decides the final state and completes the job.
 */
final class PostgresReportJob implements ReportJob {
  /** Summarizes one day in a transaction of its own; returns the log entries it read. */
  @FunctionalInterface
  interface DaySummarizer {
    long summarize(LocalDate day);
  }

  private final UUID id;
  private final LocalDate firstDay;
  private final LocalDate lastDay;
  private final int daysTotal;
  private final DaySummarizer summarizer;
  private final Clock clock;
  private final Instant startedAt;
  private final ThreadPoolExecutor pool;

  private final AtomicInteger nextDay = new AtomicInteger();
  private final AtomicInteger daysDone = new AtomicInteger();
  private final AtomicLong rowsRead = new AtomicLong();
  private final AtomicBoolean cancelRequested = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CompletableFuture<ReportStatus> done = new CompletableFuture<>();
  private volatile ReportStatus finalStatus;

  PostgresReportJob(
      LocalDate firstDay, LocalDate lastDay, int workers, DaySummarizer summarizer, Clock clock) {
    this.id = UUID.randomUUID();
    this.firstDay = firstDay;
    this.lastDay = lastDay;
    this.daysTotal = Math.toIntExact(ChronoUnit.DAYS.between(firstDay, lastDay) + 1);
    this.summarizer = summarizer;
    this.clock = clock;
    this.startedAt = clock.instant();
    int threads = Math.min(workers, daysTotal);
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
  }

  /** The names of a job's worker threads start with this, for thread dumps (and tests). */
  static String threadNamePrefix(UUID jobId) {
    return "inventory-report-" + jobId.toString().substring(0, 8) + "-";
  }

  /** Starts the workers; the pool shuts down once they return. */
  PostgresReportJob start() {
    for (int i = 0; i < pool.getCorePoolSize(); i++) {
      pool.execute(this::work);
    }
    pool.shutdown();
    return this;
  }

  private void work() {
    while (!cancelRequested.get() && failure.get() == null) {
      int index = nextDay.getAndIncrement();
      if (index >= daysTotal) {
        return;
      }
      try {
        long rows = summarizer.summarize(firstDay.plusDays(index));
        rowsRead.addAndGet(rows);
        daysDone.incrementAndGet();
      } catch (RuntimeException | Error e) {
        // The day's transaction rolled back; the days done stay. No new day starts.
        failure.compareAndSet(null, e);
        return;
      }
    }
  }

  private void finish() {
    Throwable failed = failure.get();
    State state;
    if (failed != null) {
      state = State.FAILED;
    } else if (daysDone.get() == daysTotal) {
      state = State.SUCCEEDED;
    } else {
      state = State.CANCELLED;
    }
    ReportStatus status =
        snapshot(state, clock.instant(), failed == null ? null : describe(failed));
    finalStatus = status;
    done.complete(status);
  }

  private static String describe(Throwable failed) {
    return failed.getMessage() == null ? failed.getClass().getName() : failed.getMessage();
  }

  private ReportStatus snapshot(State state, Instant finishedAt, String failed) {
    return new ReportStatus(
        id,
        state,
        firstDay,
        lastDay,
        daysDone.get(),
        daysTotal,
        rowsRead.get(),
        startedAt,
        finishedAt,
        failed);
  }

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public ReportStatus status() {
    ReportStatus ended = finalStatus;
    return ended != null ? ended : snapshot(State.RUNNING, null, null);
  }

  @Override
  public boolean cancel() {
    if (finalStatus != null) {
      return false;
    }
    cancelRequested.set(true);
    return finalStatus == null;
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
