package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.jdbc.JdbcInventory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table lists exactly the options of {@link JdbcInventory.Builder}:
 * every public method but {@code build} and {@code buildStore}, by name and parameter types, no
 * more and no fewer.
 */
@DisplayName("README: the configuration table")
class ReadmeConfigurationTableTest {
  /** The heading of the README section whose first table lists the builder's options. */
  static final String HEADING = "## Configuration";

  /**
   * Options the README documents ahead of a branch that adds them to the builder; each is expected
   * to be missing from the builder, and only it. Once the builder has one, the test fails until it
   * is taken off this list: the exception cannot outlive the merge it waits for.
   */
  static final Set<String> PENDING_MERGE = Set.of();

  private static final Pattern OPTION = Pattern.compile("^`([a-zA-Z]+)\\(([A-Za-z.<>, ]*)\\)`$");

  @Test
  @DisplayName("lists exactly the builder's options, each with its parameter types")
  void listsExactlyTheBuildersOptions() {
    Set<String> documented =
        documentedOptions(Snippets.read(Snippets.projectRoot().resolve("README.md")));
    Set<String> actual = builderOptions();

    List<String> problems = new ArrayList<>();
    for (String option : actual) {
      if (!documented.contains(option)) {
        problems.add(
            "JdbcInventory.Builder has "
                + option
                + ", which the README's configuration table lacks");
      }
      if (PENDING_MERGE.contains(option)) {
        problems.add(
            "JdbcInventory.Builder has "
                + option
                + " now: take it off ReadmeConfigurationTableTest.PENDING_MERGE");
      }
    }
    for (String option : documented) {
      if (!actual.contains(option) && !PENDING_MERGE.contains(option)) {
        problems.add(
            "the README's configuration table lists "
                + option
                + ", which JdbcInventory.Builder does not have");
      }
    }
    for (String option : PENDING_MERGE) {
      if (!documented.contains(option)) {
        problems.add("PENDING_MERGE names " + option + ", which the README's table does not list");
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  @DisplayName("the table parser reads an option per row and refuses a row it cannot read")
  void parsesRows() {
    String readme =
        """
        # x

        ## Configuration

        | option | default | when to change it |
        |---|---|---|
        | `schema(String)` | `"inventory"` | two stores in one database |
        | `maxWait(Duration)` | 5 s | never |

        ## Next
        | `notAnOption(int)` | | |
        """;
    assertThat(documentedOptions(readme)).containsExactly("maxWait(Duration)", "schema(String)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> documentedOptions(readme.replace("`maxWait(Duration)`", "maxWait")))
        .hasMessageContaining("maxWait");
  }

  /** The options in the first column of the first table under {@link #HEADING}. */
  static Set<String> documentedOptions(String readme) {
    List<String> lines = readme.lines().toList();
    int i = lines.indexOf(HEADING);
    assertThat(i).as("the README has a line '" + HEADING + "'").isNotNegative();
    while (++i < lines.size() && !lines.get(i).startsWith("|")) {
      assertThat(lines.get(i)).as("text before the table").doesNotStartWith("#");
    }
    Set<String> options = new TreeSet<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String first = lines.get(i).split("\\|")[1].strip();
      Matcher m = OPTION.matcher(first);
      if (!m.matches()) {
        throw new IllegalStateException(
            "README line " + (i + 1) + ": '" + first + "' is not an option like `schema(String)`");
      }
      String types =
          Arrays.stream(m.group(2).split(","))
              .map(String::strip)
              .filter(t -> !t.isEmpty())
              .collect(Collectors.joining(", "));
      if (!options.add(m.group(1) + "(" + types + ")")) {
        throw new IllegalStateException("README line " + (i + 1) + ": " + first + " twice");
      }
    }
    assertThat(options).as("options in the configuration table").isNotEmpty();
    return options;
  }

  /** The builder's public instance methods but build() and buildStore(), as name(Types). */
  static Set<String> builderOptions() {
    Set<String> options = new TreeSet<>();
    for (Method method : JdbcInventory.Builder.class.getDeclaredMethods()) {
      int modifiers = method.getModifiers();
      if (!Modifier.isPublic(modifiers)
          || Modifier.isStatic(modifiers)
          || method.isSynthetic()
          || method.getName().equals("build")
          || method.getName().equals("buildStore")) {
        continue;
      }
      options.add(
          method.getName()
              + "("
              + Arrays.stream(method.getParameterTypes())
                  .map(Class::getSimpleName)
                  .collect(Collectors.joining(", "))
              + ")");
    }
    return options;
  }
}
