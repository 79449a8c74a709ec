package dev.inventory.service;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed OpenAPI description, {@code src/main/resources/openapi.json}: the API as published.
 * The build fails when the served description differs from it, so that a changed endpoint comes
 * with a changed description in the same commit. {@code -Dopenapi.write=true} writes the served one
 * instead (review the diff, then commit it).
 */
final class OpenApiFile {
  static final Path FILE = Path.of("src/main/resources/openapi.json");
  static final String WRITE = "openapi.write";
  static final String REGENERATE =
      "mvn -B -ntp -pl inventory-service -am verify -Dtest='ServiceEndpointsTest$OpenApiDescription'"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + WRITE
          + "=true";

  private OpenApiFile() {}

  /** Compares (or writes) the served description, in a canonical form: keys sorted, indented. */
  static void check(String served) throws IOException {
    String canonical = canonical(served);
    if (Boolean.getBoolean(WRITE)) {
      Files.writeString(FILE, canonical, StandardCharsets.UTF_8);
      return;
    }
    String committed =
        Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "(missing)";
    if (!committed.equals(canonical)) {
      fail(
          "The served OpenAPI description (/v3/api-docs) differs from the committed "
              + "inventory-service/"
              + FILE
              + ": an endpoint changed without its description.\n"
              + firstDifference(committed, canonical)
              + "\nIf the change is intended, write the file with\n  "
              + REGENERATE
              + "\nreview its diff and commit it with the change.");
    }
  }

  static String canonical(String json) {
    Object tree = Http.JSON.readValue(json, Object.class);
    return Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted(tree)) + "\n";
  }

  @SuppressWarnings("unchecked")
  private static Object sorted(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      ((Map<String, Object>) map).forEach((key, value) -> sorted.put(key, sorted(value)));
      return sorted;
    }
    if (node instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return node;
  }

  private static String firstDifference(String committed, String served) {
    String[] a = committed.split("\n", -1);
    String[] b = served.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String left = i < a.length ? a[i] : "(end of file)";
      String right = i < b.length ? b[i] : "(end of file)";
      if (!left.equals(right)) {
        return "First difference at line "
            + (i + 1)
            + ":\n  committed: "
            + left.strip()
            + "\n  served:    "
            + right.strip();
      }
    }
    return "";
  }
}
