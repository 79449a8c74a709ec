package dev.inventory.event;

import dev.inventory.BulkResult;
import dev.inventory.BuyerLimitExceededException;
import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationStateException;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.UnknownKeysException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something an inventory did, told to an {@link InventoryListener} after the outcome is known: an
 * immutable value, checked when it is made.
 *
 * <p>The events of calls ({@link Completed}: one per call that passed its argument checks) carry
 * the {@link Operation}, its {@link Outcome}, how long the call took and whether its change is
 * committed. The others tell what happened inside calls: holds {@link Expired expired}, attempts
 * {@link Retried retried}, flash-sale batches {@link BatchSent sent}, and events {@link
 * EventsDropped dropped} because the listener fell behind.
 *
 * <p>Events are for observing the inventory (metrics, logs, traces), not for driving business
 * processes: under overload they are dropped, and an idempotent repeat (a replayed reserve, a
 * second confirm) is told like the first call. The inventory log is the record of what changed.
 *
 * @since 0.1.0
 */
public sealed interface InventoryEvent {

  /**
   * The calls whose outcome is told.
   *
   * @since 0.1.0
   */
  enum Operation {
    /** {@code Inventory.reserve}. */
    RESERVE,
    /** {@code Inventory.purchase}. */
    PURCHASE,
    /** {@code Inventory.confirm}. */
    CONFIRM,
    /** {@code Inventory.release}. */
    RELEASE,
    /** {@code Inventory.extend}. */
    EXTEND,
    /** {@code Inventory.amend}. */
    AMEND,
    /** {@code Inventory.receive}. */
    RECEIVE,
    /** {@code Inventory.adjust}. */
    ADJUST,
    /** {@code Inventory.setOnHand}. */
    SET_ON_HAND,
    /** {@code Inventory.expireDue} (the sweeper's call). */
    EXPIRE_DUE,
    /** {@code StockLedger.receiveAll}. */
    RECEIVE_ALL,
    /** {@code StockLedger.setOnHandAll}. */
    SET_ON_HAND_ALL;

    /**
     * The name in lower case, as metrics tag it: {@code reserve}, {@code set_on_hand}, ...
     *
     * @return the lower-case name
     */
    public String tagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * How a call ended.
   *
   * @since 0.1.0
   */
  enum Outcome {
    /** It did what was asked (or had already done it: an idempotent repeat). */
    SUCCESS,
    /** {@link InsufficientStockException}: not enough unreserved stock; nothing written. */
    REFUSED,
    /** {@link IdempotencyConflictException}: the id exists with other lines. */
    CONFLICT,
    /** {@link ReservationNotFoundException}. */
    NOT_FOUND,
    /** {@link ReservationExpiredException}: the hold had run out. */
    EXPIRED,
    /** {@link ReservationStateException} other than expired: the reservation is final. */
    STATE,
    /** {@link InventoryTimeoutException}: a lock wait, a statement or the queue timed out. */
    TIMEOUT,
    /** {@link InventoryUnavailableException} of which it is known that nothing was changed. */
    UNAVAILABLE,
    /** {@link InventoryUnavailableException#isOutcomeUnknown()}: it may or may not be written. */
    UNKNOWN,
    /**
     * {@link UnknownKeysException}: known-keys mode refused keys the catalog does not know or has
     * deactivated; nothing written.
     */
    NOT_IN_CATALOG,
    /**
     * {@link dev.inventory.BuyerLimitExceededException}: a buyer would pass an item's per-buyer
     * limit; nothing written.
     */
    BUYER_LIMIT,
    /** Any other exception. */
    ERROR;

