package dev.inventory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
 *
 * @since 0.1.0
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
   * @param request the id, the lines and the TTL ({@code null}: the implementation's default TTL)
   * @return the new (or replayed) reservation, {@link Reservation.Status#HELD} if new
   * @throws InsufficientStockException if any line is short; names every short line. Nothing is
   *     held and the id stays free.
   * @throws BuyerLimitExceededException if the request names a buyer and would take it past an
   *     item's per-buyer limit (held plus bought units of the SKU, all locations; the buyer's holds
   *     past their expiry are expired first if that makes room). Nothing is held.
   * @throws IdempotencyConflictException if the id exists with different lines, prices or buyer
   */
  Reservation reserve(ReservationRequest request);

  /**
   * Changes a held reservation to exactly these lines (the cart was edited), all or nothing. Keys
   * that grow must have the extra units free; keys that shrink or vanish give units back. The
   * expiry is kept as it is: call {@link #extend} to push it.
   *
   * @param reservationId the id of a held reservation
   * @param lines the new content, 1 to 1,000 lines, merged per key; to empty a cart, {@link
   *     #release} it
   * @return the reservation with its new lines, {@link Reservation.Status#HELD}
   * @throws IllegalArgumentException if {@code lines} is empty or has more than 1,000 lines
   * @throws InsufficientStockException if a key that grows is short; {@code requested} is the new
   *     total, {@code available} includes what the reservation already holds on that key
   * @throws BuyerLimitExceededException if the reservation has a buyer and the growth would take it
   *     past an item's per-buyer limit
   * @throws ReservationNotFoundException if no reservation has this id
   * @throws ReservationExpiredException if its hold has run out; the held units are freed by this
   *     call if nothing freed them yet
   * @throws ReservationStateException if it is confirmed or released
   */
  Reservation amend(String reservationId, List<Line> lines);

  /**
   * Sets a held reservation's expiry to now plus {@code ttl} (which may also shorten it). Not
   * idempotent in effect: each call starts the hold again from now.
   *
   * @param reservationId the id of a held reservation
   * @param ttl 1 second to 30 days
   * @return the reservation with its new {@code expiresAt}, {@link Reservation.Status#HELD}
   * @throws IllegalArgumentException if {@code ttl} is out of bounds
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
   * @param reservationId the id of a held (or confirmed) reservation
   * @return the reservation, {@link Reservation.Status#CONFIRMED}
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
   * @param reservationId the id of a held (or released) reservation
   * @return the reservation, {@link Reservation.Status#RELEASED}
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
   * @param request the id and the lines; the TTL is not used (nothing is held)
   * @return the reservation, {@link Reservation.Status#CONFIRMED} if new
   * @throws InsufficientStockException if any line is short; nothing is sold
   * @throws BuyerLimitExceededException if the request names a buyer and would take it past an
   *     item's per-buyer limit; nothing is sold
   * @throws IdempotencyConflictException if the id exists with different lines, prices or buyer
   */
  Reservation purchase(ReservationRequest request);

  /**
   * The reservation with this id as it is now; a hold past its expiry shows as {@link
   * Reservation.Status#EXPIRED}. Reads only: writes nothing, not even that expiry.
   *
   * @param reservationId the id the reservation was made with
   * @return the reservation, or empty if no reservation has this id
   */
  Optional<Reservation> findReservation(String reservationId);

  /** The largest page {@link #findReservations} returns. */
  int MAX_PAGE_SIZE = 1000;

  /**
   * A buyer's reservations, newest first (by {@code createdAt}, then by id, both descending: id
   * order is {@link String#compareTo}'s), a page at a time, each as it is now (a hold past its
   * expiry shows as {@link Reservation.Status#EXPIRED}). Paged by a cursor that names where the
   * last page ended, so that reservations made while paging never shift a page: they are newer than
   * the first page and are not listed. Reads only.
   *
   * @param buyer the buyer the reservations were made for ({@link ReservationRequest#buyer()})
   * @param pageSize 1 to {@value #MAX_PAGE_SIZE} reservations
   * @param cursor {@code null} for the first page, else the {@link ReservationPage#nextCursor()} of
   *     the page before, for the same buyer
   * @return up to {@code pageSize} reservations; the last page has no next cursor
   * @throws NullPointerException if {@code buyer} is null
   * @throws IllegalArgumentException if the buyer or the page size is out of bounds, or the cursor
   *     is not one of this buyer's pages
   * @since 0.1.0
   */
  ReservationPage findReservations(String buyer, int pageSize, @Nullable String cursor);

  /**
   * Adds received units to on-hand (a delivery), creating the key if it was never stocked. Never
   * refused for lack of stock; not idempotent (each call adds).
   *
   * @param key the key that received stock
   * @param quantity 1 to 1,000,000,000
   * @param reason free text for the log, at most 1,000 characters without control characters, or
   *     {@code null}
   * @return the level after the change
   * @throws IllegalArgumentException if {@code quantity} or {@code reason} is out of bounds
   */
  StockLevel receive(StockKey key, long quantity, @Nullable String reason);

  /**
   * Corrects on-hand by {@code delta} (a count, breakage, a return), creating the key if it was
   * never stocked. Not idempotent (each call corrects).
   *
   * @param key the key to correct
   * @param delta non-zero, -1,000,000,000 to 1,000,000,000
   * @param reason free text for the log, at most 1,000 characters without control characters, or
   *     {@code null}
   * @return the level after the change
   * @throws IllegalArgumentException if {@code delta} is 0, or it or {@code reason} is out of
   *     bounds
   * @throws InsufficientStockException if a decrease would take on-hand below what is reserved
   *     (expired holds on the key are expired first to make room); {@code requested} is the
   *     decrease, {@code available} the unreserved stock; a key never stocked has 0 available
   */
  StockLevel adjust(StockKey key, long delta, @Nullable String reason);

  /**
   * Sets on-hand to a counted figure; the log records the difference.
   *
   * <p>Creates the key if it was never stocked, and logs a {@code SET} entry even when the figure
   * is unchanged (its delta is then 0).
   *
   * @param key the key that was counted
   * @param onHand 0 to 10^18
   * @param reason free text for the log, at most 1,000 characters without control characters, or
   *     {@code null}
   * @return the level after the change
   * @throws IllegalArgumentException if {@code onHand} or {@code reason} is out of bounds
   * @throws InsufficientStockException if the figure is below what is reserved (expired holds on
   *     the key are expired first to make room); {@code requested} is the decrease, {@code
   *     available} the unreserved stock
   */
  StockLevel setOnHand(StockKey key, long onHand, @Nullable String reason);

  /**
   * The levels of these keys now, in one consistent read. Every key asked for is in the map (in key
   * order); a key never stocked reads as 0 on-hand, 0 reserved. Holds past their expiry count as
   * available, not reserved. Reads only.
   *
   * @param keys the keys to read, any number (duplicates are read once)
   * @return an unmodifiable map with one level per distinct key asked for, iterated in key order
   * @throws NullPointerException if {@code keys} or one of them is null
   */
  Map<StockKey, StockLevel> levels(Collection<StockKey> keys);

  /**
   * The level of one key now; see {@link #levels}.
   *
   * @param key the key to read
   * @return its level; 0 on-hand, 0 reserved if it was never stocked
   */
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
   * @return how many reservations this call expired, 0 to {@code limit}
   * @throws IllegalArgumentException if {@code limit} is below 1
   */
  int expireDue(int limit);
}
