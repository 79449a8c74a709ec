package dev.inventory.examples.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The two sides of the manual's code: the fenced code blocks of a Markdown file, and the regions of
 * the test sources marked {@code // tag::name[]} ... {@code // end::name[]} (the Asciidoctor
 * convention). A block and a region are compared after {@link #normalize}: common indentation,
 * trailing spaces and blank first and last lines do not count.
 */
final class Snippets {
  private static final Pattern FENCE_OPEN = Pattern.compile("^(\\s*)```\\s*([A-Za-z0-9_+-]*)\\s*$");
  private static final Pattern FENCE_CLOSE = Pattern.compile("^\\s*```\\s*$");
  private static final Pattern TAG =
      Pattern.compile("^\\s*//\\s*tag::([A-Za-z0-9_.-]+)\\[\\]\\s*$");
  private static final Pattern END =
      Pattern.compile("^\\s*//\\s*end::([A-Za-z0-9_.-]+)\\[\\]\\s*$");

  private Snippets() {}

  /** One fenced block of a Markdown file. */
  record Block(String file, int line, String language, String text) {
    /** The block's first non-blank line, to name it in a failure. */
    String firstLine() {
      return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("(empty block)").strip();
    }

    String where() {
      return file + ":" + line;
    }
  }

  /** One tagged region of a source file. */
  record Region(String name, String file, int line, String text) {}

  /** The project's root: the directory above this module that holds README.md. */
  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("examples/pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no README.md with an examples module above " + dir);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fenced block of a Markdown text, in order; an unclosed fence is an error. */
  static List<Block> blocks(String file, String markdown) {
    List<Block> blocks = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE_OPEN.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !FENCE_CLOSE.matcher(lines.get(i)).matches(); i++) {
        text.append(lines.get(i)).append('\n');
      }
      if (i == lines.size()) {
        throw new IllegalStateException(file + ":" + (start + 1) + ": code block never closed");
      }
      blocks.add(new Block(file, start + 1, open.group(2), normalize(text.toString())));
    }
    return blocks;
  }

  /** Every tagged region of the Java files under {@code root}, by name; a name used twice fails. */
  static Map<String, Region> regions(Path root) {
    Map<String, Region> regions = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      for (Region region : regions(root.relativize(file).toString(), read(file))) {
        Region before = regions.putIfAbsent(region.name(), region);
        if (before != null) {
          throw new IllegalStateException(
              "tag '"
                  + region.name()
                  + "' is used twice: "
                  + before.file()
                  + ":"
                  + before.line()
                  + " and "
                  + region.file()
                  + ":"
                  + region.line());
        }
      }
    }
    return regions;
  }

  /**
   * The tagged regions of one source text. Regions may nest or overlap; the marker lines of other
   * regions are left out of a region's text.
   */
  static List<Region> regions(String file, String source) {
    List<String> lines = source.lines().toList();
    List<Region> regions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher tag = TAG.matcher(lines.get(i));
      if (!tag.matches()) {
        continue;
      }
      String name = tag.group(1);
      StringBuilder text = new StringBuilder();
      int j = i + 1;
      for (; j < lines.size(); j++) {
        Matcher end = END.matcher(lines.get(j));
        if (end.matches() && end.group(1).equals(name)) {
          break;
        }
        if (!TAG.matcher(lines.get(j)).matches() && !end.matches()) {
          text.append(lines.get(j)).append('\n');
        }
      }
      if (j == lines.size()) {
        throw new IllegalStateException(file + ":" + (i + 1) + ": tag::" + name + " has no end");
      }
      regions.add(new Region(name, file, i + 1, normalize(text.toString())));
    }
    for (int i = 0; i < lines.size(); i++) {
      Matcher end = END.matcher(lines.get(i));
      if (end.matches() && regions.stream().noneMatch(r -> r.name().equals(end.group(1)))) {
        throw new IllegalStateException(
            file + ":" + (i + 1) + ": end::" + end.group(1) + " has no tag");
      }
    }
    return regions;
  }

  /** Strips trailing spaces, blank first and last lines and the indentation all lines share. */
  static String normalize(String text) {
    List<String> lines = new ArrayList<>(text.lines().map(String::stripTrailing).toList());
    while (!lines.isEmpty() && lines.get(0).isEmpty()) {
      lines.remove(0);
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int indent =
        lines.stream()
            .filter(l -> !l.isEmpty())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isEmpty() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
