package dev.inventory.examples.bench;

import dev.inventory.examples.bench.ApproachSpec.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every approach the benchmark knows, in the order each round runs them and the tables list them.
 * This list is the one place an approach is registered: the help text, {@code --approach}, the
 * correctness table, the matrix, the CSVs and the chart all follow from it.
 */
final class Approaches {
  /**
   * The library as it ships: flash-sale mode on (concurrent one-line reserves share statements).
   */
  static final String LIBRARY = "library";

  /** The library with flash-sale mode off: every request its own statement. */
  static final String LIBRARY_UNCOMBINED = "library-uncombined";

  static final List<ApproachSpec> ALL =
      List.of(
          new ApproachSpec(
              LIBRARY,
              Kind.TIMED,
              "Inventory.reserve, confirm, release, as it ships: flash-sale mode on",
              SchemaBackend.of((pool, size, c) -> LibraryApproach.open(pool, c.schema(), true))),
          new ApproachSpec(
              LIBRARY_UNCOMBINED,
              Kind.TIMED,
              "the same with flash-sale mode off",
              SchemaBackend.of((pool, size, c) -> LibraryApproach.open(pool, c.schema(), false))),
          new ApproachSpec(
              "library-metrics",
              Kind.ON_REQUEST,
              "the library as it ships with inventory-micrometer's listener on a"
                  + " SimpleMeterRegistry: what its events and meters cost",
              SchemaBackend.of((pool, size, c) -> LibraryApproach.openMeasured(pool, c.schema()))),
          new ApproachSpec(
              "library-known-keys",
              Kind.ON_REQUEST,
              "the library as it ships in known-keys mode: every key in the catalog, the"
                  + " schema's guard (foreign keys to the catalog) on: what the mode costs",
              SchemaBackend.inCatalog(
                  (pool, size, c) -> LibraryApproach.openKnownKeys(pool, c.schema()))),
          new ApproachSpec(
              "library-capped",
              Kind.ON_REQUEST,
              "the library as it ships, every request naming one of 10,000 buyers and every key"
                  + " in the catalog with a per-buyer limit it never reaches: what checking and"
                  + " counting a buyer's units costs",
              SchemaBackend.withLimits(
                  LibraryApproach.NEVER_REACHED,
                  (pool, size, c) -> LibraryApproach.openCapped(pool, c.schema()))),
          new ApproachSpec(
              "raw-update",
              Kind.TIMED,
              "one autocommit conditional UPDATE, no log: the limit",
              SchemaBackend.of((pool, size, c) -> new RawUpdateApproach(pool, c.schema(), false))),
          new ApproachSpec(
              "raw-update-log",
              Kind.TIMED,
              "the same plus its log row in one CTE",
              SchemaBackend.of((pool, size, c) -> new RawUpdateApproach(pool, c.schema(), true))),
          new ApproachSpec(
              "select-for-update",
              Kind.TIMED,
              "BEGIN; SELECT ... FOR UPDATE; check in Java; UPDATE; INSERT the order; COMMIT",
              SchemaBackend.of(
                  (pool, size, c) ->
                      new SelectForUpdateApproach(pool, c.schema(), c.plan().cartLines()))),
          new ApproachSpec(
              "redis-lua",
              Kind.ON_REQUEST,
              "Redis at --redis-url, in memory: one Lua script checks a counter and decrements"
                  + " it; confirm moves the units to a sold counter, release puts them back; no"
                  + " order, no log, nothing durable. Start Redis with: "
                  + RedisLuaBackend.START,
              "in memory only: no order, no log, nothing durable (a restart of Redis loses every"
                  + " hold and sale)",
              RedisLuaBackend::open),
          new ApproachSpec(
              "queue",
              Kind.ON_REQUEST,
              "RabbitMQ at --amqp-url: buyers publish to the durable queue of their SKU"
                  + " (persistent messages, publisher confirms; SKUs hashed over one queue per"
                  + " pool connection) and wait for the reply; one consumer per queue takes them"
                  + " in order and runs the conditional UPDATE and its order row in PostgreSQL."
                  + " Start RabbitMQ with: "
                  + QueueBackend.START,
              QueueBackend::open),
          new ApproachSpec(
              "naive",
              Kind.CORRECTNESS_ONLY,
              "read, check in Java, write: correctness table only, never timed",
              SchemaBackend.of((pool, size, c) -> new NaiveApproach(pool, c.schema()))));

  private Approaches() {}

  static Optional<ApproachSpec> find(String name) {
    return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  static ApproachSpec get(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown approach '" + name + "'"));
  }

  static List<String> names(Kind... kinds) {
    List<String> names = new ArrayList<>();
    for (ApproachSpec a : ALL) {
      if (List.of(kinds).contains(a.kind())) {
        names.add(a.name());
      }
    }
    return names;
  }

  /** The approaches {@code --approach} may name. */
  static List<String> timed() {
    return names(Kind.TIMED, Kind.ON_REQUEST);
  }

  /** The default of {@code --approach}. */
  static List<String> defaults() {
    return names(Kind.TIMED);
  }

  /** The correctness table's approaches: all but the on-request ones not asked for. */
  static List<String> inCorrectness(List<String> asked) {
    List<String> names = new ArrayList<>();
    for (ApproachSpec a : ALL) {
      if (a.alwaysInCorrectness() || asked.contains(a.name())) {
        names.add(a.name());
      }
    }
    return names;
  }

  /** The caveats of these approaches, one line each, for the foot of a table. */
  static List<String> caveats(List<String> names) {
    List<String> lines = new ArrayList<>();
    for (ApproachSpec a : ALL) {
      if (names.contains(a.name()) && !a.caveat().isEmpty()) {
        lines.add(a.name() + ": " + a.caveat() + ".");
      }
    }
    return lines;
  }

  /** The help text's line on the approaches: each name and its description. */
  static String helpLine() {
    List<String> parts = new ArrayList<>();
    for (ApproachSpec a : ALL) {
      parts.add(a.name() + " (" + a.description() + ")");
    }
    return "Approaches: " + String.join("; ", parts) + ".";
  }

  /** The names {@code --approach} takes, for its help (picocli's completion candidates). */
  static final class TimedNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return timed().iterator();
    }
  }
}
