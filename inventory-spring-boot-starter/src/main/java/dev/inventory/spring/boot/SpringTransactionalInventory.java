package dev.inventory.spring.boot;

import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.jdbc.TransactionalInventory;
import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The inventory inside the current Spring transaction: each call runs on the connection the
 * transaction holds ({@link DataSourceUtils#getConnection}), as {@link
 * JdbcInventoryStore#inTransaction(Connection)} does, so that an order row written in a
 * {@code @Transactional} method and the sale commit or roll back together.
 *
 * <pre>{@code
 * @Transactional
 * public void checkout(String cartId, Order order) {
 *   orders.insert(order);                    // the application's own SQL
 *   transactionalInventory.confirm(cartId);  // the same transaction, as its last step
 * }                                          // both commit, or (on an exception) neither
 * }</pre>
 *
 * <p>The rules of {@link TransactionalInventory} apply: nothing is retried (the transaction is the
 * caller's: let it roll back and run the whole method again; reservation ids make that safe), the
 * builder's timeouts and flash-sale mode do not apply, and the stock rows changed stay locked until
 * the transaction ends. A call outside a transaction throws {@link IllegalStateException}.
 *
 * <p>Thread-safe: each call works on the calling thread's transaction.
 *
 * @since 0.1.0
 */
public final class SpringTransactionalInventory implements TransactionalInventory {
  private final JdbcInventoryStore store;
  private final DataSource dataSource;

  /**
   * The inventory of this store inside transactions on this data source.
   *
   * @param store the store
   * @param dataSource the data source the transaction manager manages: the store's own
   * @throws NullPointerException if an argument is null
   */
  public SpringTransactionalInventory(JdbcInventoryStore store, DataSource dataSource) {
    this.store = Objects.requireNonNull(store, "store must not be null");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
  }

  private <T> T inTransaction(Function<TransactionalInventory, T> call) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException(
          "SpringTransactionalInventory must be called inside a Spring transaction"
              + " (@Transactional, or a TransactionTemplate); outside one, use the Inventory");
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    try {
      return call.apply(store.inTransaction(connection));
    } finally {
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  @Override
  public Reservation reserve(ReservationRequest request) {
    return inTransaction(inventory -> inventory.reserve(request));
  }

  @Override
  public Reservation purchase(ReservationRequest request) {
    return inTransaction(inventory -> inventory.purchase(request));
  }

  @Override
  public Reservation confirm(String reservationId) {
    return inTransaction(inventory -> inventory.confirm(reservationId));
  }

  @Override
  public Reservation release(String reservationId) {
    return inTransaction(inventory -> inventory.release(reservationId));
  }

  @Override
  public Reservation extend(String reservationId, Duration ttl) {
    return inTransaction(inventory -> inventory.extend(reservationId, ttl));
  }

  @Override
  public Optional<Reservation> findReservation(String reservationId) {
    return inTransaction(inventory -> inventory.findReservation(reservationId));
  }

  @Override
  public StockLevel receive(StockKey key, long quantity, @Nullable String reason) {
    return inTransaction(inventory -> inventory.receive(key, quantity, reason));
  }

  @Override
  public Map<StockKey, StockLevel> levels(Collection<StockKey> keys) {
    return inTransaction(inventory -> inventory.levels(keys));
  }
}
