package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.InventoryTimeoutException;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent.Retried;
import java.sql.SQLException;
import java.util.stream.Collectors;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.util.PSQLException;

/**
 * Every failure of the database, translated into the library's exceptions in this one place: the
 * SQLSTATEs of a call, whether a failure may be retried (for {@link Db}), and the failures of
 * start-up and migration.
 */
final class SqlErrors {
  private SqlErrors() {}

  /** Where a failure struck, which decides what can be said of its outcome. */
  enum Phase {
    /** Borrowing a connection: nothing was sent. */
    CONNECT,
    /** Inside a transaction, before its commit was sent: nothing committed. */
    BEFORE_COMMIT,
    /** The commit itself, or an autocommit statement: it may or may not have committed. */
    COMMIT
  }

  /** True if the database rolled the transaction back to break a deadlock or a conflict. */
  static boolean isSerializationOrDeadlock(String state) {
    return "40001".equals(state) || "40P01".equals(state);
  }

  /** True if the connection broke, or the server is shutting down or starting. */
  static boolean isConnectionLoss(String state) {
    return state != null
        && (state.startsWith("08")
            || "57P01".equals(state)
            || "57P02".equals(state)
            || "57P03".equals(state));
  }

  /** Why a retryable failure is retried, for the events. */
  static Retried.Reason retryReason(Phase phase, String state) {
    if ("40P01".equals(state)) {
      return Retried.Reason.DEADLOCK;
    }
    if ("40001".equals(state)) {
      return Retried.Reason.SERIALIZATION_FAILURE;
    }
    return phase == Phase.CONNECT ? Retried.Reason.NO_CONNECTION : Retried.Reason.CONNECTION_LOST;
  }

  /** True if the failure says a reservation id (or a line of it) already exists. */
  static boolean isReservationIdTaken(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && isReservationIdTaken(sql);
  }

  /** True if the failure is the unique violation of a reservation id. */
  static boolean isDuplicateReservationId(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && "reservation_pkey".equals(uniqueConstraint(sql));
  }

  /**
   * True if a cart's statement found a line short under its row lock, after its snapshot said the
   * line fit (SQLSTATE IV001, raised by V5's {@code inventory_place_cart}): nothing was written.
   */
  static boolean isCartRaced(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && CART_RACED.equals(sql.getSQLState());
  }

  private static final String CART_RACED = "IV001";

  /**
   * Whether a placement found its buyer's units past the limit under the row's lock (SQLSTATE
   * IV002, raised by V7's placement functions, which undoes the whole statement): another
   * transaction took the buyer's units between the check and the lock. Tried again.
   */
  static boolean isBuyerRaced(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && BUYER_RACED.equals(sql.getSQLState());
  }

  private static final String BUYER_RACED = "IV002";

  /** The foreign keys of known-keys mode's guard (V6's {@code inventory_known_keys_on}). */
  static final String KNOWN_ITEM = "stock_level_known_item";

  static final String KNOWN_LOCATION = "stock_level_known_location";

  /**
   * True if the guard of known-keys mode refused a stock row: a key whose SKU or location the
   * catalog does not know, or has deactivated (a foreign key violation, 23503, of one of its two
   * constraints). Nothing was written; the caller reads which keys, and says so.
   */
  static boolean isUnknownKey(RuntimeException e) {
    SQLException sql = sqlCause(e);
    return sql != null && isUnknownKey(sql);
  }

  private static boolean isUnknownKey(SQLException sql) {
    if ("23503".equals(sql.getSQLState())
        && sql instanceof PSQLException psql
        && psql.getServerErrorMessage() != null) {
      String constraint = psql.getServerErrorMessage().getConstraint();
      return KNOWN_ITEM.equals(constraint) || KNOWN_LOCATION.equals(constraint);
    }
    return false;
  }

  /** A unique violation on a reservation's id or its lines: the id was taken meanwhile. */
  private static boolean isReservationIdTaken(SQLException sql) {
    String constraint = uniqueConstraint(sql);
    return "reservation_pkey".equals(constraint) || "reservation_line_pkey".equals(constraint);
  }

  /** The constraint a unique violation (23505) names; null for any other failure. */
  private static String uniqueConstraint(SQLException sql) {
    if ("23505".equals(sql.getSQLState())
        && sql instanceof PSQLException psql
        && psql.getServerErrorMessage() != null) {
      return psql.getServerErrorMessage().getConstraint();
    }
    return null;
  }

  static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /**
   * An SQLException of a direct JDBC call (savepoints, COPY) as the Jdbi exception every other
   * failure arrives as, so that it is translated in the same place.
   */
  static JdbiException sqlFailure(String what, SQLException e) {
    return new UnableToExecuteStatementException(what + ": " + e.getMessage(), e, null);
  }

  /**
   * Translates a failure of work in a transaction the library does not own (see {@link
   * CallerSession}). Never retried, and never a commit: the caller commits.
   */
  static RuntimeException translateWithoutRetry(RuntimeException e) {
    return translate(Phase.BEFORE_COMMIT, e, 1, false);
  }

