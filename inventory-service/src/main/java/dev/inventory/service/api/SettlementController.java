package dev.inventory.service.api;

import dev.inventory.jdbc.MovementReports;
import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import dev.inventory.service.ServiceProperties;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import dev.inventory.service.problem.ServiceException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Settlement jobs (the order service's back office): the library's daily movement report per UTC
 * day, SKU, hub and kind, computed in the background, with progress, cancel and a CSV download.
 */
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "settlement", description = "Settlement jobs: start, status, cancel, CSV download")
class SettlementController {
  /** The CSV's media type. */
  static final String TEXT_CSV = "text/csv";

  /** The longest range a job may cover: ten years of days. */
  static final int MAX_DAYS = 3660;

  private final SettlementJobs jobs;
  private final MovementReports reports;
  private final int maxWorkers;

  SettlementController(SettlementJobs jobs, MovementReports reports, ServiceProperties properties) {
    this.jobs = jobs;
    this.reports = reports;
    this.maxWorkers = properties.settlement().maxWorkers();
  }

  /**
   * A job as it stands.
   *
   * @param jobId its id
   * @param kind {@code settlement}
   * @param state {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code CANCELLED} or {@code
   *     ABANDONED}
   * @param from the first day
   * @param to the last day
   * @param daysDone days summarized so far
   * @param daysTotal days in the range
   * @param progress daysDone / daysTotal, 0 to 1
   * @param rowsRead log entries read so far
   * @param startedAt when it started
   * @param finishedAt when it ended, or null while it runs
   * @param failure why it failed, or null
   * @param workers the worker threads it runs on (each one connection)
   * @param cancelRequested whether some instance has asked it to stop
   * @param leaseExpiresAt while it runs (or is abandoned): until when the instance running it has
   *     promised to; null once it has ended
   * @param downloadUrl where the CSV of its movements is, once it succeeded; else null
   * @param sellersUrl where the CSV of its days per seller is, once it succeeded; else null
   * @param grossUrl where the CSV of its gross amounts per seller is, once it succeeded; else null
   */
  record JobOut(
      UUID jobId,
      String kind,
      ReportStatus.State state,
      LocalDate from,
      LocalDate to,
      int daysDone,
      int daysTotal,
      double progress,
      long rowsRead,
      Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable String failure,
      int workers,
      boolean cancelRequested,
      @Nullable Instant leaseExpiresAt,
      @Nullable String downloadUrl,
      @Nullable String sellersUrl,
      @Nullable String grossUrl) {
    static JobOut of(ReportStatus status) {
      boolean done = status.state() == ReportStatus.State.SUCCEEDED;
      String range = "?from=" + status.firstDay() + "&to=" + status.lastDay();
      return new JobOut(
          status.jobId(),
          "settlement",
          status.state(),
          status.firstDay(),
          status.lastDay(),
          status.daysDone(),
          status.daysTotal(),
          status.daysTotal() == 0 ? 1.0 : (double) status.daysDone() / status.daysTotal(),
          status.rowsRead(),
          status.startedAt(),
          status.finishedAt(),
          status.failure(),
          status.workers(),
          status.cancelRequested(),
          status.leaseExpiresAt(),
          done ? "/api/v1/jobs/" + status.jobId() + "/download" : null,
          done ? "/api/v1/settlement/sellers/download" + range : null,
          done ? "/api/v1/settlement/gross/download" + range : null);
    }
  }

  @PostMapping(path = "/settlement", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Start a settlement job for a range of UTC days",
      description =
          "Returns at once (202) with the job; poll its Location. Library:"
              + " MovementReports.start(from, to, workers).")
  @Answers(success = 202, problems = ProblemType.INVALID_ARGUMENT)
  ResponseEntity<JobOut> start(@Valid @RequestBody Json.SettlementIn body) {
    checkRange(body.from(), body.to());
    int workers = body.workers() == null ? MovementReports.DEFAULT_WORKERS : body.workers();
    if (workers > maxWorkers) {
      throw ServiceException.invalid("workers", "must be at most " + maxWorkers);
    }
    ReportJob job = jobs.start(body.from(), body.to(), workers);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/jobs/" + job.id()))
        .body(JobOut.of(job.status()));
  }

  @GetMapping("/{jobId}")
  @Operation(
      summary = "A job's status and progress",
      description =
          "Jobs are kept in the database: any instance answers for any job. Library:"
              + " MovementReports.findJob(id).status().")
  @Answers(problems = ProblemType.JOB_NOT_FOUND)
  JobOut status(@PathVariable UUID jobId) {
    return JobOut.of(job(jobId).status());
  }

