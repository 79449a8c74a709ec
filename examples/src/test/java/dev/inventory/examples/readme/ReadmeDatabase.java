package dev.inventory.examples.readme;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A database of its own for one test class of the manual, on the tests' PostgreSQL server ({@link
 * TestDatabase}: INVENTORY_TEST_JDBC_URL, else Testcontainers, else embedded). The manual's code
 * runs there as written, with the schema {@code "inventory"} and a table {@code orders} in {@code
 * public}, without meeting any other test's schemas. Dropped on {@link #close()}.
 */
final class ReadmeDatabase implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]*)(.*)$");

  private final TestDatabase.Server server;
  private final String name;
  private final String jdbcUrl;

  private ReadmeDatabase(TestDatabase.Server server, String name, String jdbcUrl) {
    this.server = server;
    this.name = name;
    this.jdbcUrl = jdbcUrl;
  }

  /** Creates a fresh database named after the test class. */
  static ReadmeDatabase create(Class<?> owner) {
    TestDatabase.Server server = TestDatabase.server();
    String name =
        "readme_"
            + owner.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
            + "_"
            + ProcessHandle.current().pid();
    Matcher m = URL.matcher(server.jdbcUrl());
    if (!m.matches()) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + server.jdbcUrl());
    }
    ReadmeDatabase db = new ReadmeDatabase(server, name, m.group(1) + name + m.group(3));
    db.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
    return db;
  }

  /** The JDBC URL of this database (user and password: {@link #user()}, {@link #password()}). */
  String jdbcUrl() {
    return jdbcUrl;
  }

  String user() {
    return server.user();
  }

  String password() {
    return server.password();
  }

  /** A pool as the quick start configures one, for tests that do not show the pool. */
  HikariDataSource pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user());
    config.setPassword(password());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("options", "-c lock_timeout=2s -c statement_timeout=5s");
    return new HikariDataSource(config);
  }

  /** Runs SQL as the tests' superuser in this database. */
  void execute(String... statements) {
    run(jdbcUrl, statements);
  }

  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** Runs SQL as the tests' superuser in the server's own database. */
  void admin(String... statements) {
    run(server.jdbcUrl(), statements);
  }

  private void run(String url, String... statements) {
    try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test database SQL failed: " + e.getMessage(), e);
    }
  }
}