    /**
     * The outcome a call that threw this has.
     *
     * @param failure what the call threw
     * @return the outcome; never {@link #SUCCESS}
     */
    public static Outcome of(Throwable failure) {
      Objects.requireNonNull(failure, "failure must not be null");
      if (failure instanceof InsufficientStockException) {
        return REFUSED;
      }
      if (failure instanceof UnknownKeysException) {
        return NOT_IN_CATALOG;
      }
      if (failure instanceof BuyerLimitExceededException) {
        return BUYER_LIMIT;
      }
      if (failure instanceof IdempotencyConflictException) {
        return CONFLICT;
      }
      if (failure instanceof ReservationNotFoundException) {
        return NOT_FOUND;
      }
      if (failure instanceof ReservationExpiredException) {
        return EXPIRED;
      }
      if (failure instanceof ReservationStateException) {
        return STATE;
      }
      if (failure instanceof InventoryTimeoutException) {
        return TIMEOUT;
      }
      if (failure instanceof InventoryUnavailableException unavailable) {
        return unavailable.isOutcomeUnknown() ? UNKNOWN : UNAVAILABLE;
      }
      return ERROR;
    }

    /**
     * The name in lower case, as metrics tag it: {@code success}, {@code not_found}, ...
     *
     * @return the lower-case name
     */
    public String tagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The event of a call: what it was, how it ended, how long it took, and whether its change is
   * committed.
   *
   * @since 0.1.0
   */
  sealed interface Completed extends InventoryEvent {
    /**
     * The call.
     *
     * @return the operation
     */
    Operation operation();

    /**
     * How it ended.
     *
     * @return the outcome
     */
    Outcome outcome();

    /**
     * How long the call took, from after its argument checks to its outcome (waits for a
     * connection, retries and a flash-sale queue included).
     *
     * @return the duration, not negative
     */
    Duration duration();

    /**
     * Whether the change the call made is committed when the listener hears of it: {@code true} for
     * a successful call on an {@code Inventory} or {@code StockLedger}; {@code false} for a failed
     * call (nothing changed, or for {@link Outcome#UNKNOWN} perhaps), and for a call made inside
     * the caller's own transaction, whose commit or rollback is still to come.
     *
     * @return whether the change is committed
     */
    boolean committed();
  }

  /**
   * A reservation was made ({@code reserve} returned it): held, or returned as it is now if the id
   * was a replay.
   *
   * @param reservation what {@code reserve} returned
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Reserved(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code reserve} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Reserved {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.RESERVE;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A purchase was made ({@code purchase} returned it).
   *
   * @param reservation what {@code purchase} returned
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Purchased(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code purchase} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Purchased {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.PURCHASE;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A reservation was confirmed: sold.
   *
   * @param reservation what {@code confirm} returned
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Confirmed(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code confirm} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Confirmed {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.CONFIRM;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A reservation was released: its units are free again.
   *
   * @param reservation what {@code release} returned
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Released(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code release} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Released {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.RELEASE;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A held reservation's expiry was moved.
   *
   * @param reservation what {@code extend} returned, with its new {@code expiresAt}
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Extended(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code extend} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Extended {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.EXTEND;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A held reservation's lines were changed.
   *
   * @param reservation what {@code amend} returned, with its new lines
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Amended(Reservation reservation, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param reservation what {@code amend} returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Amended {
      Objects.requireNonNull(reservation, "reservation must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.AMEND;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * Stock was received ({@code receive}).
   *
   * @param key the key
   * @param quantity the units received
   * @param level the level after the change, as {@code receive} returned it
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record StockReceived(
      StockKey key, long quantity, StockLevel level, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param key the key
     * @param quantity the units received
     * @param level the level after the change
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public StockReceived {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(level, "level must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.RECEIVE;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * Stock was corrected ({@code adjust}).
   *
   * @param key the key
   * @param delta the correction
   * @param level the level after the change, as {@code adjust} returned it
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record StockAdjusted(
      StockKey key, long delta, StockLevel level, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param key the key
     * @param delta the correction
     * @param level the level after the change
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public StockAdjusted {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(level, "level must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.ADJUST;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * Stock was counted ({@code setOnHand}).
   *
   * @param key the key
   * @param onHand the counted figure
   * @param level the level after the change, as {@code setOnHand} returned it
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record StockSet(StockKey key, long onHand, StockLevel level, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param key the key
     * @param onHand the counted figure
     * @param level the level after the change
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public StockSet {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(level, "level must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Operation operation() {
      return Operation.SET_ON_HAND;
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A bulk call of the ledger ({@code receiveAll}, {@code setOnHandAll}) returned.
   *
   * @param operation {@link Operation#RECEIVE_ALL} or {@link Operation#SET_ON_HAND_ALL}
   * @param result what the call returned: entries applied and refused
   * @param duration how long the call took
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record BulkApplied(Operation operation, BulkResult result, Duration duration, boolean committed)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param operation {@link Operation#RECEIVE_ALL} or {@link Operation#SET_ON_HAND_ALL}
     * @param result what the call returned
     * @param duration how long the call took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code operation} is not a bulk call, or {@code duration}
     *     is negative
     */
    public BulkApplied {
      Objects.requireNonNull(operation, "operation must not be null");
      if (operation != Operation.RECEIVE_ALL && operation != Operation.SET_ON_HAND_ALL) {
        throw new IllegalArgumentException(
            "operation must be RECEIVE_ALL or SET_ON_HAND_ALL, but was " + operation);
      }
      Objects.requireNonNull(result, "result must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Outcome outcome() {
      return Outcome.SUCCESS;
    }
  }

