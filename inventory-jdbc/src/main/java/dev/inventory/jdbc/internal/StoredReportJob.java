package dev.inventory.jdbc.internal;

import dev.inventory.jdbc.ReportJob;
import dev.inventory.jdbc.ReportStatus;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A job another instance runs (or ran), as this instance sees it: its status read from the
 * database, its cancel asked through the database, its completion followed by reading it again now
 * and then. Thread-safe: it holds only the job's id and the status it was found with.
 */
final class StoredReportJob implements ReportJob {
  private final UUID id;
  private final ReportStatus found;
  private final JobRecords records;

  StoredReportJob(ReportStatus found, JobRecords records) {
    this.id = found.jobId();
    this.found = found;
    this.records = records;
  }

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public ReportStatus status() {
    return records.status(id).orElse(found);
  }

  @Override
  public boolean cancel() {
    return records.requestCancel(id);
  }

  @Override
  public CompletableFuture<ReportStatus> completion() {
    CompletableFuture<ReportStatus> done = new CompletableFuture<>();
    PostgresReportJob.follow(records, id, done, () -> found);
    return done;
  }
}
