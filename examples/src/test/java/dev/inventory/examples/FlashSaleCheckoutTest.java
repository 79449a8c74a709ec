package dev.inventory.examples;

import static dev.inventory.examples.DemoJson.approach;
import static dev.inventory.examples.DemoJson.number;
import static dev.inventory.examples.DemoJson.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inventory.examples.Cli.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@code flash-sale --checkout} at small sizes against the test database and checks its
 * numbers. Each sale lasts a few seconds (the last holds must run out, and a TTL is at least a
 * second), so the tests that only read numbers share one sale.
 */
@DisplayName("flash-sale --checkout")
class FlashSaleCheckoutTest {
  private static final String URL = Cli.testDatabaseUrl();

  /**
   * A sale short enough for a test that still tells the whole story: 20 units, 500 buyers in 5
   * waves 400 ms apart on 16 threads, holds of 1 s, so the carts abandoned in the first wave are
   * expired and back on sale before the last wave comes.
   */
  private static final List<String> SALE =
      List.of(
          "--units",
          "20",
          "--buyers",
          "500",
          "--threads",
          "16",
          "--waves",
          "5",
          "--wave-gap",
          "400ms",
          "--ttl",
          "1s",
          "--pay",
          "50ms",
          "--sweep-every",
          "50ms");

  @Nested
  @DisplayName("one sale, the default shares (20% abandon, 10% cancel)")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OneSale {
    private Run run;
    private Map<String, String> library;
    private Map<String, String> naive;

    @BeforeAll
    void runTheSale() {
      run = checkout(SALE, "--json");
      library = approach(run, "library");
      naive = approach(run, "naive");
    }

    @Test
    @DisplayName("exits 0, and stdout holds the JSON only")
    void exitsZero() {
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out().strip()).startsWith("[").endsWith("]");
      assertThat(run.err()).contains("Verdict: ");
    }

    @Test
    @DisplayName("the library never oversells, and its available stock never goes below zero")
    void libraryNeverOversells() {
      assertThat(number(library, "sold")).isLessThanOrEqualTo(20);
      assertThat(number(library, "oversold")).isZero();
      assertThat(number(library, "min_available")).isGreaterThanOrEqualTo(0);
      assertThat(number(library, "errors")).isZero();
    }

    @Test
    @DisplayName("the library: every hold ends confirmed, released or expired")
    void everyHoldEnds() {
      assertThat(
              number(library, "confirmed")
                  + number(library, "released")
                  + number(library, "expired"))
          .isEqualTo(number(library, "holds"));
      assertThat(number(library, "still_held")).isZero();
      assertThat(number(library, "sold")).isEqualTo(number(library, "confirmed"));
    }

    @Test
    @DisplayName(
        "the library's books balance: on hand = stock - sold, nothing reserved, audit clean")
    void libraryBooksBalance() {
      assertThat(library.get("books_balance")).as(library.get("books")).isEqualTo("true");
      assertThat(number(library, "end_on_hand")).isEqualTo(20 - number(library, "sold"));
      assertThat(number(library, "end_reserved")).isZero();
      assertThat(library.get("books")).contains("no discrepancy");
    }

    @Test
    @DisplayName("the library: abandoned carts are expired, and cancelled ones released")
    void abandonedExpireCancelledRelease() {
      long late = number(library, "late");
      assertThat(number(library, "expired") + number(library, "released"))
          .isEqualTo(number(library, "abandoned") + number(library, "cancelling"));
      assertThat(number(library, "expired"))
          .isBetween(number(library, "abandoned"), number(library, "abandoned") + late);
      assertThat(number(library, "abandoned")).isPositive();
      assertThat(number(library, "released")).isPositive();
    }

    @Test
    @DisplayName("the library's sweeper expires holds while buyers still come, who buy the units")
    void expiriesHappenDuringTheSale() {
      assertThat(number(library, "swept_in_sale")).isPositive();
      // Units of carts that ended unpaid went back on sale and were held again.
      assertThat(number(library, "holds")).isGreaterThan(20);
    }

