package dev.inventory.examples;

import static dev.inventory.examples.DemoJson.approach;
import static dev.inventory.examples.DemoJson.number;
import static dev.inventory.examples.DemoJson.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.Cli.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runs {@code flash-sale} at small sizes against the test database and checks its numbers. */
class FlashSaleCommandTest {
  private static final String URL = Cli.testDatabaseUrl();

  @Nested
  @DisplayName("the library")
  class TheLibrary {
    @Test
    @DisplayName("sells exactly the stock to a crowd ten times larger, and never goes below zero")
    void sellsExactlyTheStock() {
      Run run = flashSale("--units", "20", "--buyers", "300", "--threads", "8", "--json");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Map<String, String> library = approach(run, "library");
      assertThat(number(library, "units")).isEqualTo(20);
      assertThat(number(library, "buyers")).isEqualTo(300);
      assertThat(number(library, "sold")).isEqualTo(20);
      assertThat(number(library, "oversold")).isZero();
      assertThat(number(library, "refused")).isEqualTo(280);
      assertThat(number(library, "errors")).isZero();
      assertThat(number(library, "min_stock")).isZero();
      assertThat(number(library, "end_stock")).isZero();
    }

    @Test
    @DisplayName("with orders of 3 units sells whole orders only, and leaves the remainder")
    void sellsWholeOrders() {
      Run run =
          flashSale(
              "--units", "10", "--buyers", "50", "--threads", "4", "--quantity", "3", "--json");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Map<String, String> library = approach(run, "library");
      assertThat(number(library, "served")).isEqualTo(3);
      assertThat(number(library, "sold")).isEqualTo(9);
      assertThat(number(library, "refused")).isEqualTo(47);
      assertThat(number(library, "min_stock")).isEqualTo(1);
      assertThat(number(library, "end_stock")).isEqualTo(1);
    }

    @Test
    @DisplayName("serves every buyer when there is stock for all")
    void servesEveryoneWhenStockSuffices() {
      Run run = flashSale("--units", "100", "--buyers", "40", "--threads", "4", "--json");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Map<String, String> library = approach(run, "library");
      assertThat(number(library, "sold")).isEqualTo(40);
      assertThat(number(library, "refused")).isZero();
      assertThat(number(library, "end_stock")).isEqualTo(60);
    }
  }

  @Nested
  @DisplayName("the naive checkout")
  class TheNaiveCheckout {
    @Test
    @DisplayName("really runs: what it counts as sold is what its stock table lost")
    void decrementNumbersAreReal() {
      Run run = flashSale("--units", "20", "--buyers", "300", "--threads", "8", "--json");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Map<String, String> naive = approach(run, "naive");
      long sold = number(naive, "sold");
      assertThat(number(naive, "served") + number(naive, "refused")).isEqualTo(300);
      assertThat(sold).isGreaterThanOrEqualTo(20); // it never sells less: it oversells, or not
      assertThat(number(naive, "oversold")).isEqualTo(sold - 20);
      // Decrements are never lost, so the table ends at exactly stock minus what was sold...
      assertThat(number(naive, "end_stock")).isEqualTo(20 - sold);
      // ...and when the race hits, below zero.
      assertThat(number(naive, "min_stock")).isEqualTo(20 - sold);
    }

    @Test
    @DisplayName("with --naive overwrite writes the value it computed (and may lose updates)")
    void overwriteRuns() {
      Run run =
          flashSale(
              "--units",
              "20",
              "--buyers",
              "200",
              "--threads",
              "8",
              "--naive",
              "overwrite",
              "--json");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      Map<String, String> naive = approach(run, "naive");
      assertThat(naive.get("method")).contains("SET on_hand = <value - q>");
      assertThat(number(naive, "served") + number(naive, "refused")).isEqualTo(200);
      assertThat(number(naive, "sold")).isGreaterThanOrEqualTo(20);
      // Every written value passed the Java check, so the table itself never goes negative...
      assertThat(number(naive, "min_stock")).isGreaterThanOrEqualTo(0);
      // ...but it can only show more stock than is really left, never less.
      assertThat(number(naive, "end_stock")).isGreaterThanOrEqualTo(20 - number(naive, "sold"));
      assertThat(number(approach(run, "library"), "sold")).isEqualTo(20);
    }
  }

