package dev.inventory.jdbc;

import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The inventory operations of a checkout, run inside the caller's own database transaction, so that
 * the caller's rows (an order, a payment record) and the stock change commit together or not at
 * all. Get one from {@link JdbcInventoryStore#inTransaction(java.sql.Connection)} or {@link
 * JdbcInventoryStore#inTransaction(org.jdbi.v3.core.Handle)}.
 *
 * <pre>{@code
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   insertOrder(c, order);                          // the caller's SQL
 *   store.inTransaction(c).confirm(order.cartId()); // the same transaction
 *   c.commit();                                     // both, or (on rollback) neither
 * }
 * }</pre>
 *
 * <p>Each method means what it means on {@link Inventory}, with the same SQL, the same checks and
 * the same exceptions, with these differences:
 *
 * <ul>
 *   <li><b>Nothing is committed here.</b> The library never commits, rolls back, closes or changes
 *       the autocommit mode of the caller's connection. Its changes become visible to others when
 *       the caller commits, and vanish if the caller rolls back.
 *   <li><b>The connection must be in a transaction</b> (autocommit off); otherwise every method
 *       throws {@link IllegalStateException} before any SQL.
 *   <li><b>Each call is atomic within the transaction:</b> it runs inside a savepoint of its own;
 *       if it throws, its own changes are rolled back to that savepoint and the caller's
 *       transaction stays usable (unless the connection itself failed).
 *   <li><b>Retries are the caller's business.</b> Nothing is retried: a deadlock, a serialization
 *       failure (under REPEATABLE READ or SERIALIZABLE) or a lost connection throws {@link
 *       InventoryUnavailableException}; roll the transaction back and run the whole unit of work
 *       again. Reservation ids make a repeated reserve, purchase or confirm safe.
 *   <li><b>Row locks last until the caller commits.</b> A stock row changed here stays locked for
 *       the rest of the caller's transaction, and every other cart on that SKU waits for it: keep
 *       the transaction short, and make the inventory call its last step before the commit.
 * </ul>
 *
 * <p>Not thread-safe, like the connection it is bound to: use it on the thread that owns the
 * transaction, and only for the length of that transaction.
 *
 * @since 0.1.0
 */
public interface TransactionalInventory {
  /**
   * {@link Inventory#reserve}, in the caller's transaction.
   *
   * @param request the id, the lines and the TTL ({@code null}: the store's default TTL)
   * @return the new (or replayed) reservation
   */
  Reservation reserve(ReservationRequest request);

  /**
   * {@link Inventory#purchase}, in the caller's transaction.
   *
   * @param request the id and the lines
   * @return the reservation, confirmed if new
   */
  Reservation purchase(ReservationRequest request);

  /**
   * {@link Inventory#confirm}, in the caller's transaction.
   *
   * @param reservationId the id of a held (or confirmed) reservation
   * @return the reservation, confirmed
   */
  Reservation confirm(String reservationId);

  /**
   * {@link Inventory#release}, in the caller's transaction.
   *
   * @param reservationId the id of a held (or released) reservation
   * @return the reservation, released
   */
  Reservation release(String reservationId);

  /**
   * {@link Inventory#extend}, in the caller's transaction.
   *
   * @param reservationId the id of a held reservation
   * @param ttl 1 second to 30 days
   * @return the reservation with its new expiry
   */
  Reservation extend(String reservationId, Duration ttl);

  /**
   * {@link Inventory#findReservation}, as the caller's transaction sees it.
   *
   * @param reservationId the id the reservation was made with
   * @return the reservation, or empty if the transaction sees none with this id
   */
  Optional<Reservation> findReservation(String reservationId);

  /**
   * {@link Inventory#receive}, in the caller's transaction (a return booked with its refund).
   *
   * @param key the key that received stock
   * @param quantity 1 to 1,000,000,000
   * @param reason free text for the log, at most 1,000 characters without control characters, or
   *     {@code null}
   * @return the level after the change, as the transaction sees it
   */
  StockLevel receive(StockKey key, long quantity, @Nullable String reason);

  /**
   * {@link Inventory#levels}, as the caller's transaction sees them.
   *
   * @param keys the keys to read
   * @return one level per distinct key, in key order
   */
  Map<StockKey, StockLevel> levels(Collection<StockKey> keys);

  /**
   * {@link Inventory#level}, as the caller's transaction sees it.
   *
   * @param key the key to read
   * @return its level
   */
  default StockLevel level(StockKey key) {
    return levels(List.of(key)).get(key);
  }
}
