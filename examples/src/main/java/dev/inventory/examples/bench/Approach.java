package dev.inventory.examples.bench;

import java.io.IOException;

/**
 * One way of reserving stock, opened on one pool by its {@link Backend}. Thread-safe: the workers
 * of a cell share one instance. {@link Approaches} lists every approach the benchmark knows.
 */
interface Approach extends AutoCloseable {
  /** Reserves every line of the request or none; false if stock was short. */
  boolean reserve(Request request) throws Exception;

  /** Confirms ({@code confirm}) or releases a reservation this approach made. */
  void settle(Request request, boolean confirm) throws Exception;

  /** Releases what the approach opened besides the pool it was given (nothing, by default). */
  @Override
  default void close() throws IOException {}
}
