package dev.inventory.examples;

import static dev.inventory.examples.FlashSale.count;

import dev.inventory.examples.FlashSale.NaiveWrite;
import dev.inventory.examples.FlashSale.Result;
import dev.inventory.examples.FlashSale.Settings;
import dev.inventory.examples.TextTable.Right;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flash-sale}: the naive checkout and the library's, against the same crowd. */
@Command(
    name = "flash-sale",
    header = "A crowd of buyers against the naive checkout and against the library.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "N units of one SKU, M buyers on T threads, all checking out at the same instant. The"
          + " crowd runs twice against PostgreSQL: first the naive way (read the stock, check it"
          + " in Java, write it back), then with the library (inventory.purchase, one conditional"
          + " UPDATE). Prints what each sold, oversold and how fast.",
      "",
      "With --checkout, each buyer goes through the whole checkout instead: a hold with a TTL in"
          + " the cart, paying, then confirm; some cancel (release), some abandon the cart, whose"
          + " hold runs out and is expired by a sweeper while the sale goes on. The crowd comes"
          + " in waves, so units of cancelled and abandoned carts go back on sale. Prints holds"
          + " taken, confirmed, released and expired, what was sold and oversold, the stock at"
          + " the end, and whether the books balance.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the library sold no more than the stock (and, with --checkout, its books balance)",
      "1:an error (database unreachable, a checkout failed)",
      "2:bad options",
      "3:the library oversold, or with --checkout its books do not balance (a bug: please"
          + " report it)"
    })
final class FlashSaleCommand implements Callable<Integer> {
  /** Exit code when the library oversold. */
  static final int OVERSOLD = 3;

  /** More connections than this only queue inside PostgreSQL; buyers wait for one instead. */
  static final int MAX_POOL = 64;

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(
      names = "--units",
      paramLabel = "N",
      defaultValue = "100",
      description = "Units of the SKU in stock (default: ${DEFAULT-VALUE}).")
  long units;

