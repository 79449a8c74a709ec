package dev.inventory.examples;

import static dev.inventory.examples.FlashSale.count;
import static dev.inventory.examples.FlashSaleCheckout.show;
import static dev.inventory.examples.FlashSaleCommand.decimal;
import static dev.inventory.examples.FlashSaleCommand.field;
import static dev.inventory.examples.FlashSaleCommand.quote;

import dev.inventory.examples.FlashSale.NaiveWrite;
import dev.inventory.examples.FlashSaleCheckout.Result;
import dev.inventory.examples.FlashSaleCheckout.Settings;
import dev.inventory.examples.TextTable.Right;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code flash-sale --checkout} prints: the table, the verdict, or the JSON. */
final class FlashSaleCheckoutReport {
  private FlashSaleCheckoutReport() {}

  static void printTable(PrintWriter out, Result naive, Result library) {
    TextTable table = new TextTable("", "naive checkout", "library");
    table.row(
        "how",
        new Right(
            naive.settings().naiveWrite() == NaiveWrite.OVERWRITE
                ? "read, check, write back"
                : "read, check, add/subtract"),
        new Right("reserve, confirm, release"));
    table.row("units in stock", right(naive.settings().units()), right(library.settings().units()));
    table.row("holds taken", right(naive.holds()), right(library.holds()));
    table.row("confirmed (paid)", right(naive.confirmed()), right(library.confirmed()));
    table.row("released (cancelled)", right(naive.released()), right(library.released()));
    table.row("expired (abandoned)", right(naive.expired()), right(library.expired()));
    if (naive.stillHeld() + library.stillHeld() != 0) {
      table.row("still held", right(naive.stillHeld()), right(library.stillHeld()));
    }
    table.row("units sold", right(naive.sold()), right(library.sold()));
    table.row("units oversold", right(naive.oversold()), right(library.oversold()));
    table.row("lowest available seen", right(naive.minAvailable()), right(library.minAvailable()));
    table.row("on hand at the end", right(naive.endOnHand()), right(library.endOnHand()));
    table.row("reserved at the end", right(naive.endReserved()), right(library.endReserved()));
    table.row("books balance", yesNo(naive), yesNo(library));
    table.row("buyers refused", right(naive.told().refused()), right(library.told().refused()));
    if (naive.told().late() + library.told().late() > 0) {
      table.row(
          "paid or cancelled too late", right(naive.told().late()), right(library.told().late()));
    }
    if (naive.told().errors() + library.told().errors() > 0) {
      table.row("errors", right(naive.told().errors()), right(library.told().errors()));
    }
    table.row("throughput", ops(naive), ops(library));
    table.row("p50 checkout", millis(naive.p50Millis()), millis(library.p50Millis()));
    table.row("p99 checkout", millis(naive.p99Millis()), millis(library.p99Millis()));
    table.print(out, "");
    out.println();
    out.println("naive:   " + naive.method());
    out.println("library: " + library.method());
    out.println("Books, naive:   " + naive.booksSummary() + ".");
    out.println("Books, library: " + library.booksSummary() + ".");
    out.println(
        "Holds: each buyer who got one then paid and confirmed, cancelled (release), or abandoned"
            + " the cart (expired by the sweeper once its TTL ran out; "
            + count(naive.sweptInSale())
            + " naive and "
            + count(library.sweptInSale())
            + " library holds while the crowd was still buying). Lowest available: on hand minus"
            + " reserved, the lowest any read or write of the run saw.");
    out.println(
        "Throughput: buyers / the time from each wave's arrival to the answer of its last"
            + " reserve. Checkout latency: per buyer, its database steps (reserve, then confirm or"
            + " release), each from asking the pool for a connection to the answer; paying is not"
            + " counted.");
  }

  /** What the library got wrong, if anything: every entry is a broken promise. */
  static List<String> libraryFailures(Result library) {
    List<String> failures = new ArrayList<>();
    if (library.oversold() > 0) {
      failures.add(
          "sold " + count(library.sold()) + " units of " + count(library.settings().units()));
    }
    if (library.minAvailable() < 0) {
      failures.add("available stock fell to " + count(library.minAvailable()));
    }
    failures.addAll(library.books());
    return failures;
  }

