package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.StockKey;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a user's module sees it on the module path: inventory-core is the named module
 * {@code dev.inventory}, which exports its API packages and gives {@code dev.inventory.internal} to
 * {@code dev.inventory.jdbc} alone; inventory-jdbc is the automatic module {@code
 * dev.inventory.jdbc} (Flyway 13 has no module name a module-info could require).
 *
 * <p>The module path holds exactly the library's runtime jars ({@code
 * target/runtime-classpath.txt}, written by the build) less JSpecify, which the library never needs
 * at run time, and inventory-jdbc's classes in a jar named as the build names it.
 */
@DisplayName("On the module path, a user's module")
class ModuleBoundariesTest {
  private static final String JDBC_MODULE = "dev.inventory.jdbc";

  private static List<Path> libraryModulePath;

  @BeforeAll
  static void modulePath(@TempDir Path jars) throws IOException, URISyntaxException {
    List<Path> path = new ArrayList<>();
    for (String entry :
        Files.readString(Path.of("target", "runtime-classpath.txt"))
            .strip()
            .split(File.pathSeparator)) {
      if (!entry.contains("jspecify")) {
        path.add(Path.of(entry));
      }
    }
    path.add(automaticModuleJar(locationOf(JdbcInventory.class), jars.resolve("jdbc.jar")));
    libraryModulePath = path;
  }

  private static Path locationOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** inventory-jdbc's classes as its jar carries them: a directory is jarred with the name. */
  private static Path automaticModuleJar(Path classes, Path jar) throws IOException {
    if (Files.isRegularFile(classes)) {
      return classes;
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", JDBC_MODULE);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> files = Files.walk(classes)) {
      // With its directory entries, as the jar plugin writes it: Flyway finds the migrations
      // through the entry of their directory.
      for (Path file : files.filter(f -> !f.equals(classes)).sorted().toList()) {
        String name = classes.relativize(file).toString().replace('\\', '/');
        if (Files.isDirectory(file)) {
          out.putNextEntry(new JarEntry(name + "/"));
        } else {
          out.putNextEntry(new JarEntry(name));
          Files.copy(file, out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  private static String modulePath(List<Path> entries) {
    return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  /** The consumer module {@code shop}: its module-info and one class, {@code shop.Main}. */
  private static Path writeShop(Path dir, String mainClass) throws IOException {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("shop"));
    Files.writeString(
        src.resolve("module-info.java"),
        """
        module shop {
          requires dev.inventory;
          requires dev.inventory.jdbc;
          requires org.postgresql.jdbc;
          requires java.sql;
          requires java.naming;
        }
        """);
    Files.writeString(src.resolve("shop/Main.java"), mainClass);
    return src;
  }

  /** Compiles the shop module against the library's module path. */
  private static Compilation compile(Path src, Path classes) throws IOException {
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    StringWriter diagnostics = new StringWriter();
    List<String> args = new ArrayList<>(List.of("--module-path", modulePath(libraryModulePath)));
    // An empty class path: javac in this JVM would otherwise take the tests' class path.
    Files.createDirectories(classes);
    args.addAll(List.of("--class-path", classes.toString(), "-d", classes.toString()));
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
    }
    PrintWriter out = new PrintWriter(diagnostics);
    int exitCode = javac.run(out, out, args.toArray(String[]::new));
    out.flush();
    return new Compilation(exitCode == 0, diagnostics.toString());
  }

  record Compilation(boolean succeeded, String diagnostics) {}

  @Test
  @DisplayName("cannot import inventory-core's internal package")
  void coreInternalPackageIsNotVisible(@TempDir Path dir) throws IOException {
    Path src =
        writeShop(
            dir,
            """
            package shop;

            import dev.inventory.internal.Checks;

            public class Main {
              public static void main(String[] args) {
                System.out.println(Checks.MAX_QUANTITY);
              }
            }
            """);

    Compilation compilation = compile(src, dir.resolve("classes"));

    assertThat(compilation.succeeded()).isFalse();
    assertThat(compilation.diagnostics())
        .contains("package dev.inventory.internal is not visible")
        .contains("declared in module dev.inventory, which does not export it to module shop");
  }

  @Test
  @DisplayName("compiles against the API, builds the inventory, migrates its schema and reserves")
  void usesTheApiAndMigrates(@TempDir Path dir) throws Exception {
    String schema = TestDatabase.newSchema(ModuleBoundariesTest.class);
    Path src =
        writeShop(
            dir,
"""
            package shop;

            import dev.inventory.Inventory;
import dev.inventory.StockKey;
            import dev.inventory.ReservationRequest;
            import dev.inventory.StockKey;
            import dev.inventory.jdbc.JdbcInventory;
            import java.time.Duration;
            import org.postgresql.ds.PGSimpleDataSource;

            public class Main {
              public static void main(String[] args) {
                PGSimpleDataSource dataSource = new PGSimpleDataSource();
                dataSource.setUrl(args[0]);
                dataSource.setUser(args[1]);
                dataSource.setPassword(args[2]);
                dataSource.setSocketTimeout(60);
                Inventory inventory =
                    JdbcInventory.builder(dataSource)
                        .schema(args[3])
                        .lockTimeout(Duration.ofSeconds(5))
                        .build();
                inventory.receive(StockKey.of("SKU-1"), 3, "module path");
                ReservationRequest cart =
                    ReservationRequest.builder("cart-1").line("SKU-1", 2).build();
                System.out.println("reserved: " + inventory.reserve(cart).status());
                System.out.println("available: " + inventory.level(StockKey.of("SKU-1")).available());
              }
            }
            """);
    Path classes = dir.resolve("classes");
    Compilation compilation = compile(src, classes);
    assertThat(compilation.succeeded()).as(compilation.diagnostics()).isTrue();

    TestDatabase.Server server = TestDatabase.server();
    List<Path> runPath = new ArrayList<>(libraryModulePath);
    runPath.add(0, classes);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "--module-path",
                modulePath(runPath),
                // Jdbi is an automatic module: the named modules it needs are not resolved for
                // it, so an application on the module path adds them (or requires them itself).
                "--add-modules",
                "org.slf4j,io.leangen.geantyref",
                "--module",
                "shop/shop.Main",
                server.jdbcUrl(),
                server.user(),
                server.password(),
                schema)
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the shop ended").isTrue();
    } finally {
      process.destroyForcibly();
    }

    try (HikariDataSource admin = TestDatabase.pool(1)) {
      try {
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("reserved: HELD").contains("available: 1");
        Inventory fromClassPath =
            JdbcInventory.builder(admin).schema(schema).migrate(false).build();
        assertThat(fromClassPath.level(StockKey.of("SKU-1")).reserved()).isEqualTo(2);
      } finally {
        TestDatabase.dropSchema(admin, schema);
      }
    }
  }
}
