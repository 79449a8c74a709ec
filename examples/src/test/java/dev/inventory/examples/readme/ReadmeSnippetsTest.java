package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.readme.Snippets.Block;
import dev.inventory.examples.readme.Snippets.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The manual's Java cannot drift from the code: every {@code ```java} block of README.md and
 * BENCHMARKS.md must be, line for line, a region of a test under some module's {@code
 * src/test/java} (the examples', or beside the code it shows, as the starter's) marked {@code //
 * tag::name[]} ... {@code // end::name[]}. Those tests compile the region and run it against the
 * test PostgreSQL (or the in-memory inventory, where the manual says so), and assert what the
 * manual says it does. A region that no block shows fails too, so a block deleted from the manual
 * cannot leave a test behind that pretends to check it.
 */
class ReadmeSnippetsTest {
  /** The Markdown files whose Java is checked. */
  static final List<String> MANUALS = List.of("README.md", "BENCHMARKS.md");

  /** The languages a fenced block may name; a block must name one, so no Java hides unlabelled. */
  static final Set<String> LANGUAGES = Set.of("java", "bash", "xml", "sql", "text", "properties");

  private static final Path ROOT = Snippets.projectRoot();

  /** Every module's tests: a region may live beside the code it shows. */
  private static final List<Path> TESTS = testRoots();

  private static List<Path> testRoots() {
    try (Stream<Path> modules = Files.list(ROOT)) {
      return modules
          .map(module -> module.resolve("src/test/java"))
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tagged regions of every module's tests; a tag used in two modules is an error too. */
  static Map<String, Region> allRegions() {
    Map<String, Region> all = new LinkedHashMap<>();
    for (Path tests : TESTS) {
      for (Region region : Snippets.regions(tests).values()) {
        Region before = all.putIfAbsent(region.name(), region);
        if (before != null) {
          throw new IllegalStateException(
              "tag '" + region.name() + "' is used in two modules: " + before + " and " + region);
        }
      }
    }
    return all;
  }

  @Test
  @DisplayName("every ```java block of the manual is a tagged region of a test that runs it")
  void everyJavaBlockIsATestedRegion() {
    List<String> problems = check(manualBlocks(), allRegions(), true);
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  @DisplayName("the README shows Java: at least the quick start, the store and the testing example")
  void theReadmeHasJavaBlocks() {
    long java =
        manualBlocks().stream()
            .filter(b -> b.file().equals("README.md") && b.language().equals("java"))
            .count();
    assertThat(java).as("```java blocks in README.md").isGreaterThanOrEqualTo(10);
  }

  @Test
  @DisplayName("every fenced block names its language, so no Java escapes the check unlabelled")
  void everyBlockNamesItsLanguage() {
    List<String> unlabelled = new ArrayList<>();
    for (Block block : manualBlocks()) {
      if (!LANGUAGES.contains(block.language())) {
        unlabelled.add(
            block.where()
                + ": a ```"
                + block.language()
                + " block (starting `"
                + block.firstLine()
                + "`) must name one of "
                + LANGUAGES);
      }
    }
    assertThat(unlabelled).as(String.join("\n", unlabelled)).isEmpty();
  }

  @Test
  @DisplayName("the check names a drifted block by its file, line and first line")
  void aDriftedBlockIsNamed() {
    String source =
        """
        class Example {
          void run() {
            // TAG::greeting[]
            String greeting = "hello";
            System.out.println(greeting);
            // END::greeting[]
          }
        }
        """;
    String markdown =
        """
        # Manual

        ```java
        String greeting = "hello, world";
        System.out.println(greeting);
        ```
        """;
    List<String> problems =
        check(
            Snippets.blocks("MANUAL.md", markdown),
            Map.of("greeting", Snippets.regions("Example.java", markers(source)).get(0)),
            true);

    assertThat(problems.get(0))
        .contains(
            "MANUAL.md:3",
            "String greeting = \"hello, world\";",
            "closest: tag 'greeting' in Example.java:3, which differs at line 1");
  }

  @Test
  @DisplayName("the check fails on a tagged region that no block of the manual shows")
  void anUnusedRegionIsNamed() {
    String source =
        """
        // TAG::shown[]
        int a = 1;
        // END::shown[]
        // TAG::forgotten[]
        int b = 2;
        // END::forgotten[]
        """;
    String markdown =
        """
        ```java
        int a = 1;
        ```
        """;
    Map<String, Region> regions = new java.util.LinkedHashMap<>();
    Snippets.regions("Example.java", markers(source)).forEach(r -> regions.put(r.name(), r));

    List<String> problems = check(Snippets.blocks("MANUAL.md", markdown), regions, true);

    assertThat(problems).singleElement().asString().contains("tag 'forgotten'", "Example.java:4");
  }

  @Test
  @DisplayName("indentation shared by all lines and trailing spaces do not count")
  void commonIndentationDoesNotCount() {
    String source =
        """
            if (ready) {   \s
              go();
            }
        """;
    assertThat(Snippets.normalize(source)).isEqualTo("if (ready) {\n  go();\n}\n");
  }

  /** Marker lines written so that this file's own sources hold no real tag. */
  private static String markers(String source) {
    return source.replace("// TAG::", "// tag::").replace("// END::", "// end::");
  }

  private static List<Block> manualBlocks() {
    List<Block> blocks = new ArrayList<>();
    for (String manual : MANUALS) {
      Path file = ROOT.resolve(manual);
      assertThat(file).as(manual).exists();
      blocks.addAll(Snippets.blocks(manual, Snippets.read(file)));
    }
    return blocks;
  }

  /**
   * What is wrong between the blocks and the regions: each Java block that equals no region, and
   * (if {@code allRegionsShown}) each region that no block equals.
   */
  static List<String> check(
      List<Block> blocks, Map<String, Region> regions, boolean allRegionsShown) {
    List<String> problems = new ArrayList<>();
    Set<String> shown = new HashSet<>();
    for (Block block : blocks) {
      if (!block.language().toLowerCase(Locale.ROOT).equals("java")) {
        continue;
      }
      Region match =
          regions.values().stream()
              .filter(r -> r.text().equals(block.text()))
              .findFirst()
              .orElse(null);
      if (match != null) {
        shown.add(match.name());
        continue;
      }
      problems.add(
          block.where()
              + ": the ```java block starting `"
              + block.firstLine()
              + "` is not a tagged region of any test under a module's src/test/java"
              + closest(block, regions));
    }
    if (allRegionsShown) {
      for (Region region : regions.values()) {
        if (!shown.contains(region.name())) {
          problems.add(
              region.file()
                  + ":"
                  + region.line()
                  + ": tag '"
                  + region.name()
                  + "' is shown by no ```java block of "
                  + String.join(" or ", MANUALS)
                  + " (copy it there, or drop the tag)");
        }
      }
    }
    return problems;
  }

  /** A hint: the region most like the block, and the first line where they part. */
  private static String closest(Block block, Map<String, Region> regions) {
    List<String> blockLines = block.text().lines().toList();
    Region best = null;
    int bestCommon = 0;
    long bestScore = 0;
    for (Region region : regions.values()) {
      List<String> lines = region.text().lines().toList();
      int common = 0;
      while (common < lines.size()
          && common < blockLines.size()
          && lines.get(common).equals(blockLines.get(common))) {
        common++;
      }
      long shared = lines.stream().filter(blockLines::contains).count();
      long score = common * 1000L + shared;
      if (score > bestScore) {
        best = region;
        bestCommon = common;
        bestScore = score;
      }
    }
    if (best == null) {
      return "";
    }
    List<String> lines = best.text().lines().toList();
    return "; closest: tag '"
        + best.name()
        + "' in "
        + best.file()
        + ":"
        + best.line()
        + ", which differs at line "
        + (bestCommon + 1)
        + " of the block: the block has `"
        + (bestCommon < blockLines.size() ? blockLines.get(bestCommon).strip() : "(end)")
        + "`, the test has `"
        + (bestCommon < lines.size() ? lines.get(bestCommon).strip() : "(end)")
        + "`";
  }
}
