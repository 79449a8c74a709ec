package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.examples.Main;
import dev.inventory.jdbc.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark for a few seconds on tiny sizes, so it cannot rot. It checks what the run
 * writes and that no correct approach oversells; never how fast anything is.
 */
class BenchCommandTest {
  private static final List<String> APPROACHES = Approaches.defaults();

  @Test
  void aTinyRunWritesTheTablesTheCsvAndTheChart(@TempDir Path out) throws IOException {
    int exit =
        Main.run(
            "bench",
            "--url",
            url(),
            "--workload",
            "hot,uniform,cart",
            "--op",
            "reserve,cycle",
            "--threads",
            "1,2",
            "--duration",
            "20ms",
            "--warmup",
            "0ms",
            "--rounds",
            "3",
            "--uniform-skus",
            "50",
            "--cart-skus",
            "20",
            "--growth",
            "0,2k",
            "--levels-keys",
            "10",
            "--correctness-stock",
            "20",
            "--correctness-buyers",
            "4",
            "--profile-ops",
            "5",
            "--schema-prefix",
            "bench_test",
            "--out",
            out.toString());

    assertThat(exit).isZero();
    assertThat(out.resolve("summary.txt")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("summary.txt")))
        .contains("synchronous_commit=on", "cores", "library ÷ X", "Growth");
    assertThat(Files.readString(out.resolve("throughput.svg")))
        .startsWith("<svg")
        .contains("hot · reserve", "uniform · cycle", "select-for-update");

    List<Map<String, String>> rows = csv(out.resolve("results.csv"));
    assertThat(rows.get(0).keySet())
        .contains(
            "workload", "op", "threads", "approach", "round", "ops_per_s", "p50_ms", "p99_ms");
    List<Map<String, String>> bench =
        rows.stream().filter(r -> r.get("section").equals("bench")).toList();
    // 3 workloads x 2 ops x 2 thread counts x 3 rounds x 4 approaches, one row each.
    assertThat(bench).hasSize(3 * 2 * 2 * 3 * APPROACHES.size());
    assertThat(bench).extracting(r -> r.get("approach")).containsOnlyElementsOf(APPROACHES);
    assertThat(bench).extracting(r -> r.get("errors")).containsOnly("0");
    assertThat(rows).extracting(r -> r.get("section")).contains("growth", "levels", "expire");
    // Both log sizes in every round: 2 sizes x 2 workloads (hot, uniform) x 3 rounds, library only.
    List<Map<String, String>> growth =
        rows.stream().filter(r -> r.get("section").equals("growth")).toList();
    assertThat(growth).hasSize(2 * 2 * 3);
    assertThat(growth).extracting(r -> r.get("approach")).containsOnly("library");
    assertThat(growth).extracting(r -> r.get("log_rows")).containsOnly("0", "2000");
    assertThat(growth)
        .filteredOn(r -> r.get("log_rows").equals("2000"))
        .extracting(r -> r.get("round"))
        .containsExactlyInAnyOrder("1", "2", "3", "1", "2", "3");
    assertThat(Files.readString(out.resolve("summary.txt")))
        .contains("vs smallest", "the largest log's key index");
    assertThat(schemasNamed("bench_test_")).as("schemas left after the run").isEmpty();

    Map<String, Map<String, String>> correctness = new HashMap<>();
    csv(out.resolve("correctness.csv")).forEach(r -> correctness.put(r.get("approach"), r));
    assertThat(correctness).containsKeys("naive");
    for (String approach : APPROACHES) {
      assertThat(correctness.get(approach))
          .containsEntry("sold", "20")
          .containsEntry("oversold", "0")
          .containsEntry("lost_updates", "0");
    }
    // Every workload, op and approach, and the library's SQL alone for hot and uniform reserve.
    assertThat(csv(out.resolve("profile.csv"))).hasSize(3 * 2 * APPROACHES.size() + 2);
  }

  @Test
  void badOptionsFailWithUsageErrors() {
    assertThat(Main.run("bench", "--rounds", "2")).isEqualTo(2);
    assertThat(Main.run("bench", "--workload", "hot,lukewarm")).isEqualTo(2);
    assertThat(Main.run("bench", "--duration", "5 parsecs")).isEqualTo(2);
    assertThat(Main.run("bench", "--approach", "naive")).isEqualTo(2);
    assertThat(Main.run("bench", "--growth", "1M,0")).isEqualTo(2);
  }

  @Test
  void growthComparesEachLogSizeWithTheSmallestInTheSameRound() {
    List<CellResult> empty = List.of(cell(1, 0, 1000), cell(2, 0, 2000), cell(3, 0, 500));
    // Round 2 of the large log is faster than round 1 of the empty one: only rounds pair up.
    List<CellResult> large = List.of(cell(1, 10, 900), cell(2, 10, 1800), cell(3, 10, 1000));
    assertThat(Results.pairedRatio(large, empty)).isCloseTo(0.9, within(1e-9));
    assertThat(Results.pairedRatio(empty, empty)).isEqualTo(1.0);
  }

  private static CellResult cell(int round, long logRows, double opsPerSecond) {
    return new CellResult(
        new CellResult.Label("growth", "uniform", "reserve", 64, "library", round, 64, logRows),
        new CellResult.Figures((long) opsPerSecond, 1, 1, 2, 0, 0),
        new CellResult.PoolUse(1, 0),
        Map.of());
  }

  private static List<String> schemasNamed(String prefix) {
    try (HikariDataSource pool = TestDatabase.pool(1);
        Connection c = pool.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)")) {
      s.setString(1, prefix);
      List<String> names = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The test database, as a URL the examples' database resolution takes as it is. */
  static String url() {
    TestDatabase.Server server = TestDatabase.server();
    String url = server.jdbcUrl();
    if (url.contains("user=")) {
      return url;
    }
    String sep = url.contains("?") ? "&" : "?";
    String withUser = url + sep + "user=" + server.user();
    return server.password() == null || server.password().isEmpty()
        ? withUser
        : withUser + "&password=" + server.password();
  }

  private static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",", -1);
    return lines.stream()
        .skip(1)
        .map(
            line -> {
              String[] cells = line.split(",", -1);
              assertThat(cells).as("cells of %s", line).hasSize(header.length);
              Map<String, String> row = new HashMap<>();
              for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
              }
              return row;
            })
        .toList();
  }
}
