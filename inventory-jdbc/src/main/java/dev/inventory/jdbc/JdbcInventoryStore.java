package dev.inventory.jdbc;

import dev.inventory.Inventory;
import dev.inventory.StockLedger;
import dev.inventory.catalog.Catalog;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.Migrations;
import dev.inventory.jdbc.internal.PostgresCatalog;
import dev.inventory.jdbc.internal.PostgresInventory;
import dev.inventory.jdbc.internal.PostgresMovementReports;
import dev.inventory.jdbc.internal.PostgresStockLedger;
import dev.inventory.jdbc.internal.Settings;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;

/**
 * Everything the PostgreSQL implementation offers on one schema: the {@link Inventory}, its {@link
 * Catalog} of items and locations, its {@link StockLedger} (bulk stock, history, audit), the
 * inventory inside a caller's transaction, and the daily movement reports. Built by {@link
 * JdbcInventory.Builder#buildStore()}.
 *
 * <pre>{@code
 * JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("inventory").buildStore();
 * Inventory inventory = store.inventory();
 * BulkResult loaded = store.ledger().receiveAll(entries, "delivery 4711");
 * }</pre>
 *
 * <p>Thread-safe, and meant to be built once and shared; {@link #inventory()}, {@link #catalog()},
 * {@link #ledger()} and {@link #reports()} return the same objects every time. Like {@link
 * JdbcInventory}, it borrows the host's {@code DataSource} for the length of each call and owns no
 * connection.
 *
 * @since 0.1.0
 */
public final class JdbcInventoryStore {
  private final PostgresInventory inventory;
  private final Catalog catalog;
  private final StockLedger ledger;
  private final MovementReports reports;
  private final boolean knownKeysOnly;

  JdbcInventoryStore(
      DataSource dataSource,
      Settings settings,
      Events events,
      PostgresInventory inventory,
      Duration reportLease) {
    this.inventory = inventory;
    this.catalog = new PostgresCatalog(dataSource, settings, events);
    this.ledger = new PostgresStockLedger(dataSource, settings, events);
    this.reports = new PostgresMovementReports(dataSource, settings, reportLease);
    this.knownKeysOnly = settings.knownKeysOnly();
  }

  /**
   * The inventory, as {@link JdbcInventory.Builder#build()} returns it.
   *
   * @return the same thread-safe inventory on every call
   */
  public Inventory inventory() {
    return inventory;
  }

  /**
   * The catalog of items and locations, on the same schema. In known-keys mode it decides which
   * keys the inventory serves.
   *
   * @return the same thread-safe catalog on every call
   */
  public Catalog catalog() {
    return catalog;
  }

  /**
   * Whether the inventory serves only the keys its catalog knows: built with {@link
   * JdbcInventory.Builder#knownKeysOnly}, or on a schema whose known-keys guard was on at build.
   *
   * @return {@code true} in known-keys mode
   */
  public boolean knownKeysOnly() {
    return knownKeysOnly;
  }

  /**
   * Bulk stock, a key's history and the audit, on the same schema and clock.
   *
   * @return the same thread-safe ledger on every call
   */
  public StockLedger ledger() {
    return ledger;
  }

  /**
   * The daily movement reports (per key and per seller), their jobs and their CSV exports.
   *
   * @return the same thread-safe reports on every call; their jobs are kept in the database, so the
   *     reports of another store on the same schema find them too
   */
  public MovementReports reports() {
    return reports;
  }

  /**
   * Flash-sale mode now: how many one-line requests wait for a combined statement, and how many
   * such statements are in flight, per kind. For gauges; cheap (reads two counters under the
   * combiners' lock), no database call.
   *
   * @return a snapshot; all zero (and {@code combining == false}) when flash-sale mode is off
   */
  public FlashSaleStatus flashSaleStatus() {
    return inventory.flashSaleStatus();
  }

  /**
   * When the oldest hold that has run out, but is not yet written as expired, ran out: {@code now -
   * findOldestDueHold()} is how far the sweeper lags. One read of the partial index on held
   * reservations (cheap however large the store), on a connection of the pool, at the store's
   * clock.
   *
   * @return the oldest due hold's {@code expiresAt}, or empty if no hold is due
   * @throws dev.inventory.InventoryException if the database cannot be read
   */
  public Optional<Instant> findOldestDueHold() {
    return inventory.findOldestDueHold();
  }

  /**
   * The newest of the library's migrations applied to the schema, read from its Flyway history
   * ({@code inventory_schema_history}): for health checks.
   *
   * @return the migration version, e.g. 5
   * @throws dev.inventory.InventoryException if the database cannot be read
   */
  public int schemaVersion() {
    return inventory.schemaVersion();
  }

  /**
   * The newest of the library's migrations this version of the library needs: a {@link
   * #schemaVersion()} below it means the schema was not migrated (with {@code migrate(false)}, the
   * host's job).
   *
   * @return the migration version this library needs
   */
  public int requiredSchemaVersion() {
    return Migrations.REQUIRED_VERSION;
  }

  /**
   * The inventory inside the caller's transaction on a plain JDBC connection: see {@link
   * TransactionalInventory}. The connection must have autocommit off; the library never commits,
   * rolls back or closes it. Cheap: bind once per transaction.
   *
   * @param connection a connection to the inventory's database, in a transaction (autocommit off)
   * @return the inventory operations bound to that connection; not thread-safe
   * @throws NullPointerException if {@code connection} is null
   */
  public TransactionalInventory inTransaction(Connection connection) {
    Objects.requireNonNull(connection, "connection must not be null");
    return inventory.bind(connection);
  }

  /**
   * The inventory inside the caller's Jdbi transaction ({@code jdbi.useTransaction(handle ->
   * ...)}): see {@link TransactionalInventory}. It runs on the handle's connection; the library
   * never commits, rolls back or closes the handle.
   *
   * @param handle a Jdbi handle in a transaction on the inventory's database
   * @return the inventory operations bound to the handle's connection; not thread-safe
   * @throws NullPointerException if {@code handle} is null
   */
  public TransactionalInventory inTransaction(Handle handle) {
    Objects.requireNonNull(handle, "handle must not be null");
    return inTransaction(handle.getConnection());
  }
}
