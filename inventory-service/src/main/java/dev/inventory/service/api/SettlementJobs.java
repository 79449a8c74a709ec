package dev.inventory.service.api;

import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.service.ServiceProperties;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The settlement jobs, on the library's {@link MovementReports}: started here, found by id
 * whichever instance started them ({@code findJob} reads the database), and the ones started here
 * cancelled when the service stops, before the pool closes (the days done stay; running a range
 * again redoes the rest).
 */
@Component
class SettlementJobs implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(SettlementJobs.class);

  private final MovementReports reports;
  private final Duration stopTimeout;
  private final Map<UUID, ReportJob> running = new ConcurrentHashMap<>();
  private volatile boolean started;

  SettlementJobs(MovementReports reports, ServiceProperties properties) {
    this.reports = reports;
    this.stopTimeout = properties.settlement().stopTimeout();
  }

  ReportJob start(LocalDate from, LocalDate to, int workers) {
    return track(reports.start(from, to, workers));
  }

  /**
   * Takes over an abandoned job (the library's conditional take-over: of instances resuming it at
   * once, one runs it); a job taken over here is cancelled when this service stops, as one started
   * here.
   */
  ReportJob resume(UUID jobId) {
    ReportJob job = reports.resume(jobId);
    // findJob answers with the very object resume returned when this instance runs the job, and
    // with a new view of the database's row when another one does: only a job run here is this
    // instance's to cancel when it stops.
    return reports.findJob(jobId).orElse(null) == job ? track(job) : job;
  }

  /** A job run here, until it ends: this instance's to cancel when it stops. */
  private ReportJob track(ReportJob job) {
    running.put(job.id(), job);
    job.completion().thenRun(() -> running.remove(job.id()));
    return job;
  }

  Optional<ReportJob> find(UUID jobId) {
    return reports.findJob(jobId);
  }

  @Override
  public void start() {
    started = true;
  }

  @Override
  public void stop() {
    started = false;
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    for (ReportJob job : List.copyOf(running.values())) {
      job.cancel();
      try {
        job.completion().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        log.warn("settlement job {} still running after {}", job.id(), stopTimeout);
      } catch (ExecutionException e) {
        log.warn("settlement job {} failed while stopping", job.id(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return started;
  }
}
