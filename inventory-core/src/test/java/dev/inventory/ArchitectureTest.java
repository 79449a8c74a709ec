package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inventory-core must be usable with nothing but the JDK: its main classes may need the module
 * java.base and nothing else (no java.sql, no logging framework, no library). Checked with the
 * JDK's own dependency analyser, jdeps.
 *
 * <p>The one exception is JSpecify's nullness annotations ({@code @NullMarked}, {@code @Nullable}):
 * the class files name them, so jdeps is given the JSpecify jar, and the tests prove that they are
 * the only library named and that the classes run without them (the JVM never loads an annotation
 * class unless someone reads the annotation reflectively, and reflection skips annotations whose
 * class is missing). The dependency is optional in the POM and {@code requires static} in the
 * module: users never get it.
 */
@DisplayName("architecture: inventory-core needs only java.base")
class ArchitectureTest {

  /** What jdeps says a set of classes needs: its exit code and its output. */
  record ModuleDeps(int exitCode, String output) {
    boolean onlyJavaBase() {
      return exitCode == 0 && output.strip().equals("java.base");
    }
  }

  private static final Pattern CLASS_DEPENDENCY =
      Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S+)", Pattern.MULTILINE);

  static ModuleDeps jdeps(String... arguments) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("jdeps is missing: run the build on a JDK"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int exitCode = jdeps.run(print, print, arguments);
      return new ModuleDeps(exitCode, out.toString(StandardCharsets.UTF_8));
    }
  }

  /** The JDK modules these classes need, with the JSpecify annotations (and nothing else) found. */
  static ModuleDeps moduleDeps(Path classes) throws URISyntaxException {
    return jdeps(
        "--multi-release",
        "17",
        "--class-path",
        jspecifyJar().toString(),
        "--print-module-deps",
        classes.toString());
  }

  /** Every class outside the JDK and outside dev.inventory that these classes refer to. */
  static Set<String> libraryClassesReferenced(Path classes, Path libraries) {
    ModuleDeps deps =
        jdeps(
            "--multi-release",
            "17",
            "--class-path",
            libraries.toString(),
            "-verbose:class",
            classes.toString());
    assertThat(deps.exitCode()).as("jdeps -verbose:class answered %s", deps).isZero();
    Set<String> referenced = new TreeSet<>();
    Matcher m = CLASS_DEPENDENCY.matcher(deps.output());
    while (m.find()) {
      String target = m.group(2);
      String location = m.group(3);
      if (!location.equals("java.base") && !target.startsWith("dev.inventory.")) {
        referenced.add(target);
      }
    }
    return referenced;
  }

  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path jspecifyJar() throws URISyntaxException {
    return locationOf(NullMarked.class);
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
  @DisplayName("the only library classes the main classes name are JSpecify's annotations")
  void onlyLibraryNamedIsJSpecify() throws URISyntaxException {
    Set<String> referenced = libraryClassesReferenced(locationOf(Inventory.class), jspecifyJar());

    assertThat(referenced).isNotEmpty().allMatch(name -> name.startsWith("org.jspecify."));
  }

  @Test
  @DisplayName("the main classes run, and show their annotations, without JSpecify on the path")
  void mainClassesRunWithoutJSpecify() throws Exception {
    URL mainClasses = locationOf(Inventory.class).toUri().toURL();
    // Only inventory-core's classes above the JDK: no JSpecify, no test libraries.
    try (URLClassLoader bare =
        new URLClassLoader(new URL[] {mainClasses}, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> bare.loadClass(NullMarked.class.getName()))
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> stockKey = bare.loadClass(StockKey.class.getName());
      Class<?> inventoryType = bare.loadClass(Inventory.class.getName());
      Object key = stockKey.getMethod("of", String.class).invoke(null, "SKU-1");
      Object builder =
          bare.loadClass("dev.inventory.memory.InMemoryInventory")
              .getMethod("builder")
              .invoke(null);
      Object inventory = builder.getClass().getMethod("build").invoke(builder);
      Method receive = inventoryType.getMethod("receive", stockKey, long.class, String.class);
      Object level = receive.invoke(inventory, key, 5L, null);

      assertThat(level.getClass().getMethod("available").invoke(level)).isEqualTo(5L);
      assertThat(inventoryType.getPackage().getAnnotations()).isEmpty();
      assertThat(receive.getAnnotatedParameterTypes()[2].getAnnotations()).isEmpty();
    }
  }

  @Test
  @DisplayName("with JSpecify on the path, the same classes carry their nullness annotations")
  void annotationsArePresentWithJSpecify() throws Exception {
    Method receive = Inventory.class.getMethod("receive", StockKey.class, long.class, String.class);

    assertThat(Inventory.class.getPackage().isAnnotationPresent(NullMarked.class)).isTrue();
    assertThat(receive.getAnnotatedParameterTypes()[2].isAnnotationPresent(Nullable.class))
        .isTrue();
  }

  @Test
  @DisplayName("the check fails on classes that need a library (the tests need JUnit)")
  void checkFailsOnLibraryDependency() throws URISyntaxException {
    assertThat(moduleDeps(locationOf(ArchitectureTest.class)).onlyJavaBase()).isFalse();
  }

  @Test
  @DisplayName("the check fails on classes that need another JDK module (java.sql)")
  void checkFailsOnJdkModuleDependency(@TempDir Path dir) throws Exception {
    Path source =
        Files.writeString(dir.resolve("UsesSql.java"), "class UsesSql { java.sql.Connection c; }");
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    assertThat(javac.run(System.out, System.err, "-d", dir.toString(), source.toString())).isZero();

    ModuleDeps deps = moduleDeps(dir);

    assertThat(deps.output().strip()).isEqualTo("java.base,java.sql");
    assertThat(deps.onlyJavaBase()).isFalse();
  }

  @Test
  @DisplayName("the library check finds a library other than JSpecify (here: AssertJ)")
  void libraryCheckFindsOtherLibraries(@TempDir Path dir) throws Exception {
    Path assertj = locationOf(org.assertj.core.api.Assertions.class);
    Path source =
        Files.writeString(
            dir.resolve("UsesAssertj.java"),
            "class UsesAssertj { org.assertj.core.api.Assertions a; }");
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    assertThat(
            javac.run(
                System.out,
                System.err,
                "-d",
                dir.toString(),
                "-cp",
                assertj.toString(),
                source.toString()))
        .isZero();
    Files.delete(source);

    Set<String> referenced = libraryClassesReferenced(dir, assertj);

    assertThat(referenced).contains("org.assertj.core.api.Assertions");
  }
}
