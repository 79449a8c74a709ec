package dev.inventory.service.idempotency;

import dev.inventory.service.ServiceProperties;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The answers to requests with an {@code Idempotency-Key}, in the service's table {@code
 * idempotency_key}, shared by every instance on the database and kept across restarts for {@code
 * service.idempotency.retention}. Thread-safe.
 *
 * <p>A request is looked up before it runs (a read) and its answer stored after (one insert, the
 * first writer wins): no claim is committed before the work, so a request costs one commit more
 * than without a key, not two. Two copies of one request that run at the same time both run, which
 * is safe because every call behind them is idempotent on the id the service derives from the key
 * (or, for a receipt, claims the key inside its own transaction), and both answer what was stored
 * first.
 */
@Component
public class IdempotencyStore {
  private final JdbcTemplate jdbc;
  private final String table;
  private final Duration retention;

  IdempotencyStore(JdbcTemplate jdbc, ServiceProperties properties) {
    this.jdbc = jdbc;
    this.table = properties.schema() + ".idempotency_key";
    this.retention = properties.idempotency().retention();
  }

  /**
   * A stored answer.
   *
   * @param fingerprint the request it answered
   * @param method that request's method
   * @param path that request's path
   * @param status the status sent
   * @param contentType the content type sent
   * @param location the Location header sent
   * @param body the body sent
   */
  public record Answer(
      String fingerprint,
      String method,
      String path,
      int status,
      @Nullable String contentType,
      @Nullable String location,
      byte[] body) {}

  /**
   * The answer stored for a key.
   *
   * @param key the header's value
   * @return the answer, or empty if the key is new
   */
  public Optional<Answer> find(String key) {
    List<Answer> found =
        jdbc.query(
            "SELECT fingerprint, method, path, status, content_type, location, body FROM "
                + table
                + " WHERE key = ?",
            (row, n) ->
                new Answer(
                    row.getString("fingerprint"),
                    row.getString("method"),
                    row.getString("path"),
                    row.getInt("status"),
                    row.getString("content_type"),
                    row.getString("location"),
                    row.getBytes("body")),
            key);
    return found.stream().findFirst();
  }

  /**
   * Stores the answer to a key, unless one is stored already.
   *
   * @param key the header's value
   * @param answer the answer this request got
   * @return empty if stored; else the answer stored first (by a copy of this request that ran at
   *     the same time, or by another request with the same key)
   */
  public Optional<Answer> save(String key, Answer answer) {
    int inserted =
        jdbc.update(
            "INSERT INTO "
                + table
                + " (key, fingerprint, method, path, status, content_type, location, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            key,
            answer.fingerprint(),
            answer.method(),
            answer.path(),
            answer.status(),
            answer.contentType(),
            answer.location(),
            answer.body());
    return inserted == 1 ? Optional.empty() : find(key);
  }

  /**
   * Claims a key inside the caller's Spring transaction, before a change that must not run twice (a
   * receipt adds stock each time). A copy of the request running at the same time waits here until
   * the first commits, then finds the key taken.
   *
   * @param key the header's value
   * @param fingerprint the request's fingerprint
   * @param method its method
   * @param path its path
   * @return whether this transaction holds the key; if not, {@link #find} has the answer
   */
  public boolean claimInTransaction(String key, String fingerprint, String method, String path) {
    return jdbc.update(
            "INSERT INTO "
                + table
                + " (key, fingerprint, method, path) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (key) DO NOTHING",
            key,
            fingerprint,
            method,
            path)
        == 1;
  }

  /**
   * Stores the answer of a key claimed by {@link #claimInTransaction}, in the same transaction: the
   * answer and the change it reports commit together.
   *
   * @param key the claimed key
   * @param status the status to send
   * @param contentType the content type to send
   * @param location the Location header to send
   * @param body the body to send
   */
  public void answerInTransaction(
      String key,
      int status,
      @Nullable String contentType,
      @Nullable String location,
      byte[] body) {
    jdbc.update(
        "UPDATE "
            + table
            + " SET status = ?, content_type = ?, location = ?, body = ? WHERE key = ?",
        status,
        contentType,
        location,
        body,
        key);
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
