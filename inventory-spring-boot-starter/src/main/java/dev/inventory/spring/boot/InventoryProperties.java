package dev.inventory.spring.boot;

import dev.inventory.ExpirySweeper;
import dev.inventory.jdbc.JdbcInventory;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code inventory.*} properties: one per option of {@link JdbcInventory.Builder} (same names,
 * same defaults, same checks: a value out of range fails the start with the builder's message), and
 * the sweeper's, the health indicator's and the metrics' settings.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("inventory")
public class InventoryProperties {
  /** The schema of the library's tables and Flyway history: a plain lower-case SQL identifier. */
  private String schema = JdbcInventory.DEFAULT_SCHEMA;

  /**
   * Whether the library migrates its schema on start (before the application's own Flyway); with
   * false, it only checks the schema is migrated, after the application's Flyway has run.
   */
  private boolean migrate = true;

  /** The hold time of a request that names none; 1 second to 30 days. */
  private Duration defaultTtl = JdbcInventory.DEFAULT_TTL;

  /** How often a call is tried in all when its failure is safe to retry; at least 1. */
  private int attempts = 5;

  /** PostgreSQL lock_timeout set per transaction (SET LOCAL); 0: the connection's own. */
  private Duration lockTimeout = Duration.ZERO;

  /** PostgreSQL statement_timeout set per transaction (SET LOCAL); 0: the connection's own. */
  private Duration statementTimeout = Duration.ZERO;

  /** Whether running without lock and statement timeouts is deliberate (no start-up warning). */
  private boolean allowNoTimeouts = false;

  /** Flash-sale mode: concurrent one-line reserves and purchases share statements. */
  private boolean combining = true;

  /**
   * Flash-sale mode: combined statements in flight per kind; 1 to 1,024. Unset: the number of
   * processors, at least 2 and at most 16.
   */
  private @Nullable Integer maxInFlight;

  /** Flash-sale mode: the most requests in one combined statement; 2 to 10,000. */
  private int maxBatch = 64;

  /** Flash-sale mode: the most requests of one kind that may wait; at least 1. */
  private int maxQueue = 10_000;

  /** Flash-sale mode: how long a request may wait for its turn; 1 ms to 1 hour. */
  private Duration maxWait = Duration.ofSeconds(5);

  /**
   * Known-keys mode: changes of stock on a SKU or location the catalog does not know, or has
   * deactivated, are refused with UnknownKeysException.
   */
  private boolean knownKeysOnly = false;

  /**
   * A report job's lease, renewed while it runs; past it, another instance sees the job ABANDONED;
   * 1 second to 1 hour. Unset: the builder's (30 seconds).
   */
  private @Nullable Duration reportLease;

  /** The expiry sweeper. */
  private final Sweeper sweeper = new Sweeper();

  /** The health indicator. */
  private final Health health = new Health();

  /** The Micrometer meters. */
  private final Metrics metrics = new Metrics();

  /**
   * The schema.
   *
   * @return the schema
   */
  public String getSchema() {
    return schema;
  }

  /**
   * Sets the schema.
   *
   * @param schema the schema
   */
  public void setSchema(String schema) {
    this.schema = schema;
  }

  /**
   * Whether the library migrates its schema.
   *
   * @return whether it migrates
   */
  public boolean isMigrate() {
    return migrate;
  }

  /**
   * Sets whether the library migrates its schema.
   *
   * @param migrate whether it migrates
   */
  public void setMigrate(boolean migrate) {
    this.migrate = migrate;
  }

  /**
   * The default TTL.
   *
   * @return the default TTL
   */
  public Duration getDefaultTtl() {
    return defaultTtl;
  }

  /**
   * Sets the default TTL.
   *
   * @param defaultTtl the default TTL
   */
  public void setDefaultTtl(Duration defaultTtl) {
    this.defaultTtl = defaultTtl;
  }

  /**
   * The attempts.
   *
   * @return the attempts
   */
  public int getAttempts() {
    return attempts;
  }

  /**
   * Sets the attempts.
   *
   * @param attempts the attempts
   */
  public void setAttempts(int attempts) {
    this.attempts = attempts;
  }

  /**
   * The lock timeout.
   *
   * @return the lock timeout
   */
  public Duration getLockTimeout() {
    return lockTimeout;
  }

  /**
   * Sets the lock timeout.
   *
   * @param lockTimeout the lock timeout
   */
  public void setLockTimeout(Duration lockTimeout) {
    this.lockTimeout = lockTimeout;
  }

  /**
   * The statement timeout.
   *
   * @return the statement timeout
   */
  public Duration getStatementTimeout() {
    return statementTimeout;
  }

  /**
   * Sets the statement timeout.
   *
   * @param statementTimeout the statement timeout
   */
  public void setStatementTimeout(Duration statementTimeout) {
    this.statementTimeout = statementTimeout;
  }

  /**
   * Whether running without timeouts is deliberate.
   *
   * @return whether it is deliberate
   */
  public boolean isAllowNoTimeouts() {
    return allowNoTimeouts;
  }

  /**
   * Sets whether running without timeouts is deliberate.
   *
   * @param allowNoTimeouts whether it is deliberate
   */
  public void setAllowNoTimeouts(boolean allowNoTimeouts) {
    this.allowNoTimeouts = allowNoTimeouts;
  }

  /**
   * Whether flash-sale mode is on.
   *
   * @return whether it is on
   */
  public boolean isCombining() {
    return combining;
  }

  /**
   * Sets whether flash-sale mode is on.
   *
   * @param combining whether it is on
   */
  public void setCombining(boolean combining) {
    this.combining = combining;
  }

  /**
   * The combined statements in flight per kind, or null for the builder's default.
   *
   * @return the setting, or null
   */
  public @Nullable Integer getMaxInFlight() {
    return maxInFlight;
  }

  /**
   * Sets the combined statements in flight per kind.
   *
   * @param maxInFlight the setting, or null for the builder's default
   */
  public void setMaxInFlight(@Nullable Integer maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /**
   * The most requests per combined statement.
   *
   * @return the setting
   */
  public int getMaxBatch() {
    return maxBatch;
  }

  /**
   * Sets the most requests per combined statement.
   *
   * @param maxBatch the setting
   */
  public void setMaxBatch(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /**
   * The most waiting requests per kind.
   *
   * @return the setting
   */
  public int getMaxQueue() {
    return maxQueue;
  }

  /**
   * Sets the most waiting requests per kind.
   *
   * @param maxQueue the setting
   */
  public void setMaxQueue(int maxQueue) {
    this.maxQueue = maxQueue;
  }

  /**
   * The longest wait for a combined statement.
   *
   * @return the setting
   */
  public Duration getMaxWait() {
    return maxWait;
  }

  /**
   * Sets the longest wait for a combined statement.
   *
   * @param maxWait the setting
   */
  public void setMaxWait(Duration maxWait) {
    this.maxWait = maxWait;
  }

  /**
   * Whether known-keys mode is on.
   *
   * @return the setting
   */
  public boolean isKnownKeysOnly() {
    return knownKeysOnly;
  }

  /**
   * Sets known-keys mode.
   *
   * @param knownKeysOnly the setting
   */
  public void setKnownKeysOnly(boolean knownKeysOnly) {
    this.knownKeysOnly = knownKeysOnly;
  }

  /**
   * A report job's lease, or null for the builder's.
   *
   * @return the setting
   */
  public @Nullable Duration getReportLease() {
    return reportLease;
  }

  /**
   * Sets a report job's lease.
   *
   * @param reportLease the setting, or null for the builder's
   */
  public void setReportLease(@Nullable Duration reportLease) {
    this.reportLease = reportLease;
  }

  /**
   * The sweeper's settings.
   *
   * @return the sweeper's settings
   */
  public Sweeper getSweeper() {
    return sweeper;
  }

  /**
   * The health indicator's settings.
   *
   * @return the health indicator's settings
   */
  public Health getHealth() {
    return health;
  }

  /**
   * The metrics' settings.
   *
   * @return the metrics' settings
   */
  public Metrics getMetrics() {
    return metrics;
  }

  /** Applies every builder option to the builder. */
  void applyTo(JdbcInventory.Builder builder) {
    builder
        .schema(schema)
        .migrate(migrate)
        .defaultTtl(defaultTtl)
        .attempts(attempts)
        .lockTimeout(lockTimeout)
        .statementTimeout(statementTimeout)
        .allowNoTimeouts(allowNoTimeouts)
        .combining(combining)
        .maxBatch(maxBatch)
        .maxQueue(maxQueue)
        .maxWait(maxWait)
        .knownKeysOnly(knownKeysOnly);
    if (maxInFlight != null) {
      builder.maxInFlight(maxInFlight);
    }
    if (reportLease != null) {
      builder.reportLease(reportLease);
    }
  }

  /**
   * The expiry sweeper's settings ({@code inventory.sweeper.*}).
   *
   * @since 0.1.0
   */
  public static class Sweeper {
    /** Whether the expiry sweeper runs, started and stopped with the application context. */
    private boolean enabled = true;

    /** The pause between the end of one sweep and the start of the next; at least 1 ms. */
    private Duration period = ExpirySweeper.DEFAULT_PERIOD;

    /** The most holds one expireDue call (one transaction) expires; at least 1. */
    private int batchLimit = ExpirySweeper.DEFAULT_BATCH_LIMIT;

    /** The wait before the first sweep after the context has started. */
    private Duration initialDelay = Duration.ZERO;

    /** How long stopping the context waits for a sweep in progress. */
    private Duration closeTimeout = ExpirySweeper.DEFAULT_CLOSE_TIMEOUT;

    /**
     * Whether the sweeper runs.
     *
     * @return whether it runs
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the sweeper runs.
     *
     * @param enabled whether it runs
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The period.
     *
     * @return the period
     */
    public Duration getPeriod() {
      return period;
    }

    /**
     * Sets the period.
     *
     * @param period the period
     */
    public void setPeriod(Duration period) {
      this.period = period;
    }

    /**
     * The batch limit.
     *
     * @return the batch limit
     */
    public int getBatchLimit() {
      return batchLimit;
    }

    /**
     * Sets the batch limit.
     *
     * @param batchLimit the batch limit
     */
    public void setBatchLimit(int batchLimit) {
      this.batchLimit = batchLimit;
    }

    /**
     * The initial delay.
     *
     * @return the initial delay
     */
    public Duration getInitialDelay() {
      return initialDelay;
    }

    /**
     * Sets the initial delay.
     *
     * @param initialDelay the initial delay
     */
    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    /**
     * The close timeout.
     *
     * @return the close timeout
     */
    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    /**
     * Sets the close timeout.
     *
     * @param closeTimeout the close timeout
     */
    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }

  /**
   * The health indicator's settings ({@code inventory.health.*}).
   *
   * @since 0.1.0
   */
  public static class Health {
    /** Whether the "inventory" health indicator is registered (opt-in). */
    private boolean enabled = false;

    /**
     * Past this sweeper lag (how long the oldest due hold has been due) the health is DOWN. Unset:
     * the lag is reported, never judged.
     */
    private @Nullable Duration maxSweeperLag;

    /**
     * Whether the indicator is registered.
     *
     * @return whether it is registered
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the indicator is registered.
     *
     * @param enabled whether it is registered
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The lag past which the health is DOWN, or null.
     *
     * @return the lag, or null
     */
    public @Nullable Duration getMaxSweeperLag() {
      return maxSweeperLag;
    }

    /**
     * Sets the lag past which the health is DOWN.
     *
     * @param maxSweeperLag the lag, or null never to judge it
     */
    public void setMaxSweeperLag(@Nullable Duration maxSweeperLag) {
      this.maxSweeperLag = maxSweeperLag;
    }
  }

  /**
   * The metrics' settings ({@code inventory.metrics.*}).
   *
   * @since 0.1.0
   */
  public static class Metrics {
    /** Whether the inventory's meters are bound when Micrometer and a MeterRegistry are present. */
    private boolean enabled = true;

    /** Whether the refusal counter is tagged with the short key's location (keep locations few). */
    private boolean locationTag = false;

    /**
     * Whether the meters are bound.
     *
     * @return whether they are bound
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the meters are bound.
     *
     * @param enabled whether they are bound
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Whether refusals are tagged with the location.
     *
     * @return whether they are
     */
    public boolean isLocationTag() {
      return locationTag;
    }

    /**
     * Sets whether refusals are tagged with the location.
     *
     * @param locationTag whether they are
     */
    public void setLocationTag(boolean locationTag) {
      this.locationTag = locationTag;
    }
  }
}
