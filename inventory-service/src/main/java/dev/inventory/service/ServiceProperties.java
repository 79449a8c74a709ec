package dev.inventory.service;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings, {@code service.*} (the library's are the starter's {@code
 * inventory.*}).
 *
 * @param schema the schema of the service's own tables (idempotency keys, orders)
 * @param idempotency how {@code Idempotency-Key} answers are kept
 * @param embeddedDatabase the PostgreSQL started when no database URL is given
 * @param settlement the settlement jobs
 * @param knownKeysOnly known-keys mode: orders, carts and stock only on hubs and SKUs the catalog
 *     knows and has active (the library's {@code knownKeysOnly(true)}); default false
 */
@ConfigurationProperties("service")
public record ServiceProperties(
    String schema,
    Idempotency idempotency,
    EmbeddedDatabase embeddedDatabase,
    Settlement settlement,
    boolean knownKeysOnly) {

  /**
   * {@code service.idempotency.*}.
   *
   * @param retention how long an answer is kept for repeats (default 24 hours)
   * @param maxBodyBytes the largest request body a key covers (default 1 MiB)
   */
  public record Idempotency(Duration retention, int maxBodyBytes) {}

  /**
   * {@code service.embedded-database.*}.
   *
   * @param dataDirectory where the embedded PostgreSQL keeps its files, kept across restarts;
   *     empty: a temporary directory deleted when the service stops
   * @param port its port; 0: any free port
   */
  public record EmbeddedDatabase(@Nullable String dataDirectory, int port) {}

  /**
   * {@code service.settlement.*}.
   *
   * @param maxWorkers the most worker threads (each one connection) a job may ask for
   * @param stopTimeout how long stopping the service waits for running jobs to end after cancel
   * @param reportLease how long a job stays this instance's without a heartbeat (the library's
   *     {@code reportLease}, default 30 s): after an instance dies, its jobs read as {@code
   *     ABANDONED} once it has run out, and can be resumed elsewhere
   */
  public record Settlement(int maxWorkers, Duration stopTimeout, Duration reportLease) {}
}
