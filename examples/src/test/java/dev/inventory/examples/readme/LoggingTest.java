package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.ExpirySweeper;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.memory.InMemoryInventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the README's logging section says: the library logs through {@link System.Logger} (here,
 * with no provider on the class path, java.util.logging), {@code build()} under the name {@code
 * dev.inventory.jdbc} and the sweeper under {@code dev.inventory.ExpirySweeper}.
 */
@DisplayName("README: logging")
class LoggingTest {
  private static ReadmeDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(LoggingTest.class);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @Test
  @DisplayName("build() warns on dev.inventory.jdbc about a pool without timeouts or socketTimeout")
  void warnsAboutAPoolThatCanHang() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    List<LogRecord> records;
    try (HikariDataSource bare = new HikariDataSource(config)) {
      records = recorded("dev.inventory.jdbc", () -> JdbcInventory.builder(bare).build());
    }
    assertThat(records).allSatisfy(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
    assertThat(records)
        .extracting(LogRecord::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("inventory: neither lock_timeout nor"))
        .anySatisfy(m -> assertThat(m).startsWith("inventory: the JDBC socketTimeout is 0"))
        .noneSatisfy(m -> assertThat(m).contains("synchronous_commit"));
  }

  @Test
  @DisplayName("build() logs nothing on a pool set up as the quick start sets it up")
  void quietOnTheQuickStartPool() {
    List<LogRecord> records;
    try (HikariDataSource pool = db.pool(2)) {
      records = recorded("dev.inventory.jdbc", () -> JdbcInventory.builder(pool).build());
    }
    assertThat(records).isEmpty();
  }

  @Test
  @DisplayName("the sweeper logs what a run expired at INFO on dev.inventory.ExpirySweeper")
  void sweeperLogsAtInfo() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(StockKey.of("SKU-1"), 1, null);
    inventory.reserve(ReservationRequest.builder("cart-1").line("SKU-1", 1).build());
    clock.advance(InMemoryInventory.DEFAULT_TTL);

    List<LogRecord> records =
        recorded(
            "dev.inventory.ExpirySweeper",
            () -> {
              try (ExpirySweeper sweeper =
                  ExpirySweeper.builder(inventory)
                      .initialDelay(java.time.Duration.ofHours(1))
                      .start()) {
                sweeper.sweepNow();
              }
            });

    assertThat(records)
        .singleElement()
        .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO))
        .satisfies(r -> assertThat(r.getMessage()).startsWith("expired {0} due reservation(s)"));
  }

  /** The records that {@code code} logged on this java.util.logging logger. */
  private static List<LogRecord> recorded(String loggerName, Runnable code) {
    Logger logger = Logger.getLogger(loggerName);
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (records) {
              records.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Level before = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
    try {
      code.run();
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(before);
    }
    synchronized (records) {
      return List.copyOf(records);
    }
  }
}