  /**
   * The library's exception for a failure of a call that struck in {@code phase}, after {@code
   * attempts} attempts; {@code idempotent}: whether repeating the call is safe, which is what an
   * unknown outcome tells the caller to do.
   */
  static RuntimeException translate(
      Phase phase, Throwable cause, int attempts, boolean idempotent) {
    SQLException sql = sqlCause(cause);
    String state = sql == null ? null : sql.getSQLState();
    String after = attempts > 1 ? " (after " + attempts + " attempts)" : "";
    if (phase == Phase.CONNECT) {
      return new InventoryUnavailableException(
          "could not get a database connection" + after + ": " + cause.getMessage(), cause);
    }
    if (state == null) {
      return new InventoryException("database call failed: " + cause.getMessage(), cause);
    }
    if ((isReservationIdTaken(sql) || CART_RACED.equals(state) || isUnknownKey(sql))
        && cause instanceof RuntimeException runtime) {
      // A reservation id taken: the caller resolves it as an idempotent replay. A cart short
      // under its row lock: the caller reads what is free and decides. A key the catalog guard
      // refused: the caller reads which keys, and names them.
      return runtime;
    }
    if (isSerializationOrDeadlock(state)) {
      return new InventoryUnavailableException(
          "database kept aborting the transaction (SQLSTATE " + state + ")" + after, sql);
    }
    if (isConnectionLoss(state)) {
      String outcome =
          phase == Phase.COMMIT
              ? idempotent
                  ? "; the outcome is unknown: repeating the call is safe (a reservation id"
                      + " applies once)"
                  : "; the outcome is unknown: read the level or the log before repeating the"
                      + " call, which could apply it twice"
              : "; nothing was changed";
      return new InventoryUnavailableException(
          "database connection failed (SQLSTATE " + state + ")" + after + outcome,
          sql,
          phase == Phase.COMMIT);
    }
    switch (state) {
      case "55P03":
        return new InventoryTimeoutException(
            "timed out waiting for a lock on a key, its row or its queue (SQLSTATE 55P03, lock_timeout);"
                + " nothing was changed",
            sql);
      case "57014":
        return new InventoryTimeoutException(
            "statement cancelled (SQLSTATE 57014, statement_timeout); nothing was changed", sql);
      case "25006":
        return new InventoryUnavailableException(
            "database is read-only (SQLSTATE 25006): connected to a standby, not the primary", sql);
      case "42P01":
      case "3F000":
        return new InventoryException(
            "inventory tables not found (SQLSTATE "
                + state
                + "): run the migrations (JdbcInventory.builder(...).migrate(true))",
            sql);
      case "23514":
        return new InventoryException(
            "the database refused a change that would break a stock invariant: " + sql.getMessage(),
            sql);
      default:
        return new InventoryException(
            "database call failed (SQLSTATE " + state + "): " + sql.getMessage(), sql);
    }
  }

  // ---------------------------------------------------------------- start-up and migration

  /** Flyway could not migrate the library's schema. */
  static InventoryException migrationFailed(String schema, FlywayException e) {
    return new InventoryException(
        "could not migrate the inventory schema '" + schema + "': " + e.getMessage(), e);
  }

  /** The schema's history says it is behind what this version of the library needs. */
  static InventoryException schemaBehind(String schema, int version, int required) {
    return new InventoryException(
        "inventory schema '"
            + schema
            + "' is at migration version "
            + version
            + " but this library needs "
            + required
            + ": run the migrations (JdbcInventory.builder(...).migrate(true))");
  }

  /** The schema's history could not be read: no schema, no history table, no grant. */
  static InventoryException schemaNotMigrated(String schema, SQLException e) {
    return new InventoryException(
        "inventory schema '"
            + schema
            + "' is not migrated ("
            + e.getMessage()
            + "): run the migrations (JdbcInventory.builder(...).migrate(true))",
        e);
  }

  /** Known-keys mode's guard could not be switched on. */
  static InventoryException knownKeysGuardFailed(String schema, SQLException e) {
    return new InventoryException(
        "could not switch on known-keys mode's guard on the inventory schema '"
            + schema
            + "' (run it as the schema's owner, with migrate(true)): "
            + e.getMessage(),
        e);
  }

  /** Known-keys mode's guard cannot be laid over stock of keys the catalog does not know. */
  static InventoryException stockOnUnknownKeys(String schema, java.util.List<StockKey> keys) {
    return new InventoryException(
        "known-keys mode cannot start on the inventory schema '"
            + schema
            + "': it has stock of keys the catalog does not know ("
            + keys.stream().map(StockKey::toString).collect(Collectors.joining(", "))
            + (keys.size() >= 100 ? ", ..." : "")
            + "); add their SKUs and locations to the catalog first (inactive ones if they are"
            + " no longer sold)");
  }

  /** With migrate(false), known-keys mode needs the guard switched on by the schema's owner. */
  static InventoryException knownKeysGuardOff(String schema) {
    return new InventoryException(
        "known-keys mode needs its guard on the inventory schema '"
            + schema
            + "', which is off: build once as the schema's owner with migrate(true) and"
            + " knownKeysOnly(true), or run SELECT * FROM "
            + schema
            + ".inventory_known_keys_on() as the owner");
  }

  /** The start-up checks could not talk to the database. */
  static InventoryException startupCheckFailed(SQLException e) {
    return new InventoryException("could not check the database: " + e.getMessage(), e);
  }

  /** The DataSource reaches a standby. */
  static InventoryException connectedToStandby() {
    return new InventoryException(
        "the DataSource is connected to a standby (read-only); the inventory needs the"
            + " primary: use targetServerType=primary in a multi-host JDBC URL");
  }
}
