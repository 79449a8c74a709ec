package dev.inventory.jdbc.internal;

import java.util.function.Predicate;

/**
 * Where the library's statements run: on connections of its own, borrowed from the host's pool
 * ({@link Db}: autocommit statements or transactions of its own, retried when that is safe), or
 * inside the caller's open transaction ({@link CallerSession}: each step in a savepoint, never
 * retried, never committed). The procedures are written once against this interface and run on
 * either.
 *
 * <p>Every failure of the database leaves a session translated by {@link SqlErrors}, except the
 * unique violation of a reservation id, which comes through as it is: the placement resolves it as
 * an idempotent replay.
 */
interface Session {
  /** A unit of work on a connection: one statement or several, run as the session decides. */
  @FunctionalInterface
  interface Work<T> {
    T run(Tx tx);
  }

  /** Whether work may be sent again after its commit's outcome became unknown. */
  enum Repeat {
    /**
     * Applying it twice changes nothing (a reservation id applies once; a read; a recomputation).
     */
    SAFE,
    /** Applying it twice would apply it twice (a receive, a bulk call): never re-sent blind. */
    UNSAFE
  }

  /** Reads, one snapshot per statement; always safe to repeat. */
  default <T> T read(Work<T> work) {
    return statement(Repeat.SAFE, work);
  }

  /** Work of a single statement, atomic on its own. */
  <T> T statement(Repeat repeat, Work<T> work);

  /** Work of several statements that must apply together, or not at all. */
  default <T> T transaction(Repeat repeat, Work<T> work) {
    return transaction(repeat, work, result -> true);
  }

  /**
   * Work of several statements that apply together if its result passes {@code commitIf}, and not
   * at all if it does not: the work's changes are rolled back and its result returned (a cart with
   * a short line, an amend whose growth did not fit).
   */
  <T> T transaction(Repeat repeat, Work<T> work, Predicate<? super T> commitIf);
}
