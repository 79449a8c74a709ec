package dev.inventory.examples.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where a run's text goes: the tables and notes on the terminal and into {@code summary.txt}, the
 * progress lines on the terminal only.
 */
final class Report {
  private final PrintStream out;
  private final StringBuilder summary = new StringBuilder();

  Report(PrintStream out) {
    this.out = out;
  }

  /** A line of the report: on the terminal and in {@code summary.txt}. */
  void line(String text) {
    out.println(text);
    summary.append(text).append('\n');
  }

  void line(String format, Object... args) {
    line(String.format(Locale.ROOT, format, args));
  }

  /** A progress line: terminal only. */
  void progress(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
  }

  /** Every {@link #line} so far: {@code summary.txt}. */
  String summary() {
    return summary.toString();
  }
}
