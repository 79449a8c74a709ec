package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers a shop would otherwise put in front of its database, redis-lua and queue: skipped with
 * one line when their servers do not answer, and, where they do (Redis on 6379, RabbitMQ on 5672),
 * timed in the same harness and in the correctness table, selling exactly the stock.
 */
class BenchPeersTest {

  @Test
  void aPeerWhoseServerDoesNotAnswerIsSkippedWithOneLineAndTheRunGoesOn(@TempDir Path out)
      throws IOException {
    int exit =
        run(
            out,
            "--approach",
            "raw-update,redis-lua,queue",
            // Nothing listens on port 1.
            "--redis-url",
            "redis://127.0.0.1:1",
            "--amqp-url",
            "amqp://guest:secret@127.0.0.1:1/%2F");

    assertThat(exit).isZero();
    List<String> summary = Files.readAllLines(out.resolve("summary.txt"));
    assertThat(summary)
        .containsOnlyOnce(
            "redis-lua: skipped, no Redis at redis://127.0.0.1:1 (start it with: redis-server"
                + " --daemonize yes --port 6379 --save \"\" --appendonly no)",
            "queue: skipped, no RabbitMQ at amqp://guest:***@127.0.0.1:1/%2F (start it with:"
                + " rabbitmq-server -detached)")
        .anyMatch(line -> line.contains("approaches=[raw-update]"));
    assertThat(TinyBench.column(out.resolve("results.csv"), "approach")).containsOnly("raw-update");
    assertThat(TinyBench.column(out.resolve("correctness.csv"), "approach"))
        .doesNotContain("redis-lua", "queue");
  }

  @Test
  void redisLuaSellsExactlyTheStockAndIsTimedLikeTheOthers(@TempDir Path out) throws IOException {
    assumeServer("Redis", 6379);
    peerSellsExactlyTheStockAndIsTimed(out, "redis-lua");
  }

  @Test
  void theQueueSellsExactlyTheStockAndIsTimedLikeTheOthers(@TempDir Path out) throws IOException {
    assumeServer("RabbitMQ", 5672);
    peerSellsExactlyTheStockAndIsTimed(out, "queue");
  }

  private static void peerSellsExactlyTheStockAndIsTimed(Path out, String peer) throws IOException {
    int exit = run(out, "--approach", "library," + peer);

    assertThat(exit).isZero();
    Map<String, String> correctness = row(out.resolve("correctness.csv"), peer);
    assertThat(correctness)
        .containsEntry("sold", "20")
        .containsEntry("reserved_in_db", "20")
        .containsEntry("oversold", "0")
        .containsEntry("lost_updates", "0")
        .containsEntry("errors", "0");
    List<Map<String, String>> cells = new ArrayList<>();
    for (Map<String, String> r : TinyBench.rows(out.resolve("results.csv"))) {
      if (r.get("approach").equals(peer)) {
        cells.add(r);
      }
    }
    // 2 workloads x 2 ops x 3 rounds, each with no error and some operations.
    assertThat(cells).hasSize(2 * 2 * 3);
    assertThat(cells).extracting(r -> r.get("errors")).containsOnly("0");
    assertThat(cells).allSatisfy(r -> assertThat(Long.parseLong(r.get("ops"))).isPositive());
    assertThat(TinyBench.column(out.resolve("profile.csv"), "approach")).contains(peer);
  }

  private static int run(Path out, String... more) {
    return TinyBench.run(out, "bench_peers_test", more);
  }

  /** Skips the test, with one line saying why, when nothing answers on the port. */
  private static void assumeServer(String server, int port) {
    boolean answers;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      answers = true;
    } catch (IOException e) {
      answers = false;
    }
    if (!answers) {
      System.out.println("skipped: no " + server + " on 127.0.0.1:" + port);
    }
    Assumptions.assumeTrue(answers, "no " + server + " on 127.0.0.1:" + port);
  }

  private static Map<String, String> row(Path csv, String approach) throws IOException {
    return TinyBench.rows(csv).stream()
        .filter(r -> r.get("approach").equals(approach))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + approach + " in " + csv));
  }
}
