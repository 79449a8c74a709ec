package dev.inventory.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.examples.DatabaseOptions;
import dev.inventory.examples.ExampleDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bench}: does it oversell, and how fast is it on a hot SKU? Measures the library against
 * hand-written alternatives in one run, on the same pool, with rounds interleaved (A, B, C, A, B, C
 * ...) so that the ratios hold on a noisy machine. This class sets the run up and calls the
 * sections in turn; each section is a class of its own, and the approaches are data ({@link
 * Approaches}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    modelTransformer = BenchCommand.Help.class,
    footer = {
      "",
      "Example (the full run of the README, about 45 minutes on 2 cores):",
      "  java -jar examples/target/inventory-examples.jar bench --duration 5s --rounds 3 \\",
      "      --growth 0,1M,10M --out bench-results"
    })
public final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatabaseOptions database;

  @Mixin BenchOptions options;

  /** The description, written from the registry of approaches. */
  static final class Help implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec command) {
      command
          .usageMessage()
          .description(
              "Measures the library against hand-written alternatives on the same tables, the same"
                  + " pool and the same request sequence, rounds interleaved (A, B, C, A, B, C"
                  + " ...).",
              Approaches.helpLine(),
              "Writes results.csv (one row per cell and round), correctness.csv, profile.csv,"
                  + " summary.txt and throughput.svg to --out. Drops and recreates the schemas"
                  + " named <schema-prefix>_*.");
      return command;
    }
  }

  @Override
  public Integer call() throws Exception {
    Plan plan = options.plan(spec.commandLine(), database.keep());
    // The pools, Flyway and the embedded server log every start at INFO; the tables matter here.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Report report = new Report(System.out);
    try (ExampleDatabase db = database.open(4)) {
      HikariDataSource admin = db.pool();
      BenchSchemas schemas = new BenchSchemas(plan.schemaPrefix());
      report.progress("Setting up schemas %s_* on %s ...", plan.schemaPrefix(), db.description());
      schemas.dropAll(admin);
      Workload.Keys keys = plan.keys();
      List<String> skipped = new ArrayList<>();
      Map<String, Backend> backends = setUp(plan, admin, schemas, keys, skipped);
      try {
        Run run =
            new Run(
                plan,
                report,
                new Results(),
                admin,
                new BenchPools(admin, plan.synchronousCommit()),
                schemas,
                keys,
                new CellRunner(keys, plan.warmup(), plan.duration()),
                Long.toString(System.currentTimeMillis(), 36),
                backends);
        sections(run, db.description(), skipped);
      } finally {
        for (Backend backend : backends.values()) {
          backend.close();
        }
      }
      if (!plan.keepSchemas()) {
        schemas.dropAll(admin);
      }
    }
    return 0;
  }

  /**
   * The backends of the correctness table's approaches and the timed ones; an approach whose server
   * does not answer is left out, with one line in {@code skipped}.
   */
  private static Map<String, Backend> setUp(
      Plan plan,
      HikariDataSource admin,
      BenchSchemas schemas,
      Workload.Keys keys,
      List<String> skipped)
      throws Exception {
    Map<String, Backend> backends = new LinkedHashMap<>();
    for (String name : Approaches.inCorrectness(plan.approaches())) {
      Backend.ApproachContext context =
          new Backend.ApproachContext(name, schemas.of(name), admin, keys, plan);
      try {
        backends.put(name, Approaches.get(name).backend().open(context));
      } catch (Backend.Unavailable e) {
        skipped.add(name + ": skipped, " + e.getMessage());
      }
    }
    return backends;
  }

  /** The sections in turn, then the files; the tables print in the order they always have. */
  private static void sections(Run run, String database, List<String> skipped) throws Exception {
    Plan plan = run.plan();
    Report report = run.report();
    Environment env;
    try (HikariDataSource one = run.pools().open(1)) {
      env = Environment.read(database, one);
    }
    report.line("Inventory reservations benchmark");
    env.lines().forEach(report::line);
    report.line(
        "run:                workloads=%s ops=%s threads=%s duration=%s warm-up=%s rounds=%d"
            + " max-pool=%d approaches=%s",
        plan.workloads(),
        plan.ops(),
        plan.threads(),
        plan.durationText(),
        plan.warmupText(),
        plan.rounds(),
        plan.maxPool(),
        run.approaches());
    skipped.forEach(report::line);

    CorrectnessSection correctness = new CorrectnessSection(run);
    MatrixSection matrix = new MatrixSection(run);
    ProfileSection profile = new ProfileSection(run);
    correctness.run();
    matrix.run();
    if (plan.profileOps() > 0) {
      // After the matrix, so that the JIT has compiled every approach's path.
      profile.run();
    }
    correctness.print();
    profile.print();
    matrix.printTables();
    matrix.printWaits();
    if (!plan.growth().isEmpty()) {
      try (GrowthSection growth = new GrowthSection(run)) {
        growth.fill();
        growth.run();
        growth.print(env);
        new LargestLogSection(run, growth.largestLog()).run();
      }
    }
    List<Workload> chartWorkloads = new ArrayList<>();
    for (Workload w : plan.workloads()) {
      if (w != Workload.CART) {
        chartWorkloads.add(w);
      }
    }
    report.line("");
    report.line(
        "Wrote results.csv, correctness.csv, profile.csv, summary.txt and throughput.svg"
            + " to "
            + plan.out().toAbsolutePath().normalize());
    Path dir = plan.out();
    Files.createDirectories(dir);
    write(dir.resolve("results.csv"), run.results().csv());
    write(dir.resolve("correctness.csv"), correctness.csv());
    write(dir.resolve("profile.csv"), profile.csv());
    write(
        dir.resolve("throughput.svg"),
        SvgChart.render(
            run.results(), env, chartWorkloads, plan.ops(), plan.threads(), run.approaches()));
    write(dir.resolve("summary.txt"), report.summary());
  }

  private static void write(Path file, String text) throws java.io.IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
