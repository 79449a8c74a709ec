package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.jdbc.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demos show the library as it should be run: their pool has a socket timeout and lock and
 * statement timeouts (see {@link ExampleDatabase}), so the library's start-up checks find nothing
 * to warn about. The library logs through {@code System.Logger} (here java.util.logging) under
 * {@code dev.inventory}; every record at WARNING or above is captured.
 */
@DisplayName("The demos log no warning")
class DemoWarningsTest {
  private static final String URL = Cli.testDatabaseUrl();

  /** Held strongly: java.util.logging keeps loggers only weakly. */
  private static final Logger LIBRARY = Logger.getLogger("dev.inventory");

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(record.getLoggerName() + ": " + record.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLibraryLog() {
    LIBRARY.addHandler(capture);
  }

  @AfterEach
  void releaseLibraryLog() {
    LIBRARY.removeHandler(capture);
  }

  private void assertQuiet(Cli.Run run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(warnings).isEmpty();
    assertThat(run.err()).doesNotContain("WARNING").doesNotContain("inventory:");
  }

  @Test
  @DisplayName("checkout")
  void checkout() {
    assertQuiet(Cli.run("checkout", "--url", URL));
  }

  @Test
  @DisplayName("flash-sale")
  void flashSale() {
    assertQuiet(
        Cli.run("flash-sale", "--units", "20", "--buyers", "100", "--threads", "4", "--url", URL));
  }

  @Test
  @DisplayName("flash-sale --checkout (its ExpirySweeper included)")
  void flashSaleCheckout() {
    assertQuiet(
        Cli.run(
            "flash-sale",
            "--checkout",
            "--units",
            "10",
            "--buyers",
            "60",
            "--threads",
            "4",
            "--waves",
            "1",
            "--ttl",
            "1s",
            "--pay",
            "20ms",
            "--sweep-every",
            "50ms",
            "--url",
            URL));
  }

  @Test
  @DisplayName("report")
  void report(@TempDir Path dir) {
    String schema = "report_quiet_" + ProcessHandle.current().pid();
    try {
      assertQuiet(
          Cli.run(
              "report",
              "--url",
              URL,
              "--schema",
              schema,
              "--days",
              "2",
              "--skus",
              "3",
              "--carts",
              "4",
              "--workers",
              "2",
              "--out",
              dir.resolve("movements.csv").toString()));
    } finally {
      try (var pool = TestDatabase.pool(1)) {
        TestDatabase.dropSchema(pool, schema);
      }
    }
  }

  @Test
  @DisplayName("stock-bench")
  void stockBench() {
    String schema = "stock_bench_quiet_" + ProcessHandle.current().pid();
    assertQuiet(
        Cli.run(
            "stock-bench",
            "--url",
            URL,
            "--schema",
            schema,
            "--keys",
            "200",
            "--log-rows",
            "500",
            "--days",
            "2",
            "--report-skus",
            "10"));
  }

  @Test
  @DisplayName("but do warn when the URL given turns the timeouts off (the capture works)")
  void warnWithoutTimeouts() {
    String withoutTimeouts =
        URL
            + (URL.contains("?") ? "&" : "?")
            + "socketTimeout=0&options=-c%20lock_timeout%3D0%20-c%20statement_timeout%3D0";

    Cli.Run run = Cli.run("checkout", "--url", withoutTimeouts);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("inventory: neither lock_timeout"))
        .anySatisfy(w -> assertThat(w).contains("inventory: the JDBC socketTimeout is 0"));
  }
}
