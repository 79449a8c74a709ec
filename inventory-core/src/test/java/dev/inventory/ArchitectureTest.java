package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inventory-core must be usable with nothing but the JDK: its main classes may need the module
 * java.base and nothing else (no java.sql, no logging framework, no library). Checked with the
 * JDK's own dependency analyser, jdeps.
 */
@DisplayName("architecture: inventory-core needs only java.base")
class ArchitectureTest {

  /** What jdeps says a set of classes needs: its exit code and its output. */
  record ModuleDeps(int exitCode, String output) {
    boolean onlyJavaBase() {
      return exitCode == 0 && output.strip().equals("java.base");
    }
  }

  static ModuleDeps moduleDeps(Path classes) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("jdeps is missing: run the build on a JDK"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int exitCode =
          jdeps.run(
              print, print, "--multi-release", "17", "--print-module-deps", classes.toString());
      return new ModuleDeps(exitCode, out.toString(StandardCharsets.UTF_8));
    }
  }

  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  @DisplayName("the main classes of inventory-core need java.base and nothing else")
  void mainClassesNeedOnlyJavaBase() throws URISyntaxException {
    Path mainClasses = locationOf(Inventory.class);

    ModuleDeps deps = moduleDeps(mainClasses);

    assertThat(deps.onlyJavaBase())
        .as("jdeps --print-module-deps %s answered %s", mainClasses, deps)
        .isTrue();
  }

  @Test
  @DisplayName("the check fails on classes that need a library (the tests need JUnit)")
  void checkFailsOnLibraryDependency() throws URISyntaxException {
    assertThat(moduleDeps(locationOf(ArchitectureTest.class)).onlyJavaBase()).isFalse();
  }

  @Test
  @DisplayName("the check fails on classes that need another JDK module (java.sql)")
  void checkFailsOnJdkModuleDependency(@TempDir Path dir) throws IOException {
    Path source =
        Files.writeString(dir.resolve("UsesSql.java"), "class UsesSql { java.sql.Connection c; }");
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    assertThat(javac.run(System.out, System.err, "-d", dir.toString(), source.toString())).isZero();

    ModuleDeps deps = moduleDeps(dir);

    assertThat(deps.output().strip()).isEqualTo("java.base,java.sql");
    assertThat(deps.onlyJavaBase()).isFalse();
  }
}
