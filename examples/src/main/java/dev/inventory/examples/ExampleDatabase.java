package dev.inventory.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;

/**
 * The database a demo runs on: the URL given ({@code --url}, else {@code INVENTORY_JDBC_URL}), or
 * else an embedded PostgreSQL started for the run and stopped at {@link #close()}. Either way the
 * demo gets a HikariCP pool, as a host application would hand the library its own.
 */
public final class ExampleDatabase implements AutoCloseable {
  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final String description;

  private ExampleDatabase(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.description = description;
  }

  /**
   * Opens the database.
   *
   * @param url a JDBC URL, or null/blank for {@code INVENTORY_JDBC_URL} or else embedded
   * @param poolSize connections in the pool
   */
  public static ExampleDatabase open(String url, int poolSize) {
    String resolved = url != null && !url.isBlank() ? url : System.getenv("INVENTORY_JDBC_URL");
    if (resolved != null && !resolved.isBlank()) {
      HikariDataSource pool = pool(resolved, "postgres", poolSize);
      return new ExampleDatabase(null, pool, "PostgreSQL at " + redact(resolved));
    }
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      HikariDataSource pool =
          pool(embedded.getJdbcUrl("postgres", "postgres"), "postgres", poolSize);
      return new ExampleDatabase(
          embedded, pool, "embedded PostgreSQL (port " + embedded.getPort() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  private static HikariDataSource pool(String url, String defaultUser, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (!url.contains("user=")) {
      config.setUsername(defaultUser);
    }
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("inventory-examples");
    // Fail fast with a clear message when the URL points nowhere.
    config.setInitializationFailTimeout(1);
    config.setConnectionTimeout(10_000);
    return new HikariDataSource(config);
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  public DataSource dataSource() {
    return pool;
  }

  public HikariDataSource pool() {
    return pool;
  }

  /** Where the demo runs, for its header line. */
  public String description() {
    return description;
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