  /**
   * A call was refused for want of unreserved stock ({@link InsufficientStockException}); nothing
   * was written.
   *
   * @param operation the call: reserve, purchase, amend, adjust or setOnHand
   * @param reservationId the reservation's id, or {@code null} for a stock call
   * @param shortages every short key, as the exception names them
   * @param duration how long the call took
   * @since 0.1.0
   */
  record Refused(
      Operation operation,
      @Nullable String reservationId,
      List<Shortage> shortages,
      Duration duration)
      implements Completed {
    /**
     * Checks the fields and copies the shortages.
     *
     * @param operation the call
     * @param reservationId the reservation's id, or {@code null}
     * @param shortages every short key
     * @param duration how long the call took
     * @throws NullPointerException if a field other than {@code reservationId} is null
     * @throws IllegalArgumentException if {@code shortages} is empty or {@code duration} negative
     */
    public Refused {
      Objects.requireNonNull(operation, "operation must not be null");
      shortages = List.copyOf(shortages);
      if (shortages.isEmpty()) {
        throw new IllegalArgumentException("shortages must not be empty");
      }
      checkDuration("duration", duration);
    }

    @Override
    public Outcome outcome() {
      return Outcome.REFUSED;
    }

    /**
     * {@code false}: nothing was written.
     *
     * @return {@code false}
     */
    @Override
    public boolean committed() {
      return false;
    }
  }

  /**
   * A call failed with an exception other than a shortage or an unknown outcome: a conflict, a
   * reservation not found, expired or final, a key not in the catalog, a timeout, the database
   * unavailable, or any other failure. Nothing was changed, except that a call that met a hold past
   * its expiry ({@link Outcome#EXPIRED}) may have written that expiry.
   *
   * @param operation the call
   * @param reservationId the reservation's id, or {@code null} for a stock call
   * @param outcome how it ended, as {@link Outcome#of} classifies {@code failure}
   * @param failure what the call threw
   * @param duration how long the call took
   * @since 0.1.0
   */
  record Failed(
      Operation operation,
      @Nullable String reservationId,
      Outcome outcome,
      RuntimeException failure,
      Duration duration)
      implements Completed {
    /**
     * Checks the fields.
     *
     * @param operation the call
     * @param reservationId the reservation's id, or {@code null}
     * @param outcome how it ended
     * @param failure what the call threw
     * @param duration how long the call took
     * @throws NullPointerException if a field other than {@code reservationId} is null
     * @throws IllegalArgumentException if {@code outcome} is {@link Outcome#SUCCESS}, {@link
     *     Outcome#REFUSED} or {@link Outcome#UNKNOWN} (those have events of their own), or {@code
     *     duration} is negative
     */
    public Failed {
      Objects.requireNonNull(operation, "operation must not be null");
      Objects.requireNonNull(outcome, "outcome must not be null");
      if (outcome == Outcome.SUCCESS || outcome == Outcome.REFUSED || outcome == Outcome.UNKNOWN) {
        throw new IllegalArgumentException(
            "outcome must be a failure without an event of its own, but was " + outcome);
      }
      Objects.requireNonNull(failure, "failure must not be null");
      checkDuration("duration", duration);
    }

    /**
     * {@code false}: nothing was committed by this call (see the class comment for an expiry).
     *
     * @return {@code false}
     */
    @Override
    public boolean committed() {
      return false;
    }
  }