  @PostMapping("/{jobId}/cancel")
  @Operation(
      summary = "Cancel a running job: days done stay, the rest are not started",
      description =
          "202 with the job (it ends once its days in progress end); 409 job-state if it has"
              + " already ended. Library: ReportJob.cancel().")
  @Answers(
      success = 202,
      problems = {ProblemType.JOB_NOT_FOUND, ProblemType.JOB_STATE})
  ResponseEntity<JobOut> cancel(@PathVariable UUID jobId) {
    ReportJob job = job(jobId);
    if (!job.cancel()) {
      ReportStatus status = job.status();
      throw new ServiceException(
          ProblemType.JOB_STATE,
          "job " + jobId + " has already ended as " + status.state(),
          Map.of("jobId", jobId.toString(), "state", status.state().name()));
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(JobOut.of(job.status()));
  }

  @PostMapping("/{jobId}/resume")
  @Operation(
      summary = "Resume an abandoned job here: the days not done",
      description =
          "A job whose instance stopped running it (state ABANDONED: its lease ran out) is taken"
              + " over by this instance, which does the days not done; of several instances"
              + " resuming it at once exactly one runs it. 202 with the job while it runs (here or,"
              + " if its lease is live, where it ran); 409 job-state if it has ended. Library:"
              + " MovementReports.resume(id).")
  @Answers(
      success = 202,
      problems = {ProblemType.JOB_NOT_FOUND, ProblemType.JOB_STATE})
  ResponseEntity<JobOut> resume(@PathVariable UUID jobId) {
    ReportJob job;
    try {
      job = jobs.resume(jobId);
    } catch (IllegalArgumentException e) { // the library's answer to an unknown id, and only that
      throw notFound(jobId);
    }
    ReportStatus status = job.status();
    if (status.isFinished() && status.state() != ReportStatus.State.ABANDONED) {
      throw new ServiceException(
          ProblemType.JOB_STATE,
          "job " + jobId + " has already ended as " + status.state() + ": nothing to resume",
          Map.of("jobId", jobId.toString(), "state", status.state().name()));
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(JobOut.of(status));
  }

  @GetMapping(path = "/{jobId}/download", produces = TEXT_CSV)
  @Operation(
      summary = "The settlement of a finished job as CSV",
      description =
          "day,sku,location,kind,on_hand_delta,reserved_delta,entries; streamed from PostgreSQL."
              + " 409 job-state unless the job SUCCEEDED. Library:"
              + " MovementReports.exportCsv(from, to, writer).")
  @Answers(problems = {ProblemType.JOB_NOT_FOUND, ProblemType.JOB_STATE})
  ResponseEntity<StreamingResponseBody> download(@PathVariable UUID jobId) {
    ReportStatus status = job(jobId).status();
    if (status.state() != ReportStatus.State.SUCCEEDED) {
      throw new ServiceException(
          ProblemType.JOB_STATE,
          "job " + jobId + " is " + status.state() + ": its CSV is there once it SUCCEEDED",
          Map.of("jobId", jobId.toString(), "state", status.state().name()));
    }
    return csv(
        "settlement-" + status.firstDay() + "-" + status.lastDay() + ".csv",
        writer -> reports.exportCsv(status.firstDay(), status.lastDay(), writer));
  }

  /**
   * A range of UTC days as every settlement endpoint takes it, checked before the library sees it.
   */
  static void checkRange(LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw ServiceException.invalid("to", "must not be before from (" + from + ")");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw ServiceException.invalid(
          "to", "must be less than " + MAX_DAYS + " days after from (" + from + ")");
    }
  }

  /**
   * A CSV download streamed from PostgreSQL as the library writes it (its exports flush the writer
   * they are given); never cached, since a day summarized again changes its rows.
   */
  static ResponseEntity<StreamingResponseBody> csv(String filename, Consumer<Writer> rows) {
    StreamingResponseBody body =
        out -> rows.accept(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(TEXT_CSV + ";charset=UTF-8"))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(filename).build().toString())
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(body);
  }

  private ReportJob job(UUID jobId) {
    return jobs.find(jobId).orElseThrow(() -> notFound(jobId));
  }

  private static ServiceException notFound(UUID jobId) {
    return new ServiceException(
        ProblemType.JOB_NOT_FOUND, "no job " + jobId, Map.of("jobId", jobId.toString()));
  }
}
