package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approaches are data: what {@link Approaches#ALL} registers is what the correctness table, the
 * matrix, the profile and the chart show, and {@code --approach} chooses among the timed ones only.
 */
class BenchApproachesTest {

  @Test
  void oneTimedApproachIsTheMatrixWhileTheCorrectnessTableKeepsTheRegisteredOnes(@TempDir Path out)
      throws IOException {
    int exit =
        Main.run(
            "bench",
            "--url",
            BenchCommandTest.url(),
            "--workload",
            "hot,cart",
            "--op",
            "cycle",
            "--threads",
            "2",
            "--duration",
            "20ms",
            "--warmup",
            "0ms",
            "--uniform-skus",
            "10",
            "--cart-skus",
            "10",
            "--growth",
            "none",
            "--correctness-stock",
            "10",
            "--correctness-buyers",
            "3",
            "--profile-ops",
            "3",
            "--approach",
            "raw-update",
            "--schema-prefix",
            "bench_approaches_test",
            "--out",
            out.toString());

    assertThat(exit).isZero();
    assertThat(column(out.resolve("correctness.csv"), "approach"))
        .containsExactlyElementsOf(Approaches.inCorrectness(List.of("raw-update")))
        .containsAll(Approaches.defaults())
        .contains("naive");
    assertThat(column(out.resolve("results.csv"), "approach")).containsOnly("raw-update");
    assertThat(column(out.resolve("profile.csv"), "approach")).containsOnly("raw-update");
    assertThat(Files.readString(out.resolve("summary.txt")))
        .contains("approaches=[raw-update]", "hot · cycle", "cart · cycle");
    assertThat(Files.readString(out.resolve("throughput.svg")))
        .contains(">raw-update<")
        .doesNotContain(">library<");
  }

  private static List<String> column(Path csv, String name) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    int at = List.of(lines.get(0).split(",", -1)).indexOf(name);
    return lines.stream().skip(1).map(line -> line.split(",", -1)[at]).toList();
  }
}
