package dev.inventory.service.idempotency;

import dev.inventory.service.ServiceProperties;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The answers to requests with an {@code Idempotency-Key}, in the service's table {@code
 * idempotency_key}: claimed before the request runs, completed with its status and body after.
 * Shared by every instance on the database, and kept across restarts. Thread-safe.
 *
 * <p>Each call is one statement in a transaction of its own, unless it runs inside the caller's
 * Spring transaction ({@link #complete}): then the answer commits with the change.
 */
@Component
public class IdempotencyStore {
  private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

  private final JdbcTemplate jdbc;
  private final String table;
  private final Duration lease;
  private final Duration retention;

  IdempotencyStore(JdbcTemplate jdbc, ServiceProperties properties) {
    this.jdbc = jdbc;
    this.table = properties.schema() + ".idempotency_key";
    this.lease = properties.idempotency().lease();
    this.retention = properties.idempotency().retention();
  }

  /** What a claim found. */
  public sealed interface Claim {}

  /** The key is new (or its earlier claim outlived the lease): run the request. */
  public record Claimed() implements Claim {}

  /** The key was used with another request. */
  public record Mismatch(String method, String path) implements Claim {}

  /** A request with this key is running now. */
  public record InProgress() implements Claim {}

  /** The key was answered: send this again. */
  public record Answered(
      int status, @Nullable String contentType, @Nullable String location, byte[] body)
      implements Claim {}

  /**
   * Claims the key for a request, or says why not.
   *
   * @param key the header's value
   * @param fingerprint the request's fingerprint (method, path and body)
   * @param method the HTTP method, kept to explain a mismatch
   * @param path the path, kept to explain a mismatch
   * @return what to do
   */
  public Claim claim(String key, String fingerprint, String method, String path) {
    // Inserted: the key is ours. On conflict the row is someone's: read it below. The unique
    // primary key makes two concurrent first requests agree on one owner.
    int inserted =
        jdbc.update(
            "INSERT INTO "
                + table
                + " (key, fingerprint, method, path, state, created_at, locked_at)"
                + " VALUES (?, ?, ?, ?, 'IN_PROGRESS', clock_timestamp(), clock_timestamp())"
                + " ON CONFLICT (key) DO NOTHING",
            key,
            fingerprint,
            method,
            path);
    if (inserted == 1) {
      return new Claimed();
    }
    List<Claim> found =
        jdbc.query(
            "SELECT fingerprint, method, path, state, status, content_type, location, body,"
                + " locked_at < clock_timestamp() - make_interval(secs => ?) AS stale"
                + " FROM "
                + table
                + " WHERE key = ?",
            (row, n) -> {
              if (!row.getString("fingerprint").equals(fingerprint)) {
                return new Mismatch(row.getString("method"), row.getString("path"));
              }
              if ("DONE".equals(row.getString("state"))) {
                return new Answered(
                    row.getInt("status"),
                    row.getString("content_type"),
                    row.getString("location"),
                    row.getBytes("body"));
              }
              return row.getBoolean("stale") ? null : new InProgress();
            },
            lease.toMillis() / 1000.0,
            key);
    if (found.isEmpty()) {
      // Deleted between our insert and our read (abandoned, or past its retention): try again.
      return claim(key, fingerprint, method, path);
    }
    Claim claim = found.get(0);
    if (claim != null) {
      return claim;
    }
    // A claim older than the lease: its request died without an answer. Take it over, unless
    // another repeat took it first (then that one runs, and this one is in progress).
    int taken =
        jdbc.update(
            "UPDATE "
                + table
                + " SET locked_at = clock_timestamp() WHERE key = ? AND state = 'IN_PROGRESS'"
                + " AND locked_at < clock_timestamp() - make_interval(secs => ?)",
            key,
            lease.toMillis() / 1000.0);
    if (taken == 1) {
      log.info("Idempotency-Key {}: its first request left no answer; running it again", key);
      return new Claimed();
    }
    return new InProgress();
  }

  /**
   * Stores the answer of a claimed key, unless it is already stored. Called inside the caller's
   * Spring transaction, the answer commits with the change it reports: for calls that must not run
   * twice (a receipt adds stock each time); the filter's own call afterwards then finds it done.
   *
   * @param key the claimed key
   * @param status the HTTP status sent
   * @param contentType the content type sent
   * @param location the Location header sent
   * @param body the body sent
   */
  public void complete(
      String key,
      int status,
      @Nullable String contentType,
      @Nullable String location,
      byte[] body) {
    jdbc.update(
        "UPDATE "
            + table
            + " SET state = 'DONE', status = ?, content_type = ?, location = ?, body = ?"
            + " WHERE key = ? AND state = 'IN_PROGRESS'",
        status,
        contentType,
        location,
        body,
        key);
  }

  /**
   * Lets go of a claimed key whose request failed on the server's side (5xx): a repeat runs it
   * again.
   *
   * @param key the claimed key
   */
  public void abandon(String key) {
    jdbc.update("DELETE FROM " + table + " WHERE key = ? AND state = 'IN_PROGRESS'", key);
  }

  /** Deletes answers past their retention, a thousand at a time; every instance may run it. */
  @Scheduled(
      initialDelayString = "${service.idempotency.cleanup-initial-delay:1m}",
      fixedDelayString = "${service.idempotency.cleanup-every:10m}")
  public void deleteExpired() {
    int deleted;
    do {
      deleted =
          jdbc.update(
              "DELETE FROM "
                  + table
                  + " WHERE key IN (SELECT key FROM "
                  + table
                  + " WHERE created_at < clock_timestamp() - make_interval(secs => ?)"
                  + " LIMIT 1000 FOR UPDATE SKIP LOCKED)",
              (double) retention.toSeconds());
    } while (deleted == 1000);
  }
}
