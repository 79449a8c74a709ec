package dev.inventory.examples.bench;

import java.util.regex.Pattern;

/**
 * One approach the benchmark knows, as data: its name, whether and when it is timed, what it is
 * (the help text says it), and how a run sets it up. {@link Approaches#ALL} lists them; an approach
 * added there is in the help text, the correctness table, the matrix, the CSVs and the chart.
 *
 * @param name the name of {@code --approach}, the tables and the CSVs
 * @param kind whether it is timed, and whether by default
 * @param description what it does, in a few words, for the help text
 * @param caveat what a reader of its figures must know, printed under the tables that show it;
 *     empty for none
 * @param backend sets it up for a run: its stock, and how it opens on a pool
 */
record ApproachSpec(
    String name, Kind kind, String description, String caveat, Backend.Factory backend) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,17}");

  /** Whether an approach is timed, and whether a run times it without being asked. */
  enum Kind {
    /** Timed, and in the default {@code --approach} list. */
    TIMED,
    /** Timed when {@code --approach} names it: it needs a server besides PostgreSQL. */
    ON_REQUEST,
    /** Never timed (it oversells): always in the correctness table, nowhere else. */
    CORRECTNESS_ONLY
  }

  ApproachSpec {
    // The tables give a name 18 characters.
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "an approach's name must be 1 to 18 characters of a-z, 0-9 and -, but was '"
              + name
              + "'");
    }
  }

  /** An approach with nothing to add under the tables. */
  ApproachSpec(String name, Kind kind, String description, Backend.Factory backend) {
    this(name, kind, description, "", backend);
  }

  boolean timed() {
    return kind != Kind.CORRECTNESS_ONLY;
  }

  /** Whether the correctness table shows it even when {@code --approach} does not name it. */
  boolean alwaysInCorrectness() {
    return kind != Kind.ON_REQUEST;
  }
}
