package dev.inventory.jdbc;

import dev.inventory.Inventory;
import dev.inventory.event.InventoryListener;
import dev.inventory.internal.Checks;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.internal.KnownKeysGuard;
import dev.inventory.jdbc.internal.Migrations;
import dev.inventory.jdbc.internal.PostgresInventory;
import dev.inventory.jdbc.internal.PostgresMovementReports;
import dev.inventory.jdbc.internal.Settings;
import dev.inventory.jdbc.internal.StartupChecks;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The entry point of the PostgreSQL implementation.
 *
 * <pre>{@code
 * Inventory inventory = JdbcInventory.builder(dataSource)
 *     .schema("inventory")
 *     .clock(Clock.systemUTC())
 *     .build();
 * }</pre>
 *
 * <p>The library borrows the host's {@link DataSource} (a pool such as HikariCP) for the length of
 * each call and never closes it, never creates a pool and never loads a driver. The returned {@link
 * Inventory} is thread-safe and meant to be built once and shared.
 *
 * <p>{@link Builder#buildStore()} returns the whole {@link JdbcInventoryStore} instead: the same
 * inventory, plus its catalog, bulk stock, history and audit, the inventory inside a caller's
 * transaction, and the daily movement reports.
 *
 * <p><b>Logging:</b> through {@link System.Logger} named {@code dev.inventory.jdbc} (routed to
 * {@code java.util.logging} unless the application installs another {@code System.LoggerFinder},
 * such as SLF4J's {@code slf4j-jdk-platform-logging}). {@link Builder#build()} logs a warning, once
 * per {@code DataSource}, for each setting that can hang a checkout thread or lose an acknowledged
 * sale; see there.
 *
 * @since 0.1.0
 */
public final class JdbcInventory {
  /** The schema used unless {@link Builder#schema} says otherwise. */
  public static final String DEFAULT_SCHEMA = "inventory";

  /** The hold time of a request without a TTL, unless {@link Builder#defaultTtl} says otherwise. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);

  /** Flash-sale mode's default statements in flight: one per processor, between 2 and 16. */
  private static final int DEFAULT_MAX_IN_FLIGHT =
      Math.min(16, Math.max(2, Runtime.getRuntime().availableProcessors()));

  private JdbcInventory() {}

  /**
   * Starts configuring an inventory on the host's pool. Nothing touches the database before {@link
   * Builder#build()} or {@link Builder#buildStore()}.
   *
   * @param dataSource the host's pool (or any {@link DataSource}) of connections to the primary;
   *     borrowed per call, never closed by the library
   * @return a builder with the defaults
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Configures a PostgreSQL {@link Inventory}. Not thread-safe; build once. Every setter checks its
   * argument at once and throws {@link IllegalArgumentException} (or {@link NullPointerException})
   * for a value out of bounds; nothing is clamped.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = DEFAULT_SCHEMA;
    private Clock clock = Clock.systemUTC();
    private Duration defaultTtl = DEFAULT_TTL;
    private boolean migrate = true;
    private int attempts = 5;
    private Duration lockTimeout = Duration.ZERO;
    private Duration statementTimeout = Duration.ZERO;
    private boolean allowNoTimeouts = false;
    private boolean combining = true;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxBatch = 64;
    private int maxQueue = 10_000;
    private Duration maxWait = Duration.ofSeconds(5);
    private boolean knownKeysOnly = false;
    private Duration reportLease = PostgresMovementReports.DEFAULT_LEASE;
    private @Nullable InventoryListener listener;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /**
     * The schema that holds the library's tables and its Flyway history. Default {@code
     * "inventory"}. Must be a plain lower-case SQL identifier (letters, digits, underscore; at most
     * 63 characters), so it needs no quoting anywhere.
     *
     * @param schema the schema name, created by the migrations if missing
     * @return this builder
     * @throws IllegalArgumentException if it is not a plain lower-case identifier
     */
    public Builder schema(String schema) {
      this.schema = Settings.schema(schema);
      return this;
    }

    /**
     * The clock that decides creation and expiry times; its instants are truncated to the
     * microsecond, as PostgreSQL keeps them. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * The hold time of requests that name none. Default 15 minutes; 1 second to 30 days.
     *
     * @param defaultTtl the TTL of requests without one
     * @return this builder
     */
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = Checks.ttl(defaultTtl);
      return this;
    }

    /**
     * Whether {@link #build()} applies the library's migrations (default {@code true}). With {@code
     * false}, the host runs them itself (from {@code classpath:dev/inventory/jdbc/migration},
     * history table {@code inventory_schema_history}) and {@code build()} only checks they were
     * run.
     *
     * @param migrate whether {@code build()} migrates
     * @return this builder
     */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * How often a call is tried in all when its failure is safe to retry (a deadlock, a connection
     * that could not be had or broke before the commit, or one that broke during the commit of an
     * idempotent call). Default 5; at least 1. Retries wait an exponentially growing, jittered
     * pause of at most a second.
     *
     * @param attempts the tries in all, retries included
     * @return this builder
     */
    public Builder attempts(int attempts) {
      this.attempts = Checks.positive("attempts", attempts);
      return this;
    }

    /**
     * PostgreSQL's {@code lock_timeout} for each of the library's transactions: how long a call
     * waits for a row another transaction holds before it fails with {@link
     * dev.inventory.InventoryTimeoutException}. Default zero: the connection's own setting. When
     * set, it is applied with {@code SET LOCAL}, which costs every call a round trip and turns
     * one-statement calls into transactions; setting it on the pool instead (e.g. {@code options=-c
     * lock_timeout=2s} in the JDBC URL) is free.
     *
     * @param lockTimeout zero, or 1 millisecond to 1 hour
     * @return this builder
     */
    public Builder lockTimeout(Duration lockTimeout) {
      this.lockTimeout = Settings.timeout("lockTimeout", lockTimeout);
      return this;
    }

    /**
     * PostgreSQL's {@code statement_timeout} for each of the library's transactions; see {@link
     * #lockTimeout} for the default and the cost. A commit waiting for a synchronous standby is
     * never cancelled by it.
     *
     * @param statementTimeout zero, or 1 millisecond to 1 hour
     * @return this builder
     */
    public Builder statementTimeout(Duration statementTimeout) {
      this.statementTimeout = Settings.timeout("statementTimeout", statementTimeout);
      return this;
    }

    /**
     * Says that running without a lock and a statement timeout is deliberate. Default {@code
     * false}: {@link #build()} warns when neither {@link #lockTimeout} nor {@link
     * #statementTimeout} is set and the connection has neither {@code lock_timeout} nor {@code
     * statement_timeout}, because a checkout thread then waits for a locked row as long as it
     * takes. With {@code true}, that one warning is not logged; the others (socketTimeout 0, {@code
     * synchronous_commit} off) still are. Changes nothing else: no timeout is set or lifted.
     *
     * @param allowNoTimeouts {@code true} to build without the warning about missing timeouts
     * @return this builder
     */
    public Builder allowNoTimeouts(boolean allowNoTimeouts) {
      this.allowNoTimeouts = allowNoTimeouts;
      return this;
    }

    /**
     * Flash-sale mode, on by default: one-line reserves (and purchases) that arrive while the
     * combined statements are busy ({@link #maxInFlight}) wait and go together in the next
     * statement, so a hot SKU is no longer limited to one commit per request, and a busy store pays
     * one round trip and one commit per batch instead of per request. A request goes at once when a
     * slot is free and its key is in no statement in flight. Each request is still granted or
     * refused on its own, a key's requests in arrival order within this instance, with the same
     * exceptions as without combining; carts of several lines are never combined.
     *
     * @param combining {@code false} to send every request on its own
     * @return this builder
     */
    public Builder combining(boolean combining) {
      this.combining = combining;
      return this;
    }

    /**
     * Flash-sale mode: the most combined statements of one kind (reserve, purchase) in flight at
     * once, which bounds the connections combined requests hold. More: more statements in parallel,
     * smaller batches. Default: the number of processors, at least 2 and at most 16; 1 to 1,024.
     *
     * @param maxInFlight statements of one kind in flight at once
     * @return this builder
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = Settings.maxInFlight(maxInFlight);
      return this;
    }

    /**
     * Flash-sale mode: the most requests one combined statement carries. Default 64; 2 to 10,000.
     *
     * @param maxBatch requests per statement
     * @return this builder
     */
    public Builder maxBatch(int maxBatch) {
      this.maxBatch = Settings.maxBatch(maxBatch);
      return this;
    }

    /**
     * The most combined requests of one kind that may wait; past it a request fails at once with
     * {@link dev.inventory.InventoryUnavailableException}. Default 10,000; at least 1.
     *
     * @param maxQueue waiting requests of one kind
     * @return this builder
     */
    public Builder maxQueue(int maxQueue) {
      this.maxQueue = Checks.positive("maxQueue", maxQueue);
      return this;
    }

    /**
     * How long a combined request may wait for its turn; past it, it leaves the queue unsent with
     * {@link dev.inventory.InventoryTimeoutException}. Default 5 seconds; 1 ms to 1 hour.
     *
     * @param maxWait the longest wait in the queue
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Settings.maxWait(maxWait);
      return this;
    }

    /**
     * Known-keys mode: {@code reserve}, {@code purchase}, the growth of {@code amend}, {@code
     * receive}, {@code adjust} and {@code setOnHand} (and the ledger's bulk calls) on a key whose
     * SKU or location the {@linkplain JdbcInventoryStore#catalog() catalog} does not know, or has
     * deactivated, throw {@link dev.inventory.UnknownKeysException} naming every such key of the
     * call, and write nothing. Confirm, release, extend, expiry and reads are not affected.
     *
     * <p>PostgreSQL itself refuses those keys, in the statement that would have written (no cache,
     * no extra round trip): foreign keys from the stock rows to the catalog, which {@link #build()}
     * lays on the schema, with {@code migrate(true)}, the first time (it fails, naming them, if the
     * schema has stock of keys the catalog does not know: add them to the catalog first). With
     * {@code migrate(false)}, {@code build()} only checks they are there. This guard belongs to the
     * schema, not to this builder: once on, every inventory on the schema refuses unknown keys,
     * built with this option or not, and so does the database to any SQL that inserts stock of an
     * unknown key. The schema's owner switches it off with {@code SELECT
     * <schema>.inventory_known_keys_off()}.
     *
     * <p>Default {@code false}: unless the schema's guard is on, the catalog is information only,
     * and a key never stocked reads as 0 and can be received, as always.
     *
     * @param knownKeysOnly {@code true} to serve only keys the catalog knows
     * @return this builder
     */
    public Builder knownKeysOnly(boolean knownKeysOnly) {
      this.knownKeysOnly = knownKeysOnly;
      return this;
    }

    /**
     * How long a {@linkplain MovementReports report job} stays this instance's without a heartbeat.
     * A running job pushes its lease forward every third of it; when an instance dies, its jobs
     * read as {@link ReportStatus.State#ABANDONED} once their lease has run out, and another
     * instance may {@linkplain MovementReports#resume resume} them. Shorter: a dead instance's jobs
     * are found sooner, for a heartbeat (one UPDATE) more often. The lease is compared with the
     * clock of the instance that reads it ({@link #clock}): keep the instances' clocks within a
     * small part of it. Default 30 seconds; 1 second to 1 hour. Only {@link #buildStore()}'s
     * reports use it.
     *
     * @param reportLease a report job's lease
     * @return this builder
     */
    public Builder reportLease(Duration reportLease) {
      this.reportLease = PostgresMovementReports.lease(reportLease);
      return this;
    }

    /**
     * Who is told what the inventory does: each call's outcome, expiries, retries and flash-sale
     * batches (see {@link InventoryListener}). The events are delivered after the commit, on a
     * thread of the inventory's own, through a queue of at most {@value
     * InventoryListener#QUEUE_CAPACITY} events: a slow or failing listener can neither fail nor
     * hold up a call. Default none: no event is made. {@code inventory-micrometer}'s {@code
     * InventoryMetrics} is a listener.
     *
     * @param listener the listener; {@link InventoryListener#composite} for several
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(InventoryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Migrates (or checks) the schema and returns the inventory.
     *
     * <p>It also checks, on one connection, that the database is a primary (else it throws), and
     * logs a warning ({@code System.Logger} "dev.inventory.jdbc", level {@code WARNING}, the
     * message starting with {@code "inventory: "}; once per {@code DataSource}) when {@code
     * synchronous_commit} is off or local, when no lock or statement timeout is set (unless {@link
     * #allowNoTimeouts}), or when the JDBC socketTimeout is 0.
     *
     * @return the inventory, thread-safe, to be shared
     * @throws dev.inventory.InventoryException if the schema cannot be migrated, or with {@code
     *     migrate(false)} is missing or behind, or the database is a standby; in known-keys mode,
     *     if its guard cannot be laid (stock of keys the catalog does not know), or with {@code
     *     migrate(false)} is not on
     */
    public Inventory build() {
      Settings settings = prepare(settings());
      return new PostgresInventory(dataSource, settings, Events.of(listener));
    }

    /**
     * Migrates (or checks) the schema and checks the database like {@link #build()}, and returns
     * the whole store: the inventory with its ledger, the inventory inside a caller's transaction,
     * and the reports, all with this builder's settings.
     *
     * @return the store, thread-safe, to be shared
     * @throws dev.inventory.InventoryException if the schema cannot be migrated, or with {@code
     *     migrate(false)} is missing or behind, or the database is a standby; in known-keys mode,
     *     if its guard cannot be laid, or with {@code migrate(false)} is not on
     */
    public JdbcInventoryStore buildStore() {
      Settings settings = prepare(settings());
      Events events = Events.of(listener);
      return new JdbcInventoryStore(
          dataSource,
          settings,
          events,
          new PostgresInventory(dataSource, settings, events),
          reportLease);
    }

    private Settings settings() {
      return new Settings(
          schema,
          clock,
          defaultTtl,
          attempts,
          lockTimeout,
          statementTimeout,
          combining,
          maxInFlight,
          maxBatch,
          maxQueue,
          maxWait,
          knownKeysOnly);
    }

    /** Migrates or checks the schema; returns the settings in the schema's known-keys mode. */
    private Settings prepare(Settings settings) {
      // A timeout set here, or none on purpose: no warning about missing timeouts.
      StartupChecks.run(dataSource, allowNoTimeouts || settings.setsTimeouts());
      if (migrate) {
        Migrations.migrate(dataSource, schema);
      } else {
        Migrations.requireMigrated(dataSource, schema);
      }
      if (knownKeysOnly && migrate) {
        KnownKeysGuard.switchOn(dataSource, schema);
      } else if (knownKeysOnly) {
        KnownKeysGuard.requireOn(dataSource, schema);
      } else if (KnownKeysGuard.isOn(dataSource, schema)) {
        // The guard is the schema's: an inventory built without the option serves it the same.
        return settings.inKnownKeysMode();
      }
      return settings;
    }
  }
}
