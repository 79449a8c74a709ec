package dev.inventory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stock that is never oversold: reserve it into carts, confirm it as a sale, release it on cancel,
 * let abandoned carts expire.
 *
 * <p>Every change is atomic (all of it or none of it) and leaves one entry per key in the
 * append-only inventory log, in key order (a change that expires several holds: one per key and
 * hold, on one key in reservation id order). Reads and writes use the implementation's clock: a
 * hold whose {@code expiresAt} is at or before now is expired, even before anything has written
 * that down. Times are kept to the microsecond, as PostgreSQL keeps them: the clock's now, and now
 * plus a TTL, are truncated to it.
 *
 * <p>Invalid arguments throw {@link IllegalArgumentException} or {@link NullPointerException}
 * before anything is read or written. Every other failure is an {@link InventoryException}; on any
 * exception nothing has changed, with two exceptions: a {@link ReservationExpiredException} from
 * {@link #confirm}, {@link #release}, {@link #amend} or {@link #extend} on a hold that had run out
 * but was not yet written as expired comes after writing that expiry (freeing its units); and an
 * {@link InventoryUnavailableException} leaves it unknown whether a write took effect (repeat it
 * with the same reservation id to find out).
 *
 * <p>Expired holds never block stock: whenever a change is short of unreserved units on some keys
 * ({@link #reserve}, {@link #purchase}, the growth of {@link #amend}, a decrease by {@link #adjust}
 * or {@link #setOnHand}), every due hold with a line on a short key is expired (the whole
 * reservation) and the change is tried once more. If it is still short, it throws {@link
 * InsufficientStockException} and nothing at all is written, not even those expiries.
 *
 * <p>Implementations are thread-safe.
 */
public interface Inventory {

  /**
   * Holds stock for every line of the request, or for none.
   *
   * <p>Idempotent on {@link ReservationRequest#id()}: if a reservation with this id exists (made by
   * {@code reserve} or {@link #purchase}) and has the same lines (after merging; the TTL is not
   * compared), it is returned as it is now, whatever its status, and nothing changes.
   *
   * <p>If a key is short, holds that have expired on the short keys are expired first and the
   * request is tried once more, so abandoned carts never block a sale (see above).
   *
   * @return the new (or replayed) reservation, {@link Reservation.Status#HELD} if new
   * @throws InsufficientStockException if any line is short; names every short line. Nothing is
   *     held and the id stays free.
   * @throws IdempotencyConflictException if the id exists with different lines
   */
  Reservation reserve(ReservationRequest request);

  /**
   * Changes a held reservation to exactly these lines (the cart was edited), all or nothing. Keys
   * that grow must have the extra units free; keys that shrink or vanish give units back. The
   * expiry is kept as it is: call {@link #extend} to push it.
   *
   * @param lines the new content, 1 to 1,000 lines, merged per key; to empty a cart, {@link
   *     #release} it
   * @throws InsufficientStockException if a key that grows is short; {@code requested} is the new
   *     total, {@code available} includes what the reservation already holds on that key
   * @throws ReservationNotFoundException if no reservation has this id
   * @throws ReservationExpiredException if its hold has run out; the held units are freed by this
   *     call if nothing freed them yet
   * @throws ReservationStateException if it is confirmed or released
   */
  Reservation amend(String reservationId, List<Line> lines);

  /**
   * Sets a held reservation's expiry to now plus {@code ttl} (which may also shorten it).
   *
   * @param ttl 1 second to 30 days
   * @throws ReservationNotFoundException if no reservation has this id
   * @throws ReservationExpiredException if its hold has already run out; the held units are freed
   *     by this call if nothing freed them yet
   * @throws ReservationStateException if it is confirmed or released
   */
  Reservation extend(String reservationId, Duration ttl);

  /**
   * The sale: takes every line of a held reservation off on-hand and off reserved, atomically.
   * Idempotent: confirming a confirmed reservation returns it unchanged.
   *
   * <p>Of confirm, release and expiry, exactly one wins a reservation; the others see its final
   * status.
   *
   * @throws ReservationNotFoundException if no reservation has this id
   * @throws ReservationExpiredException if its hold has run out; the held units are freed by this
   *     call if nothing freed them yet
   * @throws ReservationStateException if it was released
   */
  Reservation confirm(String reservationId);

  /**
   * Cancels a held reservation: its units become available again. Idempotent: releasing a released
   * reservation returns it unchanged.
   *
   * @throws ReservationNotFoundException if no reservation has this id
   * @throws ReservationExpiredException if its hold has run out; the held units are freed by this
   *     call if nothing freed them yet
   * @throws ReservationStateException if it is confirmed
   */
  Reservation release(String reservationId);

  /**
   * Reserves and confirms in one atomic step: a direct order without a cart. Idempotent on the id
   * like {@link #reserve}, in the same namespace of ids: replaying the id of a held reservation
   * returns it held. Expired holds on short keys are expired first, as for {@link #reserve}.
   *
   * @return the reservation, {@link Reservation.Status#CONFIRMED} if new
   * @throws InsufficientStockException if any line is short; nothing is sold
   * @throws IdempotencyConflictException if the id exists with different lines
   */
  Reservation purchase(ReservationRequest request);

  /**
   * The reservation with this id as it is now; a hold past its expiry shows as {@link
   * Reservation.Status#EXPIRED}.
   */
  Optional<Reservation> findReservation(String reservationId);

  /**
   * Adds received units to on-hand (a delivery), creating the key if it was never stocked.
   *
   * @param quantity 1 to 1,000,000,000
   * @param reason free text for the log, may be null
   * @return the level after the change
   */
  StockLevel receive(StockKey key, long quantity, String reason);

  /**
   * Corrects on-hand by {@code delta} (a count, breakage, a return).
   *
   * @param delta non-zero, -1,000,000,000 to 1,000,000,000
   * @return the level after the change
   * @throws InsufficientStockException if a decrease would take on-hand below what is reserved
   *     (expired holds on the key are expired first to make room); {@code requested} is the
   *     decrease, {@code available} the unreserved stock; a key never stocked has 0 available
   */
  StockLevel adjust(StockKey key, long delta, String reason);

  /**
   * Sets on-hand to a counted figure; the log records the difference.
   *
   * <p>Creates the key if it was never stocked, and logs a {@code SET} entry even when the figure
   * is unchanged (its delta is then 0).
   *
   * @param onHand 0 to 10^18
   * @return the level after the change
   * @throws InsufficientStockException if the figure is below what is reserved (expired holds on
   *     the key are expired first to make room); {@code requested} is the decrease, {@code
   *     available} the unreserved stock
   */
  StockLevel setOnHand(StockKey key, long onHand, String reason);

  /**
   * The levels of these keys now, in one consistent read. Every key asked for is in the map (in key
   * order); a key never stocked reads as 0 on-hand, 0 reserved. Holds past their expiry count as
   * available, not reserved.
   */
  Map<StockKey, StockLevel> levels(Collection<StockKey> keys);

  /** The level of one key now; see {@link #levels}. */
  default StockLevel level(StockKey key) {
    return levels(List.of(key)).get(key);
  }

  /**
   * Expires up to {@code limit} held reservations whose time has come ({@code expiresAt <= now}),
   * earliest {@code expiresAt} first (at one instant, in reservation id order as {@link
   * String#compareTo} orders ids), freeing their units. Safe to run from several application
   * instances at once: each reservation is expired by one of them.
   *
   * @param limit at least 1
   * @return how many reservations this call expired
   */
  int expireDue(int limit);
}