  /** Prints the verdict line and returns the exit code. */
  static int verdict(PrintWriter out, Terminal terminal, Result naive, Result library) {
    List<String> failures = libraryFailures(library);
    if (!failures.isEmpty()) {
      out.println(
          terminal.red(
              "FAILED: the library oversold or its books do not balance: "
                  + String.join("; ", failures)
                  + ". This is a bug; please report it."));
      out.flush();
      return FlashSaleCommand.OVERSOLD;
    }
    if (library.told().errors() + naive.told().errors() > 0) {
      Result failed = library.told().errors() > 0 ? library : naive;
      out.println(
          terminal.red(
              "ERROR: "
                  + count(failed.told().errors())
                  + " "
                  + failed.approach()
                  + " checkout steps failed; the first with "
                  + failed.told().firstError()));
      out.flush();
      return 1;
    }
    long units = library.settings().units();
    String naiveSays;
    if (naive.oversold() > 0) {
      naiveSays =
          "the naive checkout sold "
              + count(naive.sold())
              + " units of "
              + count(units)
              + ": "
              + count(naive.oversold())
              + " that were not there";
    } else if (!naive.booksBalance()) {
      naiveSays = "the naive checkout did not oversell this time";
    } else {
      naiveSays =
          "this time the race did not hit the naive checkout (it sold "
              + count(naive.sold())
              + " of "
              + count(units)
              + "): luck, not safety. Run it again, or with more --threads";
    }
    if (!naive.booksBalance()) {
      naiveSays +=
          (naive.oversold() > 0 ? ", and" : ", but")
              + " its books are off: "
              + naive.booksSummary();
    } else if (naive.minAvailable() < 0) {
      naiveSays += ", and its available stock fell to " + count(naive.minAvailable());
    }
    String librarySays =
        "The library sold "
            + (library.sold() == units ? "exactly " + count(units) : count(library.sold()))
            + " of "
            + count(units)
            + " in "
            + count(library.holds())
            + " holds ("
            + count(library.released() + library.expired())
            + " carts that ended unpaid put their units back on sale)"
            + (library.sold() < units
                ? ", "
                    + count(units - library.sold())
                    + " are back on the shelf from carts that ended after the last buyers came"
                : "")
            + "; available stock never went below zero, and its books balance.";
    String verdict = "Verdict: " + naiveSays + ". " + librarySays;
    if (naive.oversold() > 0 || !naive.booksBalance()) {
      out.println(terminal.bold(verdict));
    } else {
      out.println(verdict);
    }
    out.flush();
    return 0;
  }

  /** The results as a JSON array, one object per approach; keys in snake_case. */
  static String json(List<Result> results) {
    StringBuilder json = new StringBuilder("[\n");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      Settings s = r.settings();
      List<String> fields =
          List.of(
              field("approach", quote(r.approach())),
              field("method", quote(r.method())),
              field("mode", quote("checkout")),
              field("units", s.units()),
              field("buyers", s.buyers()),
              field("threads", s.threads()),
              field("quantity", s.quantity()),
              field("waves", s.waves()),
              field("wave_gap_ms", s.waveGap().toMillis()),
              field("ttl_ms", s.ttl().toMillis()),
              field("pay_ms", s.pay().toMillis()),
              field("sweep_ms", s.sweepEvery().toMillis()),
              field("abandon_pct", s.abandonPercent()),
              field("cancel_pct", s.cancelPercent()),
              field("holds", r.holds()),
              field("confirmed", r.confirmed()),
              field("released", r.released()),
              field("expired", r.expired()),
              field("still_held", r.stillHeld()),
              field("abandoned", r.told().abandoned()),
              field("cancelling", r.told().cancelling()),
              field("late", r.told().late()),
              field("swept_in_sale", r.sweptInSale()),
              field("sold", r.sold()),
              field("oversold", r.oversold()),
              field("refused", r.told().refused()),
              field("errors", r.told().errors()),
              field("min_available", r.minAvailable()),
              field("end_on_hand", r.endOnHand()),
              field("end_reserved", r.endReserved()),
              field("books_balance", r.booksBalance()),
              field("books", quote(r.booksSummary())),
              field("ops_per_s", decimal(r.reservesPerSecond(), 1)),
              field("p50_ms", decimal(r.p50Millis(), 3)),
              field("p99_ms", decimal(r.p99Millis(), 3)),
              field("wall_ms", decimal(r.wallNanos() / 1e6, 1)));
      json.append("  {")
          .append(String.join(", ", fields))
          .append('}')
          .append(i < results.size() - 1 ? ",\n" : "\n");
    }
    return json.append(']').toString();
  }

  /** The header: what the sale is, in two lines. */
  static String header(Settings s) {
    return "Flash sale, the whole checkout: "
        + count(s.units())
        + " units of "
        + FlashSale.SKU.sku()
        + ", "
        + count(s.buyers())
        + " buyers ordering "
        + count(s.quantity())
        + " each, in "
        + count(s.waves())
        + (s.waves() == 1 ? " wave" : " waves " + show(s.waveGap()) + " apart")
        + ", on "
        + count(s.threads())
        + " threads.\nA buyer with a hold (TTL "
        + show(s.ttl())
        + ") pays within "
        + show(s.pay())
        + " and confirms, cancels ("
        + s.cancelPercent()
        + "%) or abandons the cart ("
        + s.abandonPercent()
        + "%); sweepers run every "
        + show(s.sweepEvery());
  }

  private static Right yesNo(Result r) {
    return new Right(r.booksBalance() ? "yes" : "no");
  }

  private static Right right(long n) {
    return new Right(count(n));
  }

  private static Right ops(Result r) {
    return new Right(count(Math.round(r.reservesPerSecond())) + " reserves/s");
  }

  private static Right millis(double ms) {
    return new Right(String.format(Locale.ROOT, "%.1f ms", ms));
  }
}