  /**
   * The connection broke while the call's commit was under way: the change may or may not be
   * written ({@link InventoryUnavailableException#isOutcomeUnknown()}). Repeating an idempotent
   * call with the same id tells; for receive, adjust and setOnHand read the level or the log first.
   *
   * @param operation the call
   * @param reservationId the reservation's id, or {@code null} for a stock call
   * @param keys the keys the call touched, as far as the caller named them (empty for confirm,
   *     release and extend, which name only the id)
   * @param failure what the call threw
   * @param duration how long the call took
   * @since 0.1.0
   */
  record OutcomeUnknown(
      Operation operation,
      @Nullable String reservationId,
      List<StockKey> keys,
      InventoryUnavailableException failure,
      Duration duration)
      implements Completed {
    /**
     * Checks the fields and copies the keys.
     *
     * @param operation the call
     * @param reservationId the reservation's id, or {@code null}
     * @param keys the keys the call touched, as far as the caller named them
     * @param failure what the call threw
     * @param duration how long the call took
     * @throws NullPointerException if a field other than {@code reservationId} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public OutcomeUnknown {
      Objects.requireNonNull(operation, "operation must not be null");
      keys = List.copyOf(keys);
      Objects.requireNonNull(failure, "failure must not be null");
      checkDuration("duration", duration);
    }

    @Override
    public Outcome outcome() {
      return Outcome.UNKNOWN;
    }

    /**
     * {@code false}: it is not known to be committed.
     *
     * @return {@code false}
     */
    @Override
    public boolean committed() {
      return false;
    }
  }

  /**
   * Due holds were expired: by a sweep ({@code expireDue}, the {@code ExpirySweeper}'s call; told
   * for every successful call, even one that found nothing due), or lazily (a change that was short
   * expired the due holds on its short keys, and was tried again). A confirm, release, amend or
   * extend that meets a hold past its expiry writes that expiry as well; that is told as the call's
   * {@link Failed} event with {@link Outcome#EXPIRED}, not as an {@code Expired}.
   *
   * @param by who expired them
   * @param reservations how many reservations were expired, 0 or more
   * @param keys for a lazy expiry the short keys whose due holds were expired, in key order; empty
   *     for a sweep
   * @param duration how long the expiry took ({@code expireDue}, or the lazy expiry's transaction)
   * @param committed whether it is committed (see {@link Completed#committed()})
   * @since 0.1.0
   */
  record Expired(By by, int reservations, List<StockKey> keys, Duration duration, boolean committed)
      implements InventoryEvent {
    /**
     * Checks the fields and copies the keys.
     *
     * @param by who expired them
     * @param reservations how many reservations were expired
     * @param keys the short keys of a lazy expiry; empty for a sweep
     * @param duration how long the expiry took
     * @param committed whether it is committed
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code reservations} or {@code duration} is negative
     */
    public Expired {
      Objects.requireNonNull(by, "by must not be null");
      if (reservations < 0) {
        throw new IllegalArgumentException(
            "reservations must not be negative, but was " + reservations);
      }
      keys = List.copyOf(keys);
      checkDuration("duration", duration);
    }

    /**
     * Who expired the holds.
     *
     * @since 0.1.0
     */
    public enum By {
      /** {@code expireDue}: the sweeper, or a caller of its own. */
      SWEEP,
      /** A change that was short expired the due holds on its short keys. */
      LAZILY;

      /**
       * The name in lower case, as metrics tag it.
       *
       * @return {@code sweep} or {@code lazily}
       */
      public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
      }
    }
  }