  @Option(
      names = "--buyers",
      paramLabel = "M",
      defaultValue = "5000",
      description = "Buyers in the crowd (default: ${DEFAULT-VALUE}).")
  int buyers;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "64",
      description =
          "Threads the buyers run on, all released at once (default: ${DEFAULT-VALUE}). The"
              + " connection pool has as many connections, up to "
              + MAX_POOL
              + ".")
  int threads;

  @Option(
      names = "--quantity",
      paramLabel = "Q",
      defaultValue = "1",
      description = "Units each buyer orders (default: ${DEFAULT-VALUE}).")
  long quantity;

  @Option(
      names = "--naive",
      paramLabel = "WRITE",
      description =
          "How the naive checkout writes the stock back (default: decrement; with --checkout,"
              + " overwrite). decrement: UPDATE SET on_hand = on_hand - q, and the stock goes"
              + " negative. overwrite: UPDATE SET on_hand = <value read - q>, and updates"
              + " overwrite each other: more is sold than there is, while the table still shows"
              + " stock. With --checkout the same goes for reserved; a checkout that keeps"
              + " on_hand and reserved usually saves the whole row it read, as an ORM saves an"
              + " entity: hence overwrite.")
  NaiveWrite naiveWrite;

  @Option(
      names = "--checkout",
      description =
          "The whole checkout per buyer: reserve a hold with a TTL, pay, confirm; some buyers"
              + " cancel, some abandon their cart. The options below apply to it only.")
  boolean checkout;

  @Option(
      names = "--abandon",
      paramLabel = "SHARE",
      defaultValue = "20%",
      description =
          "With --checkout: the share of buyers with a hold who abandon their cart; the hold"
              + " runs out and a sweeper expires it (default: ${DEFAULT-VALUE}).")
  String abandon;

  @Option(
      names = "--cancel",
      paramLabel = "SHARE",
      defaultValue = "10%",
      description =
          "With --checkout: the share of buyers with a hold who cancel (release) instead of"
              + " paying (default: ${DEFAULT-VALUE}).")
  String cancel;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      defaultValue = "1.5s",
      description =
          "With --checkout: how long a hold lasts, 1s to 60s (default: ${DEFAULT-VALUE}). The"
              + " sale ends when the last abandoned hold has run out and been swept.")
  String ttl;

  @Option(
      names = "--pay",
      paramLabel = "DURATION",
      defaultValue = "200ms",
      description =
          "With --checkout: paying (or deciding to cancel) takes a random time up to this, 0 to"
              + " 10s (default: ${DEFAULT-VALUE}). Longer than --ttl, some pay too late.")
  String pay;

  @Option(
      names = "--waves",
      paramLabel = "W",
      defaultValue = "6",
      description =
          "With --checkout: the crowd arrives in W waves, each all at once (default:"
              + " ${DEFAULT-VALUE}).")
  int waves;

  @Option(
      names = "--wave-gap",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description =
          "With --checkout: the time between two waves, 0 to 60s (default: ${DEFAULT-VALUE}).")
  String waveGap;

  @Option(
      names = "--sweep-every",
      paramLabel = "DURATION",
      defaultValue = "250ms",
      description =
          "With --checkout: the period of the expiry sweepers (the library's ExpirySweeper, and"
              + " the naive shop's own), 1ms to 10s (default: ${DEFAULT-VALUE}).")
  String sweepEvery;

  @Option(
      names = "--json",
      description =
          "Print only a JSON array, one object per approach (approach, units, buyers, sold,"
              + " oversold, refused, min_stock, ops_per_s, p50_ms, p99_ms, ...; with --checkout:"
              + " approach, holds, confirmed, released, expired, sold, oversold, refused,"
              + " min_available, end_on_hand, end_reserved, books_balance, ops_per_s, p50_ms,"
              + " p99_ms, ...).")
  boolean json;

  @Mixin DatabaseOptions database;

  /** The options that only {@code --checkout} reads. */
  private static final List<String> CHECKOUT_OPTIONS =
      List.of("--abandon", "--cancel", "--ttl", "--pay", "--waves", "--wave-gap", "--sweep-every");

  @Override
  public Integer call() throws Exception {
    validate();
    if (checkout) {
      return runCheckout(checkoutSettings());
    }
    PrintWriter out = spec.commandLine().getOut();
    Terminal terminal = main.terminal();
    NaiveWrite write = naiveWrite != null ? naiveWrite : NaiveWrite.DECREMENT;
    Settings settings = new Settings(units, buyers, threads, quantity, write);
    int poolSize = Math.min(threads, MAX_POOL) + 1; // +1: the stock observer's dashboard reads
    if (!json) {
      out.println(
          terminal.bold(
              "Flash sale: "
                  + count(units)
                  + " units of "
                  + FlashSale.SKU.sku()
                  + ", "
                  + count(buyers)
                  + " buyers ordering "
                  + count(quantity)
                  + " each, on "
                  + count(threads)
                  + " threads, all released at the same instant"));
      out.flush();
    }
    try (ExampleDatabase db = database.open(poolSize)) {
      if (!json) {
        out.println(
            "Database: "
                + db.description()
                + ", a pool of "
                + (poolSize - 1)
                + " connections for the buyers");
        out.println();
        out.flush();
      }
      List<String> schemas = DemoSchema.create(db.dataSource(), "flash_sale", "naive", "library");
      Result naive;
      Result library;
      try {
        boolean bar = terminal.interactive() && !json;
        naive =
            FlashSale.runNaive(
                db.dataSource(),
                schemas.get(0),
                settings,
                bar ? new ProgressBar(out, "naive") : null);
        library =
            FlashSale.runLibrary(
                db.dataSource(),
                schemas.get(1),
                settings,
                bar ? new ProgressBar(out, "library") : null);
      } finally {
        // With --json, stdout carries the JSON only.
        database.cleanUp(db, schemas, json ? spec.commandLine().getErr() : out);
      }
      if (json) {
        out.println(json(List.of(naive, library)));
      } else {
        printTable(out, naive, library);
        out.println();
      }
      // With --json, stdout carries the JSON only; the verdict goes to stderr.
      return json
          ? verdict(spec.commandLine().getErr(), Terminal.PLAIN, naive, library)
          : verdict(out, terminal, naive, library);
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    OptionChecks.range(cl, "--units", units, 1, 1_000_000_000L);
    OptionChecks.range(cl, "--buyers", buyers, 1, 1_000_000);
    OptionChecks.range(cl, "--threads", threads, 1, 1_000);
    OptionChecks.range(cl, "--quantity", quantity, 1, 1_000_000_000L);
    if (!checkout) {
      for (String option : CHECKOUT_OPTIONS) {
        if (cl.getParseResult().hasMatchedOption(option)) {
          throw new ParameterException(cl, option + " applies to --checkout only");
        }
      }
    }
  }

  /** Checks the options of {@code --checkout} and makes its settings. */
  private FlashSaleCheckout.Settings checkoutSettings() {
    CommandLine cl = spec.commandLine();
    int abandonPercent = OptionChecks.percent(cl, "--abandon", abandon);
    int cancelPercent = OptionChecks.percent(cl, "--cancel", cancel);
    if (abandonPercent + cancelPercent > 100) {
      throw new ParameterException(
          cl,
          "--abandon ("
              + abandonPercent
              + "%) and --cancel ("
              + cancelPercent
              + "%) add up to "
              + (abandonPercent + cancelPercent)
              + "%, but a buyer with a hold either abandons, cancels or pays: at most 100%");
    }
    if (waves > buyers) {
      throw new ParameterException(
          cl, "--waves must be at most --buyers (" + count(buyers) + "), but was " + waves);
    }
    OptionChecks.range(cl, "--waves", waves, 1, 1_000);
    return new FlashSaleCheckout.Settings(
        units,
        buyers,
        threads,
        quantity,
        naiveWrite != null ? naiveWrite : NaiveWrite.OVERWRITE,
        waves,
        OptionChecks.duration(cl, "--wave-gap", waveGap, Duration.ZERO, Duration.ofSeconds(60)),
        OptionChecks.duration(cl, "--ttl", ttl, Duration.ofSeconds(1), Duration.ofSeconds(60)),
        OptionChecks.duration(cl, "--pay", pay, Duration.ZERO, Duration.ofSeconds(10)),
        OptionChecks.duration(
            cl, "--sweep-every", sweepEvery, Duration.ofMillis(1), Duration.ofSeconds(10)),
        abandonPercent,
        cancelPercent);
  }

  /** {@code --checkout}: the whole checkout, naive and library, with its own table. */
  private int runCheckout(FlashSaleCheckout.Settings settings) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Terminal terminal = main.terminal();
    // +2: the stock observer's dashboard reads, and the expiry sweeper
    int poolSize = Math.min(threads, MAX_POOL) + 2;
    if (!json) {
      FlashSaleCheckoutReport.header(settings).lines().forEach(l -> out.println(terminal.bold(l)));
      out.flush();
    }
    try (ExampleDatabase db = database.open(poolSize)) {
      if (!json) {
        out.println(
            "Database: "
                + db.description()
                + ", a pool of "
                + (poolSize - 2)
                + " connections for the buyers");
        out.println();
        out.flush();
      }
      List<String> schemas = DemoSchema.create(db.dataSource(), "flash_sale", "naive", "library");
      FlashSaleCheckout.Result naive;
      FlashSaleCheckout.Result library;
      try {
        boolean bar = terminal.interactive() && !json;
        naive =
            FlashSaleCheckout.runNaive(
                db.dataSource(),
                schemas.get(0),
                settings,
                bar ? new ProgressBar(out, "naive") : null);
        library =
            FlashSaleCheckout.runLibrary(
                db.dataSource(),
                schemas.get(1),
                settings,
                bar ? new ProgressBar(out, "library") : null);
      } finally {
        database.cleanUp(db, schemas, json ? spec.commandLine().getErr() : out);
      }
      if (json) {
        out.println(FlashSaleCheckoutReport.json(List.of(naive, library)));
        return FlashSaleCheckoutReport.verdict(
            spec.commandLine().getErr(), Terminal.PLAIN, naive, library);
      }
      FlashSaleCheckoutReport.printTable(out, naive, library);
      out.println();
      return FlashSaleCheckoutReport.verdict(out, terminal, naive, library);
    }
  }

  private static void printTable(PrintWriter out, Result naive, Result library) {
    TextTable table = new TextTable("", "naive checkout", "library");
    table.row(
        "how",
        new Right(
            naive.settings().naiveWrite() == NaiveWrite.DECREMENT
                ? "read, check, decrement"
                : "read, check, overwrite"),
        new Right("inventory.purchase"));
    table.row("units in stock", right(naive.settings().units()), right(library.settings().units()));
    table.row("units sold", right(naive.sold()), right(library.sold()));
    table.row("units oversold", right(naive.oversold()), right(library.oversold()));
    table.row("lowest stock seen", right(naive.minStock()), right(library.minStock()));
    table.row("stock at the end", right(naive.endStock()), right(library.endStock()));
    table.row("buyers served", right(naive.served()), right(library.served()));
    table.row("buyers refused", right(naive.refused()), right(library.refused()));
    if (naive.errors() + library.errors() > 0) {
      table.row("errors", right(naive.errors()), right(library.errors()));
    }
    table.row("throughput", ops(naive), ops(library));
    table.row("p50 latency", millis(naive.p50Millis()), millis(library.p50Millis()));
    table.row("p99 latency", millis(naive.p99Millis()), millis(library.p99Millis()));
    table.print(out, "");
    out.println();
    out.println("naive:   " + naive.method());
    out.println("library: " + library.method());
    out.println(
        "Lowest stock seen: the lowest value any read or write of the run saw (library: on hand"
            + " minus reserved).");
    out.println(
        "Latency: per buyer, from asking the pool for a connection to the answer. Throughput:"
            + " buyers / wall time.");
  }

  private static Right right(long n) {
    return new Right(count(n));
  }

  private static Right ops(Result r) {
    return new Right(count(Math.round(r.opsPerSecond())) + " checkouts/s");
  }

  private static Right millis(double ms) {
    return new Right(String.format(Locale.ROOT, "%.1f ms", ms));
  }

  /** Prints the verdict line and returns the exit code. */
  private static int verdict(PrintWriter out, Terminal terminal, Result naive, Result library) {
    long units = library.settings().units();
    List<String> failures = libraryFailures(library);
    if (!failures.isEmpty()) {
      out.println(
          terminal.red(
              "FAILED: the library oversold: "
                  + String.join("; ", failures)
                  + ". This is a bug; please report it."));
      out.flush();
      return OVERSOLD;
    }
    if (library.errors() + naive.errors() > 0) {
      Result failed = library.errors() > 0 ? library : naive;
      out.println(
          terminal.red(
              "ERROR: "
                  + count(failed.errors())
                  + " "
                  + failed.approach()
                  + " checkouts failed; the first with "
                  + failed.firstError()));
      out.flush();
      return 1;
    }
    String naiveSays;
    if (naive.oversold() > 0) {
      naiveSays =
          "the naive checkout sold "
              + count(naive.sold())
              + " units of "
              + count(units)
              + ": "
              + count(naive.oversold())
              + " that were not there, "
              + (naive.minStock() < 0
                  ? "and its stock fell to " + count(naive.minStock())
                  : "while its table says it sold "
                      + count(units - naive.endStock())
                      + " (the buyers' writes overwrote each other)")
              + ".";
    } else if ((long) naive.settings().buyers() * naive.settings().quantity() <= units) {
      naiveSays =
          "there was stock for every buyer, so nothing could be oversold (make --buyers times"
              + " --quantity exceed --units to see the race).";
    } else {
      naiveSays =
          "this time the race did not hit the naive checkout (it sold "
              + count(naive.sold())
              + " of "
              + count(units)
              + "): luck, not safety. Run it again, or with more --threads.";
    }
    String librarySays;
    if (library.sold() == units) {
      librarySays = "The library sold exactly " + count(units);
    } else if (library.refused() == 0) {
      librarySays =
          "The library sold "
              + count(library.sold())
              + " of "
              + count(units)
              + " (every buyer was served)";
    } else {
      librarySays =
          "The library sold "
              + count(library.sold())
              + " of "
              + count(units)
              + " (the "
              + count(units - library.sold())
              + " left are fewer than one order of "
              + count(library.settings().quantity())
              + ")";
    }
    String verdict =
        "Verdict: " + naiveSays + " " + librarySays + ", and its stock never went below zero.";
    if (naive.oversold() > 0) {
      out.println(terminal.bold(verdict));
    } else {
      out.println(verdict);
    }
    out.flush();
    return 0;
  }

  /** What the library got wrong, if anything: every entry is a broken promise. */
  static List<String> libraryFailures(Result library) {
    long units = library.settings().units();
    List<String> failures = new ArrayList<>();
    if (library.sold() > units) {
      failures.add("sold " + count(library.sold()) + " units of " + count(units));
    }
    if (library.minStock() < 0) {
      failures.add("its stock fell to " + count(library.minStock()));
    }
    if (library.endStock() != units - library.sold()) {
      failures.add(
          "on hand is "
              + count(library.endStock())
              + " after selling "
              + count(library.sold())
              + " of "
              + count(units));
    }
    if (library.endReserved() != 0) {
      failures.add(count(library.endReserved()) + " units are still reserved");
    }
    return failures;
  }

  /** The results as a JSON array, one object per approach; keys in snake_case. */
  static String json(List<Result> results) {
    StringBuilder json = new StringBuilder("[\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      Settings s = r.settings();
      json.append("  {")
          .append(field("approach", quote(r.approach())))
          .append(", ")
          .append(field("method", quote(r.method())))
          .append(", ")
          .append(field("units", s.units()))
          .append(", ")
          .append(field("buyers", s.buyers()))
          .append(", ")
          .append(field("threads", s.threads()))
          .append(", ")
          .append(field("quantity", s.quantity()))
          .append(", ")
          .append(field("sold", r.sold()))
          .append(", ")
          .append(field("oversold", r.oversold()))
          .append(", ")
          .append(field("served", r.served()))
          .append(", ")
          .append(field("refused", r.refused()))
          .append(", ")
          .append(field("errors", r.errors()))
          .append(", ")
          .append(field("min_stock", r.minStock()))
          .append(", ")
          .append(field("end_stock", r.endStock()))
          .append(", ")
          .append(field("ops_per_s", decimal(r.opsPerSecond(), 1)))
          .append(", ")
          .append(field("p50_ms", decimal(r.p50Millis(), 3)))
          .append(", ")
          .append(field("p99_ms", decimal(r.p99Millis(), 3)))
          .append(", ")
          .append(field("wall_ms", decimal(r.wallNanos() / 1e6, 1)))
          .append('}')
          .append(i < results.size() - 1 ? ",\n" : "\n");
    }
    return json.append(']').toString();
  }

  static String field(String name, Object value) {
    return quote(name) + ": " + value;
  }

  static String decimal(double value, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", value);
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
