package dev.inventory.micrometer;

import dev.inventory.ExpirySweeper;
import dev.inventory.Shortage;
import dev.inventory.StockKey;
import dev.inventory.event.InventoryEvent;
import dev.inventory.event.InventoryEvent.BatchSent;
import dev.inventory.event.InventoryEvent.Completed;
import dev.inventory.event.InventoryEvent.EventsDropped;
import dev.inventory.event.InventoryEvent.Expired;
import dev.inventory.event.InventoryEvent.Operation;
import dev.inventory.event.InventoryEvent.Outcome;
import dev.inventory.event.InventoryEvent.OutcomeUnknown;
import dev.inventory.event.InventoryEvent.Refused;
import dev.inventory.event.InventoryEvent.Retried;
import dev.inventory.event.InventoryListener;
import dev.inventory.jdbc.JdbcInventoryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The inventory's meters in a Micrometer {@link MeterRegistry}: give it to the builder as the
 * listener, then let it watch the store (and the sweeper) for the gauges.
 *
 * <pre>{@code
 * InventoryMetrics metrics = InventoryMetrics.builder(registry).build();
 * JdbcInventoryStore store = JdbcInventory.builder(dataSource).listener(metrics).buildStore();
 * metrics.monitor(store);   // flash-sale queues, statements in flight, the sweeper's lag
 * metrics.monitor(sweeper); // the sweeper's runs
 * }</pre>
 *
 * <p>The meters, named by Micrometer's conventions (lower-case words separated by dots; each
 * registry renders them its own way, e.g. {@code inventory_calls_seconds_count} in Prometheus):
 *
 * <ul>
 *   <li>{@value #CALLS} (timer; {@code operation}, {@code outcome}): every call whose outcome is
 *       known, by operation ({@code reserve}, {@code confirm}, ...) and outcome ({@code success},
 *       {@code refused}, {@code not_found}, ...);
 *   <li>{@value #REFUSALS} (counter; {@code operation}, and the key tag if one is set): one per
 *       short key of a refused call;
 *   <li>{@value #RETRIES} (counter; {@code reason}): attempts tried again;
 *   <li>{@value #UNKNOWN} (counter; {@code operation}): calls whose commit may or may not be
 *       written;
 *   <li>{@value #EXPIRED} (counter; {@code by}: {@code sweep}, {@code lazily}): reservations
 *       expired;
 *   <li>{@value #BATCH_SIZE} (distribution summary; {@code operation}) and {@value #BATCH_WAIT}
 *       (timer; {@code operation}): flash-sale mode's combined batches, their sizes and how long
 *       their oldest request waited;
 *   <li>{@value #DROPPED} (counter): events the listener was too slow to take;
 *   <li>with {@link #monitor(JdbcInventoryStore)}: {@value #WAITING} and {@value #IN_FLIGHT}
 *       (gauges; {@code operation}), and {@value #LAG} (time gauge: how long the oldest due hold
 *       has been due, 0 when none is);
 *   <li>with {@link #monitor(ExpirySweeper)}: {@value #SWEEPER_RUNS} (function counter; {@code
 *       result}: {@code success}, {@code failure}).
 * </ul>
 *
 * <p>Cardinality is bounded: 12 operations, 10 outcomes, 4 retry reasons, and no tag per key unless
 * {@link Builder#keyTag} asks for one (on {@value #REFUSALS} only).
 *
 * <p>Thread-safe: one instance may listen to several inventories.
 *
 * @since 0.1.0
 */
public final class InventoryMetrics implements InventoryListener {
  /** Timer of every call, by {@code operation} and {@code outcome}. */
  public static final String CALLS = "inventory.calls";

  /** Counter of short keys of refused calls, by {@code operation}. */
  public static final String REFUSALS = "inventory.refusals";

  /** Counter of retried attempts, by {@code reason}. */
  public static final String RETRIES = "inventory.retries";

  /** Counter of calls whose outcome is unknown, by {@code operation}. */
  public static final String UNKNOWN = "inventory.outcome.unknown";

  /** Counter of reservations expired, by {@code by}. */
  public static final String EXPIRED = "inventory.expired";

  /** Distribution of the requests per combined batch, by {@code operation}. */
  public static final String BATCH_SIZE = "inventory.combining.batch.size";

  /** Timer of how long a combined batch's oldest request waited, by {@code operation}. */
  public static final String BATCH_WAIT = "inventory.combining.batch.wait";

  /** Gauge of the requests waiting for a combined statement, by {@code operation}. */
  public static final String WAITING = "inventory.combining.waiting";

  /** Gauge of the combined statements in flight, by {@code operation}. */
  public static final String IN_FLIGHT = "inventory.combining.in.flight";

  /** Time gauge of how long the oldest due hold has been due. */
  public static final String LAG = "inventory.sweeper.lag";

  /** Function counter of the sweeper's runs, by {@code result}. */
  public static final String SWEEPER_RUNS = "inventory.sweeper.runs";

  /** Counter of events dropped because the listener fell behind. */
  public static final String DROPPED = "inventory.events.dropped";

  /** How often at most the sweeper's lag is read from the database. */
  static final Duration LAG_READ_INTERVAL = Duration.ofSeconds(5);

  private static final Operation[] OPERATIONS = Operation.values();
  private static final Outcome[] OUTCOMES = Outcome.values();

  private final MeterRegistry registry;
  private final Tags tags;
  private final @Nullable String keyTagName;
  private final @Nullable Function<StockKey, String> keyTagValue;
  private final AtomicReferenceArray<Timer> calls =
      new AtomicReferenceArray<>(OPERATIONS.length * OUTCOMES.length);

  private InventoryMetrics(Builder builder) {
    this.registry = builder.registry;
    this.tags = builder.tags;
    this.keyTagName = builder.keyTagName;
    this.keyTagValue = builder.keyTagValue;
  }

  /**
   * Configures metrics for this registry.
   *
   * @param registry where the meters go
   * @return a builder with no common tags and no key tag
   * @throws NullPointerException if {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Metrics in this registry with no common tags and no key tag.
   *
   * @param registry where the meters go
   * @return the listener to give the inventory's builder
   * @throws NullPointerException if {@code registry} is null
   */
  public static InventoryMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  // ---------------------------------------------------------------- the events

  @Override
  public void onEvent(InventoryEvent event) {
    if (event instanceof Completed call) {
      timer(call.operation(), call.outcome()).record(call.duration());
      if (event instanceof Refused refused) {
        for (Shortage shortage : refused.shortages()) {
          refusals(refused.operation(), shortage.key()).increment();
        }
      } else if (event instanceof OutcomeUnknown unknown) {
        counter(UNKNOWN, "calls whose commit may or may not be written", "operation", unknown)
            .increment();
      }
    } else if (event instanceof Expired expired) {
      Counter.builder(EXPIRED)
          .description("reservations expired, by a sweep or lazily")
          .baseUnit("reservations")
          .tags(tags)
          .tag("by", expired.by().tagValue())
          .register(registry)
          .increment(expired.reservations());
      if (expired.by() == Expired.By.SWEEP) {
        timer(Operation.EXPIRE_DUE, Outcome.SUCCESS).record(expired.duration());
      }
    } else if (event instanceof Retried retried) {
      Counter.builder(RETRIES)
          .description("attempts tried again after a failure that is safe to retry")
          .tags(tags)
          .tag("reason", retried.reason().tagValue())
          .register(registry)
          .increment();
    } else if (event instanceof BatchSent batch) {
      DistributionSummary.builder(BATCH_SIZE)
          .description("requests per combined statement (flash-sale mode)")
          .baseUnit("requests")
          .tags(tags)
          .tag("operation", batch.operation().tagValue())
          .register(registry)
          .record(batch.size());
      Timer.builder(BATCH_WAIT)
          .description("how long a combined batch's oldest request waited for its turn")
          .tags(tags)
          .tag("operation", batch.operation().tagValue())
          .register(registry)
          .record(batch.waited());
    } else if (event instanceof EventsDropped dropped) {
      Counter.builder(DROPPED)
          .description("inventory events dropped because the listener fell behind")
          .tags(tags)
          .register(registry)
          .increment(dropped.count());
    }
  }

  private Timer timer(Operation operation, Outcome outcome) {
    int slot = operation.ordinal() * OUTCOMES.length + outcome.ordinal();
    Timer timer = calls.get(slot);
    if (timer == null) {
      timer =
          Timer.builder(CALLS)
              .description("inventory calls, by operation and outcome")
              .tags(tags)
              .tag("operation", operation.tagValue())
              .tag("outcome", outcome.tagValue())
              .register(registry);
      calls.set(slot, timer);
    }
    return timer;
  }

  private Counter refusals(Operation operation, StockKey key) {
    Counter.Builder builder =
        Counter.builder(REFUSALS)
            .description("short keys of calls refused for want of unreserved stock")
            .baseUnit("keys")
            .tags(tags)
            .tag("operation", operation.tagValue());
    if (keyTagName != null && keyTagValue != null) {
      builder.tag(keyTagName, Objects.requireNonNullElse(keyTagValue.apply(key), "none"));
    }
    return builder.register(registry);
  }

  private Counter counter(String name, String description, String tag, Completed call) {
    return Counter.builder(name)
        .description(description)
        .tags(tags)
        .tag(tag, call.operation().tagValue())
        .register(registry);
  }

  // ---------------------------------------------------------------- gauges

  /**
   * Registers the gauges of a PostgreSQL store: {@value #WAITING} and {@value #IN_FLIGHT} per
   * operation ({@code reserve}, {@code purchase}, {@code move}: confirms and releases), read from
   * {@link JdbcInventoryStore#flashSaleStatus()} at no cost, and {@value #LAG}, read from {@link
   * JdbcInventoryStore#findOldestDueHold()} (one index read) at most every 5 seconds, however often
   * the registry asks. A read that fails makes the lag {@code NaN} until one succeeds.
   *
   * @param store the store to watch; the gauges keep it reachable
   * @return this, to chain
   * @throws NullPointerException if {@code store} is null
   */
  public InventoryMetrics monitor(JdbcInventoryStore store) {
    Objects.requireNonNull(store, "store must not be null");
    gauge(
        WAITING,
        "requests waiting for a combined statement",
        "reserve",
        store,
        s -> {
          return s.flashSaleStatus().reservesWaiting();
        });
    gauge(
        WAITING,
        "requests waiting for a combined statement",
        "purchase",
        store,
        s -> {
          return s.flashSaleStatus().purchasesWaiting();
        });
    gauge(
        WAITING,
        "requests waiting for a combined statement",
        "move",
        store,
        s -> {
          return s.flashSaleStatus().movesWaiting();
        });
    gauge(
        IN_FLIGHT,
        "combined statements in flight",
        "reserve",
        store,
        s -> {
          return s.flashSaleStatus().reservesInFlight();
        });
    gauge(
        IN_FLIGHT,
        "combined statements in flight",
        "purchase",
        store,
        s -> {
          return s.flashSaleStatus().purchasesInFlight();
        });
    gauge(
        IN_FLIGHT,
        "combined statements in flight",
        "move",
        store,
        s -> {
          return s.flashSaleStatus().movesInFlight();
        });
    Lag lag = new Lag(store, registry);
    TimeGauge.builder(LAG, lag, TimeUnit.MILLISECONDS, Lag::millis)
        .description("how long the oldest hold that is due has been waiting for its expiry")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    return this;
  }

  private void gauge(
      String name,
      String description,
      String operation,
      JdbcInventoryStore store,
      ToDoubleFunction<JdbcInventoryStore> value) {
    Gauge.builder(name, store, value)
        .description(description)
        .tags(tags)
        .tag("operation", operation)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers the sweeper's runs: {@value #SWEEPER_RUNS} with {@code result} {@code success} and
   * {@code failure}, read from its counters. (The holds it expired are counted by {@value #EXPIRED}
   * from the inventory's events.)
   *
   * @param sweeper the sweeper to watch; the meters keep it reachable
   * @return this, to chain
   * @throws NullPointerException if {@code sweeper} is null
   */
  public InventoryMetrics monitor(ExpirySweeper sweeper) {
    Objects.requireNonNull(sweeper, "sweeper must not be null");
    FunctionCounter.builder(
            SWEEPER_RUNS, sweeper, s -> (double) (s.runCount() - s.failedRunCount()))
        .description("expiry sweeper runs, by result")
        .tags(tags)
        .tag("result", "success")
        .register(registry);
    FunctionCounter.builder(SWEEPER_RUNS, sweeper, s -> (double) s.failedRunCount())
        .description("expiry sweeper runs, by result")
        .tags(tags)
        .tag("result", "failure")
        .register(registry);
    return this;
  }

  @Override
  public String toString() {
    return "InventoryMetrics[" + registry.getClass().getSimpleName() + ", tags=" + tags + "]";
  }

  /** The sweeper's lag, read from the database at most every {@link #LAG_READ_INTERVAL}. */
  private static final class Lag {
    private final JdbcInventoryStore store;
    private final MeterRegistry registry;
    private long readAt = Long.MIN_VALUE;
    private double millis;

    Lag(JdbcInventoryStore store, MeterRegistry registry) {
      this.store = store;
      this.registry = registry;
    }

    synchronized double millis() {
      long now = registry.config().clock().monotonicTime();
      if (readAt != Long.MIN_VALUE && now - readAt < LAG_READ_INTERVAL.toNanos()) {
        return millis;
      }
      readAt = now;
      try {
        Optional<Instant> oldest = store.findOldestDueHold();
        millis =
            oldest
                .map(
                    due ->
                        (double)
                            Math.max(0, registry.config().clock().wallTime() - due.toEpochMilli()))
                .orElse(0.0);
      } catch (RuntimeException e) {
        millis = Double.NaN;
      }
      return millis;
    }
  }

  /**
   * Configures {@link InventoryMetrics}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private @Nullable String keyTagName;
    private @Nullable Function<StockKey, String> keyTagValue;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
    }

    /**
     * Tags every meter gets (the inventory's name, if an application has several). Default none.
     *
     * @param tags the common tags
     * @return this builder
     * @throws NullPointerException if {@code tags} is null
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags must not be null"));
      return this;
    }

    /**
     * A tag on {@value #REFUSALS} that says which kind of key was short: a category, a warehouse,
     * or (if you have few SKUs and ask for it) the SKU. Default none. Every distinct value is a
     * time series of its own: keep the values few.
     *
     * @param name the tag's name, e.g. {@code "location"}
     * @param value the tag's value for a short key, e.g. {@code StockKey::location}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or one of the meters' own tags
     */
    public Builder keyTag(String name, Function<StockKey, String> value) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(value, "value must not be null");
      if (name.isBlank() || name.equals("operation")) {
        throw new IllegalArgumentException(
            "name must be a tag name other than 'operation', but was '" + name + "'");
      }
      this.keyTagName = name;
      this.keyTagValue = value;
      return this;
    }

    /**
     * The metrics, registering their meters as events come.
     *
     * @return the listener to give the inventory's builder
     */
    public InventoryMetrics build() {
      return new InventoryMetrics(this);
    }
  }
}
