package dev.inventory.examples.bench;

import dev.inventory.examples.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark run of a second or so on the test database (hot and cart, reserve and cycle, two
 * threads, three rounds of 50 ms, no growth), and the CSVs it writes, read back.
 */
final class TinyBench {
  private TinyBench() {}

  /** Runs {@code bench} with the tiny settings, then {@code more}; its exit code. */
  static int run(Path out, String schemaPrefix, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--url",
                BenchCommandTest.url(),
                "--workload",
                "hot,cart",
                "--op",
                "reserve,cycle",
                "--threads",
                "2",
                "--duration",
                "50ms",
                "--warmup",
                "0ms",
                "--uniform-skus",
                "10",
                "--cart-skus",
                "10",
                "--growth",
                "none",
                "--correctness-stock",
                "20",
                "--correctness-buyers",
                "4",
                "--profile-ops",
                "3",
                "--schema-prefix",
                schemaPrefix,
                "--out",
                out.toString()));
    args.addAll(List.of(more));
    return Main.run(args.toArray(new String[0]));
  }

  static List<Map<String, String>> rows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  static List<String> column(Path csv, String name) throws IOException {
    return rows(csv).stream().map(r -> r.get(name)).toList();
  }
}
