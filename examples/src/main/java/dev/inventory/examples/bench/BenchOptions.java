package dev.inventory.examples.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of {@code bench} (besides the database's, which every command shares), with their
 * defaults; {@link #plan} checks them all, in this one place, and converts them into a {@link
 * Plan}.
 */
final class BenchOptions {
  @Option(
      names = "--workload",
      split = ",",
      paramLabel = "NAME",
      description =
          "Workloads, comma-separated or repeated: hot (every request on one SKU), uniform (one"
              + " line on one of --uniform-skus SKUs), cart (--cart-lines SKUs of --cart-skus)."
              + " Default: hot,uniform,cart.")
  List<String> workloads = new ArrayList<>(List.of("hot", "uniform", "cart"));

  @Option(
      names = "--op",
      split = ",",
      paramLabel = "OP",
      description =
          "Operations: reserve (reserve only), cycle (reserve, then confirm or release; the pair"
              + " counts as one operation). Default: reserve,cycle.")
  List<String> ops = new ArrayList<>(List.of("reserve", "cycle"));

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N",
      description = "Closed-loop worker threads per cell, 1 to 512. Default: 1,8,32,64.")
  List<Integer> threads = new ArrayList<>(List.of(1, 8, 32, 64));

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Measured time of each cell, e.g. 500ms, 5s, 1m. Default: 5s.")
  String duration = "5s";

  @Option(
      names = "--warmup",
      paramLabel = "TIME",
      description = "Unrecorded warm-up before each cell's measurement. Default: 1s.")
  String warmup = "1s";

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description =
          "Rounds per cell, at least 3: each round runs every approach once, in turn. Default: 3.")
  int rounds = 3;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory, created if missing. Default: bench-results.")
  Path out = Path.of("bench-results");

  @Option(
      names = "--approach",
      split = ",",
      paramLabel = "NAME",
      completionCandidates = Approaches.TimedNames.class,
      description =
          "Timed approaches, from the list above: ${COMPLETION-CANDIDATES}. Default: every one that"
              + " needs no server besides PostgreSQL. (An approach of the correctness table only is"
              + " never timed; it is always in that table.)")
  List<String> approaches = new ArrayList<>(Approaches.defaults());

  @Option(
      names = "--growth",
      split = ",",
      paramLabel = "ROWS",
      description =
          "Log sizes at which reserve is measured, ascending: one library schema per size, its"
              + " log filled to it, all measured in turn every round; k and M suffixes allowed (1M"
              + " = 1,000,000), or none. 10M takes minutes and about 2 GB of disk. Default: 0,1M.")
  List<String> growth = new ArrayList<>(List.of("0", "1M"));

  @Option(
      names = "--growth-threads",
      paramLabel = "N",
      description = "Threads of the growth measurements. Default: the largest of --threads.")
  Integer growthThreads;

  @Option(
      names = "--max-pool",
      paramLabel = "N",
      description =
          "Largest HikariCP pool: a cell's pool has min(threads, N) connections, the same for"
              + " every approach. Default: 64.")
  int maxPool = 64;

  @Option(
      names = "--synchronous-commit",
      paramLabel = "VALUE",
      description =
          "synchronous_commit of the benchmark's sessions: on, off, local, remote_write,"
              + " remote_apply, or server (keep the server's). Default: on (the embedded"
              + " PostgreSQL's own default is off).")
  String synchronousCommit = "on";

  @Option(
      names = "--uniform-skus",
      paramLabel = "N",
      description = "SKUs of the uniform workload. Default: 100000.")
  int uniformSkus = 100_000;

  @Option(
      names = "--cart-skus",
      paramLabel = "N",
      description = "SKUs the carts draw from. Default: 10000.")
  int cartSkus = 10_000;

  @Option(
      names = "--cart-lines",
      paramLabel = "N",
      description = "Lines per cart (distinct SKUs, one unit each). Default: 3.")
  int cartLines = 3;

  @Option(
      names = "--levels-keys",
      paramLabel = "N",
      description = "Keys per levels() call in the growth section. Default: 1000.")
  int levelsKeys = 1000;

  @Option(
      names = "--correctness-stock",
      paramLabel = "UNITS",
      description = "Units on the key the buyers race for in the correctness table. Default: 100.")
  long correctnessStock = 100;

  @Option(
      names = "--correctness-buyers",
      paramLabel = "N",
      description =
          "Concurrent buyers in the correctness table. Default: the largest of --threads.")
  Integer correctnessBuyers;

  @Option(
      names = "--profile-ops",
      paramLabel = "N",
      description =
          "Operations per approach in the one-thread profile (statements, round trips and rows"
              + " per operation); 0 skips it. Default: 300.")
  int profileOps = 300;

  @Option(
      names = "--schema-prefix",
      paramLabel = "NAME",
      description = "Prefix of the schemas the run drops and creates. Default: inventory_bench.")
  String schemaPrefix = "inventory_bench";

  /** The name {@code --keep} had before the benchmark took the shared database options. */
  @Option(names = "--keep-schemas", hidden = true)
  boolean keepSchemas;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the request sequences. Default: 42.")
  long seed = 42;

  @Option(
      names = "--redis-url",
      paramLabel = "URL",
      description =
          "Redis of the redis-lua approach (asked for with --approach). Default:"
              + " ${DEFAULT-VALUE}.")
  String redisUrl = "redis://127.0.0.1:6379";

  @Option(
      names = "--amqp-url",
      paramLabel = "URL",
      description =
          "RabbitMQ of the queue approach (asked for with --approach). Default: ${DEFAULT-VALUE}.")
  String amqpUrl = "amqp://guest:guest@127.0.0.1:5672/%2F";

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
  private static final Pattern COUNT = Pattern.compile("(\\d+)([kKmM]?)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final List<String> SYNC_VALUES =
      List.of("on", "off", "local", "remote_write", "remote_apply", "server");

  /**
   * Checks every option and converts them; a bad value is a usage error that names the option and
   * the value.
   *
   * @param keep whether the shared {@code --keep} was given
   */
  Plan plan(CommandLine cl, boolean keep) {
    List<Workload> ws = parseDistinct(cl, "--workload", workloads, Workload::parse);
    List<Op> os = parseDistinct(cl, "--op", ops, Op::parse);
    List<Integer> ts = new ArrayList<>();
    for (int t : threads) {
      if (t < 1 || t > 512) {
        throw bad(cl, "--threads: each count must be between 1 and 512, but was " + t);
      }
      if (!ts.contains(t)) {
        ts.add(t);
      }
    }
    if (ws.isEmpty() || os.isEmpty() || ts.isEmpty()) {
      throw bad(cl, "--workload, --op and --threads need at least one value each");
    }
    Duration d = duration(cl, "--duration", duration);
    Duration wu = duration(cl, "--warmup", warmup);
    if (d.isZero()) {
      throw bad(cl, "--duration must be positive, but was " + duration);
    }
    if (rounds < 3 || rounds > 100) {
      throw bad(
          cl,
          "--rounds must be between 3 and 100 (a median of fewer than 3 rounds is not robust),"
              + " but was "
              + rounds);
    }
    List<String> as = parseDistinct(cl, "--approach", approaches, BenchOptions::timedApproach);
    if (as.isEmpty()) {
      throw bad(cl, "--approach needs at least one approach");
    }
    List<Long> gs = new ArrayList<>();
    if (!(growth.size() == 1 && growth.get(0).trim().equalsIgnoreCase("none"))) {
      long previous = -1;
      for (String g : growth) {
        long rows = count(cl, "--growth", g);
        if (rows <= previous) {
          throw bad(cl, "--growth: sizes must be ascending, but " + g + " follows " + previous);
        }
        gs.add(rows);
        previous = rows;
      }
    }
    int gt = growthThreads != null ? growthThreads : Collections.max(ts);
    range(cl, "--growth-threads", gt, 1, 512);
    range(cl, "--max-pool", maxPool, 1, 512);
    if (!SYNC_VALUES.contains(synchronousCommit)) {
      throw bad(
          cl,
          "--synchronous-commit must be one of "
              + SYNC_VALUES
              + ", but was '"
              + synchronousCommit
              + "'");
    }
    range(cl, "--uniform-skus", uniformSkus, 1, 10_000_000);
    range(cl, "--cart-skus", cartSkus, 1, 10_000_000);
    range(cl, "--levels-keys", levelsKeys, 1, 100_000);
    if (cartLines < 1 || cartLines > Math.min(100, cartSkus)) {
      throw bad(
          cl, "--cart-lines must be between 1 and min(100, --cart-skus), but was " + cartLines);
    }
    range(cl, "--correctness-stock", correctnessStock, 1, 1_000_000);
    int buyers = correctnessBuyers != null ? correctnessBuyers : Collections.max(ts);
    range(cl, "--correctness-buyers", buyers, 1, 512);
    range(cl, "--profile-ops", profileOps, 0, 1_000_000);
    if (!IDENTIFIER.matcher(schemaPrefix).matches()) {
      throw bad(
          cl,
          "--schema-prefix must be a plain lower-case SQL identifier of at most 40 characters"
              + " (a-z, 0-9, _), but was '"
              + schemaPrefix
              + "'");
    }
    url(cl, "--redis-url", redisUrl, "redis", "rediss");
    url(cl, "--amqp-url", amqpUrl, "amqp", "amqps");
    return new Plan(
        ws,
        os,
        ts,
        d,
        duration,
        wu,
        warmup,
        rounds,
        as,
        gs,
        gt,
        maxPool,
        synchronousCommit,
        uniformSkus,
        cartSkus,
        cartLines,
        levelsKeys,
        correctnessStock,
        buyers,
        profileOps,
        schemaPrefix,
        keep || keepSchemas,
        seed,
        out,
        redisUrl,
        amqpUrl);
  }

  /** An approach {@code --approach} takes: a timed one of the registry. */
  private static String timedApproach(String name) {
    ApproachSpec spec =
        Approaches.find(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown approach '" + name + "': expected one of " + Approaches.timed()));
    if (!spec.timed()) {
      throw new IllegalArgumentException(
          name + " is never timed (it oversells); see the correctness table");
    }
    return name;
  }

  /** The values in order, each once; a value the parser refuses is a usage error. */
  private static <T> List<T> parseDistinct(
      CommandLine cl, String option, List<String> values, Function<String, T> parse) {
    List<T> parsed = new ArrayList<>();
    for (String value : values) {
      T one;
      try {
        one = parse.apply(value.trim());
      } catch (IllegalArgumentException e) {
        throw bad(cl, option + ": " + e.getMessage());
      }
      if (!parsed.contains(one)) {
        parsed.add(one);
      }
    }
    return parsed;
  }

  /** A server's URL: one of these schemes, and a host. */
  private static void url(CommandLine cl, String option, String text, String... schemes) {
    boolean valid;
    try {
      URI uri = new URI(text);
      valid = List.of(schemes).contains(uri.getScheme()) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      valid = false;
    }
    if (!valid) {
      throw bad(
          cl,
          option
              + " must be a URL of scheme "
              + String.join(" or ", schemes)
              + " with a host, but was '"
              + redacted(text)
              + "'");
    }
  }

  /** A URL as the output may show it: without its password. */
  static String redacted(String url) {
    return url.replaceFirst("://([^:/@]*):[^@/]*@", "://$1:***@");
  }

  private static void range(CommandLine cl, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw bad(cl, option + " must be between " + min + " and " + max + ", but was " + value);
    }
  }

  private static Duration duration(CommandLine cl, String option, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw bad(cl, option + ": invalid duration '" + text + "': use e.g. 500ms, 5s or 1m");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = amount * ("ms".equals(unit) ? 1 : "s".equals(unit) ? 1_000 : 60_000);
    if (millis > 3_600_000) {
      throw bad(cl, option + " must be at most 1 hour, but was " + text);
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private static long count(CommandLine cl, String option, String text) {
    Matcher m = COUNT.matcher(text.trim());
    if (!m.matches()) {
      throw bad(cl, option + ": invalid row count '" + text + "': use e.g. 0, 500000, 1M or 10M");
    }
    long n = Long.parseLong(m.group(1));
    String suffix = m.group(2).toLowerCase(Locale.ROOT);
    long rows = "k".equals(suffix) ? n * 1_000 : "m".equals(suffix) ? n * 1_000_000 : n;
    if (rows > 1_000_000_000L) {
      throw bad(cl, option + ": at most 1000M rows, but was " + text);
    }
    return rows;
  }

  private static ParameterException bad(CommandLine cl, String message) {
    return new ParameterException(cl, message);
  }
}