    @Test
    @DisplayName("the naive shop (writing the row back, the default here) oversells and drifts")
    void naiveOversellsAndDrifts() {
      assertThat(naive.get("method")).contains("writes the row back");
      assertThat(number(naive, "oversold")).isPositive();
      assertThat(number(naive, "sold")).isEqualTo(20 + number(naive, "oversold"));
      assertThat(naive.get("books_balance")).as(naive.get("books")).isEqualTo("false");
    }

    @Test
    @DisplayName("the naive shop's numbers are its own tables': every hold it took ended somehow")
    void naiveNumbersAreReal() {
      assertThat(number(naive, "confirmed") + number(naive, "released") + number(naive, "expired"))
          .isEqualTo(number(naive, "holds"));
      assertThat(number(naive, "holds") + number(naive, "refused")).isEqualTo(500);
      assertThat(number(naive, "errors")).isZero();
    }

    @Test
    @DisplayName("--json prints one object per approach with every documented key")
    void jsonHasEveryKey() {
      List<Map<String, String>> approaches = parse(run.out());
      assertThat(approaches).extracting(a -> a.get("approach")).containsExactly("naive", "library");
      for (Map<String, String> approach : approaches) {
        assertThat(approach)
            .containsKeys(
                "mode",
                "units",
                "buyers",
                "waves",
                "ttl_ms",
                "pay_ms",
                "abandon_pct",
                "cancel_pct",
                "holds",
                "confirmed",
                "released",
                "expired",
                "sold",
                "oversold",
                "refused",
                "min_available",
                "end_on_hand",
                "end_reserved",
                "books_balance",
                "ops_per_s",
                "p50_ms",
                "p99_ms");
        assertThat(approach.get("mode")).isEqualTo("checkout");
        assertThat(Double.parseDouble(approach.get("p99_ms")))
            .isGreaterThanOrEqualTo(Double.parseDouble(approach.get("p50_ms")));
      }
    }
  }

  @Test
  @DisplayName("with stock for all, the shares are honoured: 30% abandon, 25% cancel, 45% pay")
  void sharesAreHonoured() {
    Run run =
        checkout(
            List.of(
                "--units",
                "1000",
                "--buyers",
                "200",
                "--threads",
                "8",
                "--waves",
                "1",
                "--ttl",
                "1s",
                "--pay",
                "20ms",
                "--sweep-every",
                "50ms",
                "--abandon",
                "30%",
                "--cancel",
                "25"),
            "--json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (String name : List.of("naive", "library")) {
      Map<String, String> approach = approach(run, name);
      assertThat(number(approach, "holds")).as(name).isEqualTo(200);
      assertThat(number(approach, "refused")).as(name).isZero();
      assertThat(number(approach, "abandoned") / 200.0).as(name).isCloseTo(0.30, within(0.03));
      assertThat(number(approach, "cancelling") / 200.0).as(name).isCloseTo(0.25, within(0.03));
      assertThat(number(approach, "confirmed") / 200.0).as(name).isCloseTo(0.45, within(0.03));
    }
    Map<String, String> library = approach(run, "library");
    assertThat(number(library, "expired")).isEqualTo(number(library, "abandoned"));
    assertThat(number(library, "released")).isEqualTo(number(library, "cancelling"));
    assertThat(number(library, "end_on_hand")).isEqualTo(1000 - number(library, "confirmed"));
  }

  @Test
  @DisplayName("with --naive decrement the naive books balance, oversold or not")
  void naiveDecrementBooksAddUp() {
    Run run =
        checkout(
            List.of(
                "--units",
                "10",
                "--buyers",
                "200",
                "--threads",
                "16",
                "--waves",
                "1",
                "--ttl",
                "1s",
                "--pay",
                "20ms",
                "--sweep-every",
                "50ms",
                "--naive",
                "decrement"),
            "--json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    Map<String, String> naive = approach(run, "naive");
    assertThat(naive.get("method")).contains("writes a difference");
    // Differences are never lost: on hand is exactly the stock minus what was sold (below zero
    // when the race hit), and every hold gave its units back.
    assertThat(number(naive, "end_on_hand")).isEqualTo(10 - number(naive, "sold"));
    assertThat(number(naive, "end_reserved")).isZero();
    assertThat(naive.get("books_balance")).as(naive.get("books")).isEqualTo("true");
  }

  @Test
  @DisplayName("prints one aligned table with every row of the story, and a verdict")
  void printsAnAlignedTable() {
    Run run =
        checkout(
            List.of(
                "--units",
                "5",
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
                "50ms"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    List<String> lines = run.out().lines().toList();
    int header = indexOf(lines, "naive checkout");
    List<String> table = new ArrayList<>();
    for (int i = header; i < lines.size() && !lines.get(i).isBlank(); i++) {
      table.add(lines.get(i));
    }
    assertThat(table)
        .extracting(l -> l.replaceAll("\\s{2,}.*", ""))
        .containsSubsequence(
            "units in stock",
            "holds taken",
            "confirmed (paid)",
            "released (cancelled)",
            "expired (abandoned)",
            "units sold",
            "units oversold",
            "lowest available seen",
            "on hand at the end",
            "reserved at the end",
            "books balance",
            "buyers refused",
            "throughput",
            "p50 checkout",
            "p99 checkout");
    assertThat(table).extracting(String::length).containsOnly(table.get(0).length());
    assertThat(run.out()).contains("Books, library: on hand ");
    assertThat(lines.get(lines.size() - 1))
        .startsWith("Verdict: ")
        .contains("The library sold")
        .contains("its books balance");
    assertThat(run.out()).doesNotContain("\u001b[").doesNotContain("\r");
  }

  @Nested
  @DisplayName("bad options")
  class BadOptions {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '"',
        value = {
          "--abandon=120%             | --abandon must be between 0% and 100%, but was 120%",
          "--abandon=lots             | --abandon must be a share such as 20%, but was 'lots'",
          "--cancel=-5%               | --cancel must be a share such as 20%, but was '-5%'",
          "--ttl=500ms                | --ttl must be between 1 s and 60 s, but was 500ms",
          "--ttl=soon                 | --ttl must be a duration such as 2s, 1.5s or 250ms, but"
              + " was 'soon'",
          "--ttl=2m                   | --ttl must be a duration such as 2s, 1.5s or 250ms, but"
              + " was '2m'",
          "--pay=11s                  | --pay must be between 0 ms and 10 s, but was 11s",
          "--sweep-every=0ms          | --sweep-every must be between 1 ms and 10 s, but was 0ms",
          "--wave-gap=61s             | --wave-gap must be between 0 ms and 60 s, but was 61s",
          "--waves=0                  | --waves must be between 1 and 1,000, but was 0",
        })
    @DisplayName("are refused with exit code 2 and a message naming the option and the value")
    void refused(String option, String message) {
      Run run = Cli.run("flash-sale", "--checkout", option, "--url", URL);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err()).contains("error: " + message).contains("flash-sale --help");
      assertThat(run.out()).isEmpty();
    }

    @Test
    @DisplayName("shares that add up to more than every buyer are refused, with both figures")
    void sharesOverAHundred() {
      Run run =
          Cli.run("flash-sale", "--checkout", "--abandon", "70%", "--cancel", "40%", "--url", URL);

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .contains("error: --abandon (70%) and --cancel (40%) add up to 110%")
          .contains("at most 100%");
    }

    @Test
    @DisplayName("more waves than buyers are refused")
    void moreWavesThanBuyers() {
      Run run =
          Cli.run("flash-sale", "--checkout", "--buyers", "10", "--waves", "50", "--url", URL);

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("error: --waves must be at most --buyers (10), but was 50");
    }

    @Test
    @DisplayName("the checkout's options without --checkout are refused, not silently ignored")
    void checkoutOptionsNeedCheckout() {
      Run run = Cli.run("flash-sale", "--ttl", "2s", "--url", URL);

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("error: --ttl applies to --checkout only");
    }
  }

  private static Run checkout(List<String> options, String... more) {
    List<String> line = new ArrayList<>(List.of("flash-sale", "--checkout", "--url", URL));
    line.addAll(options);
    line.addAll(List.of(more));
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
