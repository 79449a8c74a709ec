package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.jdbc.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code report} and {@code stock-bench} on tiny sizes against the test database, so they
 * cannot rot. Checks what they write, never how fast.
 */
@DisplayName("The report and stock-bench commands")
class StockOpsCommandsTest {
  @Test
  @DisplayName("report simulates days, prints a clean audit and a finished bar, and writes the CSV")
  void report(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("movements.csv");
    String schema = "report_cmd_" + ProcessHandle.current().pid();

    Cli.Run run =
        Cli.run(
            "report",
            "--url",
            Cli.testDatabaseUrl(),
            "--schema",
            schema,
            "--days",
            "3",
            "--skus",
            "5",
            "--carts",
            "8",
            "--workers",
            "2",
            "--out",
            csv.toString());

    try {
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out())
          .contains("the books balance", "[##############################] 3/3 days", "SUCCEEDED");
      List<String> lines = Files.readAllLines(csv);
      assertThat(lines.get(0))
          .isEqualTo("day,sku,location,kind,on_hand_delta,reserved_delta,entries");
      assertThat(lines).anyMatch(l -> l.startsWith("2026-01-03,") && l.contains(",received,"));
    } finally {
      dropSchema(schema);
    }
  }

  @Test
  @DisplayName("stock-bench measures the bulk import and the report on tiny sizes")
  void stockBench() {
    Cli.Run run =
        Cli.run(
            "stock-bench",
            "--url",
            Cli.testDatabaseUrl(),
            "--schema",
            "stock_bench_cmd_" + ProcessHandle.current().pid(),
            "--keys",
            "1500",
            "--log-rows",
            "5000",
            "--days",
            "3",
            "--report-skus",
            "50");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("receiveAll, new keys", "setOnHandAll, ATOMIC", "keys/s")
        .contains("report, first run", "rows/s", "CSV export (COPY)");
  }

  @Test
  @DisplayName("bad options are usage errors")
  void badOptions() {
    Cli.Run days = Cli.run("report", "--days", "0");
    assertThat(days.exitCode()).isEqualTo(2);
    assertThat(days.err()).contains("--days must be between 1 and 366, but was 0");
    Cli.Run schema = Cli.run("report", "--schema", "Bad-Name");
    assertThat(schema.exitCode()).isEqualTo(2);
    assertThat(schema.err()).contains("--schema must be a plain lower-case SQL identifier");
    Cli.Run keys = Cli.run("stock-bench", "--keys", "0");
    assertThat(keys.exitCode()).isEqualTo(2);
    assertThat(keys.err()).contains("--keys must be between 1 and 1,000,000, but was 0");
    Cli.Run workers = Cli.run("stock-bench", "--workers", "65");
    assertThat(workers.exitCode()).isEqualTo(2);
    assertThat(workers.err()).contains("--workers must be between 1 and 64, but was 65");
  }

  private static void dropSchema(String schema) {
    try (var pool = TestDatabase.pool(1)) {
      TestDatabase.dropSchema(pool, schema);
    }
  }
}
