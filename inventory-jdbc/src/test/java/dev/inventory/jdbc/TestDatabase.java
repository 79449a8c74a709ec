package dev.inventory.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.internal.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL the tests run against, resolved once per JVM, in this order:
 *
 * <ol>
 *   <li>the URL in {@code INVENTORY_TEST_JDBC_URL} (user and password in the URL, or {@code
 *       INVENTORY_TEST_JDBC_USER} / {@code INVENTORY_TEST_JDBC_PASSWORD});
 *   <li>Testcontainers ({@code postgres:} {@code INVENTORY_TEST_PG_VERSION}, default 15) when a
 *       Docker engine answers;
 *   <li>an embedded PostgreSQL (zonky: real binaries from Maven Central).
 * </ol>
 *
 * Each test class takes a schema of its own from {@link #newSchema} and drops it when done.
 */
public final class TestDatabase {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static volatile Server server;

  private TestDatabase() {}

  /** Where the tests' database lives, and a superuser connection to it. */
  public record Server(String jdbcUrl, String user, String password, String description) {}

  public static Server server() {
    Server s = server;
    if (s == null) {
      synchronized (TestDatabase.class) {
        s = server;
        if (s == null) {
          s = resolve();
          server = s;
          System.out.println("[inventory tests] PostgreSQL: " + s.description());
        }
      }
    }
    return s;
  }

  /** A new pool on the test database; the caller closes it. */
  public static HikariDataSource pool(int size, Consumer<HikariConfig> customizer) {
    Server s = server();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(s.jdbcUrl());
    config.setUsername(s.user());
    config.setPassword(s.password());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setPoolName("inventory-test-" + SCHEMAS.get());
    // What the library advises a host to configure: no checkout thread can hang on the database.
    config.addDataSourceProperty("socketTimeout", "120");
    config.addDataSourceProperty("options", "-c lock_timeout=30s -c statement_timeout=60s");
    customizer.accept(config);
    return new HikariDataSource(config);
  }

  public static HikariDataSource pool(int size) {
    return pool(size, c -> {});
  }

  /** A fresh, unique schema name for one test class (not yet created). */
  public static String newSchema(Class<?> testClass) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    return "t_" + base + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
  }

  /** Runs SQL as the superuser (schema and role management). */
  public static void execute(DataSource dataSource, String... statements) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test setup SQL failed: " + e.getMessage(), e);
    }
  }

  /**
   * The versions a migrated schema's history lists, in order: every migration of the library, V1 to
   * the one this version needs. A migration added without raising {@code
   * Migrations.REQUIRED_VERSION} (or the other way round) fails the tests that compare the history
   * with this, so no test has to list the versions again.
   */
  public static List<String> libraryVersions() {
    return IntStream.rangeClosed(1, Migrations.REQUIRED_VERSION)
        .mapToObj(Integer::toString)
        .toList();
  }

  /** A buyer's units on a SKU as the schema's {@code buyer_usage} has them (0 without a row). */
  public static long buyerUnits(DataSource dataSource, String schema, String buyer, String sku) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT coalesce(sum(units), 0) FROM "
                    + schema
                    + ".buyer_usage WHERE buyer = ? AND sku = ?")) {
      q.setString(1, buyer);
      q.setString(2, sku);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading buyer_usage failed: " + e.getMessage(), e);
    }
  }

  public static void dropSchema(DataSource dataSource, String schema) {
    execute(dataSource, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static Server resolve() {
    String url = System.getenv("INVENTORY_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      return new Server(
          url,
          envOr("INVENTORY_TEST_JDBC_USER", "postgres"),
          envOr("INVENTORY_TEST_JDBC_PASSWORD", ""),
          "INVENTORY_TEST_JDBC_URL " + url);
    }
    if (dockerAnswers()) {
      PostgreSQLContainer container =
          new PostgreSQLContainer("postgres:" + envOr("INVENTORY_TEST_PG_VERSION", "15"));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new Server(
          container.getJdbcUrl(),
          container.getUsername(),
          container.getPassword(),
          "Testcontainers " + container.getDockerImageName());
    }
    try {
      // zonky starts PostgreSQL with synchronous_commit=off; the tests (and the library's
      // start-up checks) expect what a real server does.
      EmbeddedPostgres embedded =
          EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      embedded.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting
                    }
                  }));
      return new Server(
          embedded.getJdbcUrl("postgres", "postgres"),
          "postgres",
          "",
          "embedded PostgreSQL on port " + embedded.getPort());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
