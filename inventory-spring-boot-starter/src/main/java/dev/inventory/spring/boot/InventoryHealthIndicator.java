package dev.inventory.spring.boot;

import dev.inventory.jdbc.JdbcInventoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The inventory's health: {@code UP} with the schema's migration version, the oldest due hold and
 * the sweeper's lag (how long that hold has been due); {@code DOWN} if the database cannot be read,
 * the schema is behind what the library needs, or the lag passes {@code
 * inventory.health.max-sweeper-lag} when that is set. Two cheap reads (the Flyway history's newest
 * row and one descent of the partial index on held reservations).
 *
 * @since 0.1.0
 */
public final class InventoryHealthIndicator extends AbstractHealthIndicator {
  private final JdbcInventoryStore store;
  private final @Nullable Duration maxSweeperLag;
  private final Clock clock;

  /**
   * A health indicator for this store.
   *
   * @param store the store
   * @param maxSweeperLag past this lag the health is DOWN; null: never
   * @param clock the clock the lag is measured with (the store's)
   */
  public InventoryHealthIndicator(
      JdbcInventoryStore store, @Nullable Duration maxSweeperLag, Clock clock) {
    super("inventory health check failed");
    this.store = Objects.requireNonNull(store, "store must not be null");
    this.maxSweeperLag = maxSweeperLag;
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    int version = store.schemaVersion();
    builder.withDetail("schemaVersion", version);
    Optional<Instant> oldest = store.findOldestDueHold();
    Duration lag = oldest.map(due -> Duration.between(due, clock.instant())).orElse(Duration.ZERO);
    if (lag.isNegative()) {
      lag = Duration.ZERO;
    }
    oldest.ifPresent(due -> builder.withDetail("oldestDueHold", due.toString()));
    builder.withDetail("sweeperLag", lag.toString());
    int required = store.requiredSchemaVersion();
    if (version < required) {
      builder
          .down()
          .withDetail(
              "reason",
              "schema at migration version " + version + ", the library needs " + required);
    } else if (maxSweeperLag != null && lag.compareTo(maxSweeperLag) > 0) {
      builder.down().withDetail("reason", "sweeper lag above " + maxSweeperLag);
    } else {
      builder.up();
    }
  }
}
