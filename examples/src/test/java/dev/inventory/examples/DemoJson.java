package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.Cli.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the flat JSON objects {@code flash-sale --json} prints: enough for the tests. */
final class DemoJson {
  private DemoJson() {}

  /** The object whose {@code approach} is {@code name}. */
  static Map<String, String> approach(Run run, String name) {
    return parse(run.out()).stream()
        .filter(a -> name.equals(a.get("approach")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no approach '" + name + "' in\n" + run));
  }

  /** A whole number of the object, which must have it. */
  static long number(Map<String, String> approach, String key) {
    String value = approach.get(key);
    assertThat(value).as(key + " in " + approach).isNotNull();
    return Long.parseLong(value);
  }

  /** A tiny parser for flat objects: strings, numbers and booleans as text. */
  static List<Map<String, String>> parse(String json) {
    List<Map<String, String>> objects = new ArrayList<>();
    Matcher object = Pattern.compile("\\{([^{}]*)}").matcher(json);
    Pattern field =
        Pattern.compile("\"(\\w+)\":\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?[0-9.]+|true|false)");
    while (object.find()) {
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher f = field.matcher(object.group(1));
      while (f.find()) {
        fields.put(f.group(1), f.group(3) != null ? f.group(3) : f.group(2));
      }
      objects.add(fields);
    }
    return objects;
  }
}
