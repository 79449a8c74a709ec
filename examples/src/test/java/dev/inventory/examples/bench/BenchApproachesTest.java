package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
    int exit = TinyBench.run(out, "bench_approaches_test", "--approach", "raw-update");

    assertThat(exit).isZero();
    assertThat(TinyBench.column(out.resolve("correctness.csv"), "approach"))
        .containsExactlyElementsOf(Approaches.inCorrectness(List.of("raw-update")))
        .containsAll(Approaches.defaults())
        .contains("naive");
    assertThat(TinyBench.column(out.resolve("results.csv"), "approach")).containsOnly("raw-update");
    assertThat(TinyBench.column(out.resolve("profile.csv"), "approach")).containsOnly("raw-update");
    assertThat(Files.readString(out.resolve("summary.txt")))
        .contains("approaches=[raw-update]", "hot · cycle", "cart · cycle");
    assertThat(Files.readString(out.resolve("throughput.svg")))
        .contains(">raw-update<")
        .doesNotContain(">library<");
  }
}