  @Test
  @DisplayName("--json prints one object per approach with every documented key, and nothing else")
  void jsonHasEveryKey() {
    Run run = flashSale("--units", "5", "--buyers", "30", "--threads", "2", "--json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().strip()).startsWith("[").endsWith("]");
    List<Map<String, String>> approaches = parse(run.out());
    assertThat(approaches).extracting(a -> a.get("approach")).containsExactly("naive", "library");
    for (Map<String, String> approach : approaches) {
      assertThat(approach)
          .containsKeys(
              "approach",
              "units",
              "buyers",
              "sold",
              "oversold",
              "refused",
              "min_stock",
              "ops_per_s",
              "p50_ms",
              "p99_ms");
      assertThat(Double.parseDouble(approach.get("ops_per_s"))).isPositive();
      assertThat(Double.parseDouble(approach.get("p99_ms")))
          .isGreaterThanOrEqualTo(Double.parseDouble(approach.get("p50_ms")));
    }
  }

  @Test
  @DisplayName("prints one aligned table and a verdict")
  void printsAnAlignedTable() {
    Run run = flashSale("--units", "5", "--buyers", "40", "--threads", "4");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> lines = run.out().lines().toList();
    int header = indexOf(lines, "naive checkout");
    List<String> table = new ArrayList<>();
    for (int i = header; i < lines.size() && !lines.get(i).isBlank(); i++) {
      table.add(lines.get(i));
    }
    assertThat(table)
        .anySatisfy(l -> assertThat(l).startsWith("units sold"))
        .anySatisfy(l -> assertThat(l).startsWith("units oversold"))
        .anySatisfy(l -> assertThat(l).startsWith("lowest stock seen"))
        .anySatisfy(l -> assertThat(l).startsWith("buyers refused"))
        .anySatisfy(l -> assertThat(l).startsWith("throughput"))
        .anySatisfy(l -> assertThat(l).startsWith("p50 latency"))
        .anySatisfy(l -> assertThat(l).startsWith("p99 latency"));
    // Right-aligned columns: every line of the table ends at the same column.
    assertThat(table).extracting(String::length).containsOnly(table.get(0).length());
    assertThat(lines.get(lines.size() - 1))
        .startsWith("Verdict: ")
        .contains("The library sold exactly 5");
    assertThat(run.out()).doesNotContain("\u001b[").doesNotContain("\r");
  }

  @Nested
  @DisplayName("bad options")
  class BadOptions {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        value = {
          "--buyers   | -5        | --buyers must be between 1 and 1,000,000, but was -5",
          "--buyers   | 0         | --buyers must be between 1 and 1,000,000, but was 0",
          "--units    | -1        | --units must be between 1 and 1,000,000,000, but was -1",
          "--threads  | 0         | --threads must be between 1 and 1,000, but was 0",
          "--threads  | 5000      | --threads must be between 1 and 1,000, but was 5000",
          "--quantity | -2        | --quantity must be between 1 and 1,000,000,000, but was -2",
          "--units    | lots      | Invalid value for option '--units': 'lots' is not a long",
          "--naive    | sometimes | Invalid value for option '--naive'",
        })
    @DisplayName("are refused with exit code 2 and a message naming the option and the value")
    void refused(String option, String value, String message) {
      Run run = Cli.run("flash-sale", option + "=" + value, "--url", URL);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err()).contains("error: " + message).contains("flash-sale --help");
      assertThat(run.out()).isEmpty();
    }

    @Test
    @DisplayName("a negative count written as a separate argument is refused the same way")
    void negativeAsSeparateArgument() {
      Run run = Cli.run("flash-sale", "--buyers", "-5", "--url", URL);

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--buyers must be between 1 and 1,000,000, but was -5");
    }

    @Test
    @DisplayName("a URL that is not a PostgreSQL JDBC URL is refused with exit code 2")
    void notAJdbcUrl() {
      Run run = Cli.run("flash-sale", "--url", "mysql://localhost/shop");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .contains("error: --url must be a PostgreSQL JDBC URL such as jdbc:postgresql://")
          .contains("but was 'mysql://localhost/shop'");
    }

    @Test
    @DisplayName("an unreachable database exits 1 with one clear line, no stack trace")
    void unreachableDatabase() {
      Run run =
          Cli.run(
              "flash-sale",
              "--url",
              "jdbc:postgresql://127.0.0.1:1/nowhere?user=shop&password=hunter2",
              "--buyers",
              "10");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err())
          .contains("error: cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/nowhere")
          .contains("Check --url")
          .doesNotContain("hunter2")
          .doesNotContain("\tat ");
    }
  }

  private static Run flashSale(String... args) {
    List<String> line = new ArrayList<>(List.of("flash-sale", "--url", URL));
    line.addAll(List.of(args));
    return Cli.run(line.toArray(String[]::new));
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with '" + text + "' in\n" + String.join("\n", lines));
  }
}
