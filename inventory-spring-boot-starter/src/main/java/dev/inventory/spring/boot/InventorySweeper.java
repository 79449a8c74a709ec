package dev.inventory.spring.boot;

import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link ExpirySweeper}, started when the application context has started and closed when it
 * stops (before the {@code DataSource} closes; a sweep in progress finishes its batch). It runs on
 * the application's {@link ScheduledExecutorService} bean named {@value #EXECUTOR_BEAN_NAME} if
 * there is one, else on a daemon thread of its own.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class InventorySweeper implements SmartLifecycle {
  /** The name of the executor bean the sweeper runs on, if the application declares one. */
  public static final String EXECUTOR_BEAN_NAME = "inventorySweeperExecutor";

  private final Inventory inventory;
  private final InventoryProperties.Sweeper settings;
  private final @Nullable ScheduledExecutorService executor;
  private final Consumer<ExpirySweeper> onStart;
  private volatile @Nullable ExpirySweeper sweeper;

  /**
   * A sweeper for this inventory, not yet started.
   *
   * @param inventory the inventory whose due holds to expire
   * @param settings {@code inventory.sweeper.*}
   * @param executor the application's executor, or null for a thread of the sweeper's own
   * @param onStart told each sweeper that starts (the metrics watch it)
   */
  public InventorySweeper(
      Inventory inventory,
      InventoryProperties.Sweeper settings,
      @Nullable ScheduledExecutorService executor,
      Consumer<ExpirySweeper> onStart) {
    this.inventory = Objects.requireNonNull(inventory, "inventory must not be null");
    this.settings = Objects.requireNonNull(settings, "settings must not be null");
    this.executor = executor;
    this.onStart = Objects.requireNonNull(onStart, "onStart must not be null");
  }

  @Override
  public synchronized void start() {
    if (sweeper != null) {
      return;
    }
    ExpirySweeper.Builder builder =
        ExpirySweeper.builder(inventory)
            .period(settings.getPeriod())
            .batchLimit(settings.getBatchLimit())
            .initialDelay(settings.getInitialDelay())
            .closeTimeout(settings.getCloseTimeout());
    if (executor != null) {
      builder.executor(executor);
    }
    ExpirySweeper started = builder.start();
    sweeper = started;
    onStart.accept(started);
  }

  @Override
  public synchronized void stop() {
    ExpirySweeper running = sweeper;
    sweeper = null;
    if (running != null) {
      running.close();
    }
  }

  @Override
  public boolean isRunning() {
    return sweeper != null;
  }

  /**
   * The running sweeper (for {@code sweepNow()} and its counters).
   *
   * @return the sweeper, or empty while stopped
   */
  public Optional<ExpirySweeper> sweeper() {
    return Optional.ofNullable(sweeper);
  }
}
