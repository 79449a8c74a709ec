package dev.inventory.jdbc.faults;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every client asked and what it was told, recorded as it happened. Thread-safe.
 *
 * <p>An outcome is {@link Outcome#ACK} (the library returned), {@link Outcome#REFUSED} (one of the
 * exceptions that promise nothing happened, or that report a state) or {@link Outcome#AMBIGUOUS}
 * (anything else: {@code InventoryUnavailableException} above all, where the library itself says
 * the outcome is unknown).
 */
final class History {
  enum Kind {
    RESERVE,
    PURCHASE,
    CONFIRM,
    RELEASE,
    RECEIVE,
    EXPIRE_DUE
  }

  enum Outcome {
    ACK,
    REFUSED,
    AMBIGUOUS
  }

  /** Why an operation was sent: the workload, a burst of duplicates, or a re-send after faults. */
  enum Origin {
    CLIENT,
    DUPLICATE,
    RESEND
  }

  /**
   * One operation. {@code id}: the reservation id (null for receive and expireDue); {@code lines}:
   * a reserve's or purchase's lines, or the one line of a receive; {@code status}: the status the
   * library returned (ACK of a reservation call); {@code detail}: the exception's type and message.
   */
  record Op(
      long seq,
      int client,
      Origin origin,
      Kind kind,
      String id,
      List<Line> lines,
      Outcome outcome,
      Reservation.Status status,
      List<Line> returnedLines,
      String detail,
      long startNanos,
      long endNanos,
      Instant startedAt,
      Instant endedAt) {
    long micros() {
      return (endNanos - startNanos) / 1_000;
    }

    boolean hasId() {
      return id != null;
    }
  }

  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();
  private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

  /** Runs a reservation call and records it. Returns the reservation, or null if it threw. */
  Reservation call(
      int client,
      Origin origin,
      Kind kind,
      String id,
      List<Line> lines,
      Supplier<Reservation> call) {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    try {
      Reservation r = call.get();
      add(
          client,
          origin,
          kind,
          id,
          lines,
          Outcome.ACK,
          r.status(),
          r.lines(),
          null,
          start,
          startedAt);
      return r;
    } catch (RuntimeException e) {
      add(client, origin, kind, id, lines, classify(e), null, null, describe(e), start, startedAt);
      return null;
    }
  }

  /** Runs a call that returns no reservation (receive, expireDue) and records it. */
  void run(int client, Kind kind, List<Line> lines, Runnable call) {
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    try {
      call.run();
      add(
          client,
          Origin.CLIENT,
          kind,
          null,
          lines,
          Outcome.ACK,
          null,
          null,
          null,
          start,
          startedAt);
    } catch (RuntimeException e) {
      add(
          client,
          Origin.CLIENT,
          kind,
          null,
          lines,
          classify(e),
          null,
          null,
          describe(e),
          start,
          startedAt);
    }
  }

  private void add(
      int client,
      Origin origin,
      Kind kind,
      String id,
      List<Line> lines,
      Outcome outcome,
      Reservation.Status status,
      List<Line> returned,
      String detail,
      long start,
      Instant startedAt) {
    if (outcome != Outcome.AMBIGUOUS) {
      settled.incrementAndGet();
    }
    ops.add(
        new Op(
            seq.incrementAndGet(),
            client,
            origin,
            kind,
            id,
            lines == null ? List.of() : List.copyOf(lines),
            outcome,
            status,
            returned,
            detail,
            start,
            System.nanoTime(),
            startedAt,
            Instant.now()));
  }

  /**
   * Refusals are the exceptions that report a decision the library made against the table (short
   * stock, a state, an unknown id, a conflicting replay); everything else leaves the outcome
   * unknown.
   */
  static Outcome classify(RuntimeException e) {
    if (e instanceof InsufficientStockException
        || e instanceof ReservationStateException
        || e instanceof ReservationNotFoundException
        || e instanceof IdempotencyConflictException) {
      return Outcome.REFUSED;
    }
    return Outcome.AMBIGUOUS;
  }

  private static String describe(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return e.getClass().getSimpleName() + ": " + message;
  }

  /** How many operations so far reached a decision (ACK or REFUSED): the database was there. */
  long settled() {
    return settled.get();
  }

  /** Every operation so far, in the order they ended. */
  List<Op> ops() {
    List<Op> all = new ArrayList<>(ops);
    all.sort(Comparator.comparingLong(Op::seq));
    return all;
  }

  /** One line for a receive, so the checker knows its key and quantity. */
  static List<Line> receiveLine(StockKey key, long quantity) {
    return List.of(new Line(key, quantity));
  }
}
