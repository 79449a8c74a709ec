package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code bench}: the defaults users rely on, and one clear message per mistake. */
class BenchOptionsTest {

  @Test
  void withoutOptionsTheRunIsTheOneTheReadmeDescribes() {
    Plan plan = plan();
    assertThat(plan.workloads()).containsExactly(Workload.HOT, Workload.UNIFORM, Workload.CART);
    assertThat(plan.ops()).containsExactly(Op.RESERVE, Op.CYCLE);
    assertThat(plan.threads()).containsExactly(1, 8, 32, 64);
    assertThat(plan.duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(plan.warmup()).isEqualTo(Duration.ofSeconds(1));
    assertThat(plan.rounds()).isEqualTo(3);
    assertThat(plan.approaches())
        .containsExactly(
            "library", "library-uncombined", "raw-update", "raw-update-log", "select-for-update");
    assertThat(plan.growth()).containsExactly(0L, 1_000_000L);
    assertThat(plan.growthThreads()).isEqualTo(64);
    assertThat(plan.maxPool()).isEqualTo(64);
    assertThat(plan.synchronousCommit()).isEqualTo("on");
    assertThat(plan.uniformSkus()).isEqualTo(100_000);
    assertThat(plan.cartSkus()).isEqualTo(10_000);
    assertThat(plan.cartLines()).isEqualTo(3);
    assertThat(plan.levelsKeys()).isEqualTo(1000);
    assertThat(plan.correctnessStock()).isEqualTo(100);
    assertThat(plan.correctnessBuyers()).isEqualTo(64);
    assertThat(plan.profileOps()).isEqualTo(300);
    assertThat(plan.schemaPrefix()).isEqualTo("inventory_bench");
    assertThat(plan.keepSchemas()).isFalse();
    assertThat(plan.seed()).isEqualTo(42);
    assertThat(plan.out()).isEqualTo(Path.of("bench-results"));
    assertThat(plan.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(plan.amqpUrl()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/%2F");
  }

  @Test
  void theReadmeCommandLineParsesAsBefore() {
    Plan plan =
        plan(
            "--url",
            "jdbc:postgresql://127.0.0.1:5432/postgres",
            "--workload",
            "hot,uniform",
            "--op",
            "reserve",
            "--threads",
            "64",
            "--duration",
            "5s",
            "--rounds",
            "5",
            "--growth",
            "0,1M,10M",
            "--approach",
            "library",
            "--out",
            "elsewhere");
    assertThat(plan.workloads()).containsExactly(Workload.HOT, Workload.UNIFORM);
    assertThat(plan.ops()).containsExactly(Op.RESERVE);
    assertThat(plan.threads()).containsExactly(64);
    assertThat(plan.rounds()).isEqualTo(5);
    assertThat(plan.growth()).containsExactly(0L, 1_000_000L, 10_000_000L);
    assertThat(plan.approaches()).containsExactly("library");
    assertThat(plan.out()).isEqualTo(Path.of("elsewhere"));
  }

  @Test
  void keepSchemasStillKeepsThemBesideTheSharedKeep() {
    assertThat(plan("--keep-schemas").keepSchemas()).isTrue();
    assertThat(plan("--keep").keepSchemas()).isTrue();
  }

  @Test
  void everyTimedApproachOfTheRegistryIsAcceptedAndNoOther() {
    for (ApproachSpec spec : Approaches.ALL) {
      if (spec.timed()) {
        assertThat(plan("--approach", spec.name()).approaches()).containsExactly(spec.name());
      } else {
        assertThatThrownBy(() -> plan("--approach", spec.name()))
            .isInstanceOf(CommandLine.ParameterException.class)
            .hasMessageContaining(spec.name() + " is never timed");
      }
    }
  }

  @Test
  void badOptionsSayWhichOptionAndWhatWasWrong() {
    assertThat(error("--rounds", "2")).contains("--rounds must be between 3 and 100", "but was 2");
    assertThat(error("--workload", "hot,lukewarm"))
        .contains("--workload: unknown workload 'lukewarm': expected one of hot, uniform, cart");
    assertThat(error("--op", "buy")).contains("--op: unknown op 'buy'");
    assertThat(error("--duration", "5 parsecs"))
        .contains("--duration: invalid duration '5 parsecs'");
    assertThat(error("--approach", "naive"))
        .contains("--approach: naive is never timed (it oversells)");
    assertThat(error("--approach", "library,quantum"))
        .contains("--approach: unknown approach 'quantum': expected one of " + Approaches.timed());
    assertThat(error("--growth", "1M,0")).contains("--growth: sizes must be ascending");
    assertThat(error("--threads", "0")).contains("--threads: each count must be between 1 and 512");
    assertThat(error("--cart-lines", "30", "--cart-skus", "20"))
        .contains("--cart-lines must be between 1 and min(100, --cart-skus), but was 30");
    assertThat(error("--schema-prefix", "Bench")).contains("--schema-prefix must be a plain");
    assertThat(error("--redis-url", "localhost:6379"))
        .contains(
            "--redis-url must be a URL of scheme redis or rediss with a host, but was 'localhost:6379'");
    assertThat(error("--amqp-url", "http://shop:secret@mq/"))
        .contains(
            "--amqp-url must be a URL of scheme amqp or amqps with a host, but was 'http://shop:***@mq/'");
    assertThat(error("--url", "postgres://localhost/x"))
        .contains("--url must be a PostgreSQL JDBC URL");
  }

  @Test
  void theHelpListsEveryRegisteredApproachWithWhatItIs() {
    StringWriter out = new StringWriter();
    int exit =
        Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "bench", "-h");
    assertThat(exit).isZero();
    String help = out.toString().replaceAll("\\s+", " ");
    for (ApproachSpec spec : Approaches.ALL) {
      assertThat(help).contains(spec.name() + " (" + spec.description() + ")");
    }
    assertThat(help)
        .contains(
            "Timed approaches, from the list above: " + String.join(", ", Approaches.timed()));
  }

  /** The checked options of a command line. */
  private static Plan plan(String... args) {
    BenchCommand command = new BenchCommand();
    CommandLine cl = new CommandLine(command);
    cl.parseArgs(args);
    return command.options.plan(cl, command.database.keep());
  }

  /** What {@code bench} says on stderr when it refuses a command line (with exit code 2). */
  private static String error(String... args) {
    StringWriter err = new StringWriter();
    String[] line = new String[args.length + 1];
    line[0] = "bench";
    System.arraycopy(args, 0, line, 1, args.length);
    int exit = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), line);
    assertThat(exit).as("exit code of %s", List.of(line)).isEqualTo(2);
    return err.toString().replaceAll("\\s+", " ");
  }
}
