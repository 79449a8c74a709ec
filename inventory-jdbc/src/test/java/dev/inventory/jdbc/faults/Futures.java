package dev.inventory.jdbc.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting on the library's calls run in threads. */
final class Futures {
  private Futures() {}

  /**
   * The failure of a call, or null if it returned; waits at most {@code timeout} for it to finish
   * (a {@link java.util.concurrent.TimeoutException} if it does not).
   */
  static Throwable failureOf(CompletableFuture<?> call, Duration timeout) throws Exception {
    try {
      call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
