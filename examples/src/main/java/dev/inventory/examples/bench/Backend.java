package dev.inventory.examples.bench;

import java.io.IOException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Where an approach keeps its stock during a run, set up once by its {@link ApproachSpec}: a
 * PostgreSQL schema of the library's tables ({@link SchemaBackend}), or counters in another server.
 * The correctness table seeds a key through it and reads back what it says is reserved; the other
 * sections open the approach on their pools.
 */
interface Backend extends AutoCloseable {
  /** Sets these keys to {@code units} on hand, none reserved. */
  void seed(List<String> skus, long units) throws Exception;

  /** The units the backend's own record says are reserved on a key now. */
  long reserved(String sku) throws Exception;

  /** The approach on this pool of {@code poolSize} connections; the caller closes it. */
  Approach open(DataSource pool, int poolSize) throws Exception;

  /** Releases the backend's own connections (a schema stays until the run drops it). */
  @Override
  default void close() throws IOException {}

  /** Sets up an approach's backend for one run. */
  @FunctionalInterface
  interface Factory {
    /**
     * @throws Unavailable if a server the approach needs does not answer: the run goes on without
     *     it
     */
    Backend open(ApproachContext context) throws Exception;
  }

  /** What a backend is set up with. */
  record ApproachContext(
      String name, String schema, DataSource admin, Workload.Keys keys, Plan plan) {}

  /** A server the approach needs does not answer; the message is the one line the run prints. */
  final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