  /**
   * An attempt failed in a way that is safe to retry, and the call is being tried again (after a
   * jittered back-off). Told once per retry; a call that then succeeds also tells its own event.
   *
   * @param reason why the attempt failed
   * @param attempt the attempt that failed, from 1
   * @param sqlState the SQLSTATE of the failure, or {@code null} if there was none
   * @since 0.1.0
   */
  record Retried(Reason reason, int attempt, @Nullable String sqlState) implements InventoryEvent {
    /**
     * Checks the fields.
     *
     * @param reason why the attempt failed
     * @param attempt the attempt that failed, from 1
     * @param sqlState the SQLSTATE, or {@code null}
     * @throws NullPointerException if {@code reason} is null
     * @throws IllegalArgumentException if {@code attempt} is below 1
     */
    public Retried {
      Objects.requireNonNull(reason, "reason must not be null");
      if (attempt < 1) {
        throw new IllegalArgumentException("attempt must be at least 1, but was " + attempt);
      }
    }

    /**
     * Why an attempt was retried.
     *
     * @since 0.1.0
     */
    public enum Reason {
      /** The database broke a deadlock by rolling this transaction back (40P01). */
      DEADLOCK,
      /** A serialization failure (40001). */
      SERIALIZATION_FAILURE,
      /** No connection could be had from the pool: nothing was sent. */
      NO_CONNECTION,
      /**
       * The connection broke before the commit, or during the commit of an idempotent call (which a
       * reservation id makes safe to send again).
       */
      CONNECTION_LOST;

      /**
       * The name in lower case, as metrics tag it.
       *
       * @return the lower-case name
       */
      public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
      }
    }
  }

  /**
   * Flash-sale mode sent a combined batch: the requests that waited together — reserves or
   * purchases (one-line ones in one statement, carts in another), or confirms and releases (a
   * statement that carries both is told as two batches, one per kind).
   *
   * @param operation {@link Operation#RESERVE}, {@link Operation#PURCHASE}, {@link
   *     Operation#CONFIRM} or {@link Operation#RELEASE}
   * @param size the requests in the batch, at least 1
   * @param keys the distinct keys among them, at least 1 (more than {@code size} when carts are
   *     among them); 0 for confirms and releases, whose keys only the statement reads
   * @param waited how long the batch's oldest request waited for its turn (zero for a request that
   *     went at once)
   * @since 0.1.0
   */
  record BatchSent(Operation operation, int size, int keys, Duration waited)
      implements InventoryEvent {
    /**
     * Checks the fields.
     *
     * @param operation reserve, purchase, confirm or release
     * @param size the requests in the batch
     * @param keys the distinct keys among them (0 for confirms and releases)
     * @param waited how long its oldest request waited
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if {@code operation} is none of those four, {@code size} is
     *     below 1, {@code keys} is below 1 (not 0 for confirms and releases), or {@code waited} is
     *     negative
     */
    public BatchSent {
      Objects.requireNonNull(operation, "operation must not be null");
      boolean placements = operation == Operation.RESERVE || operation == Operation.PURCHASE;
      boolean moves = operation == Operation.CONFIRM || operation == Operation.RELEASE;
      if (!placements && !moves) {
        throw new IllegalArgumentException(
            "operation must be RESERVE, PURCHASE, CONFIRM or RELEASE, but was " + operation);
      }
      if (size < 1 || (placements ? keys < 1 : keys != 0)) {
        throw new IllegalArgumentException(
            (placements ? "a batch must have a request and a key" : "a batch of moves has 0 keys")
                + ", but was keys="
                + keys
                + " size="
                + size);
      }
      checkDuration("waited", waited);
    }
  }

  /**
   * The listener fell behind: this many events found the delivery queue full and were dropped
   * (since the last such event). Told as soon as the queue has room again.
   *
   * @param count the events dropped, at least 1
   * @since 0.1.0
   */
  record EventsDropped(long count) implements InventoryEvent {
    /**
     * Checks the count.
     *
     * @param count the events dropped
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public EventsDropped {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1, but was " + count);
      }
    }
  }

  private static void checkDuration(String field, Duration duration) {
    Objects.requireNonNull(duration, () -> field + " must not be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, but was " + duration);
    }
  }
}
