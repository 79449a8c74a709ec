package dev.inventory.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
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
  /** The environment variable that points the demos at a PostgreSQL server. */
  public static final String URL_VARIABLE = "INVENTORY_JDBC_URL";

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
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   * @throws UnreachableException if no connection can be made
   */
  public static ExampleDatabase open(String url, int poolSize) {
    boolean given = url != null && !url.isBlank();
    String resolved = given ? url : System.getenv(URL_VARIABLE);
    if (resolved != null && !resolved.isBlank()) {
      String source = given ? "--url" : URL_VARIABLE;
      if (!resolved.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            source
                + " must be a PostgreSQL JDBC URL such as"
                + " jdbc:postgresql://localhost:5432/postgres?user=postgres&password=secret,"
                + " but was '"
                + redact(resolved)
                + "'");
      }
      String where = "PostgreSQL at " + redact(resolved);
      return new ExampleDatabase(null, pool(resolved, poolSize, where, source), where);
    }
    EmbeddedPostgres embedded;
    try {
      // The embedded server skips fsync (it is a demo database); commits still wait for their WAL
      // write, as synchronous_commit=on does on a real server.
      embedded = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
    } catch (IOException | RuntimeException e) {
      throw new UnreachableException(
          "could not start the embedded PostgreSQL: "
              + e.getMessage()
              + ". Point the demo at a server with --url or "
              + URL_VARIABLE
              + " instead.",
          e);
    }
    String where = "embedded PostgreSQL on port " + embedded.getPort();
    try {
      HikariDataSource pool =
          pool(embedded.getJdbcUrl("postgres", "postgres"), poolSize, where, "embedded");
      return new ExampleDatabase(embedded, pool, where);
    } catch (RuntimeException e) {
      closeQuietly(embedded, e);
      throw e;
    }
  }

  private static HikariDataSource pool(String url, int poolSize, String where, String source) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (!url.contains("user=")) {
      config.setUsername("postgres");
    }
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("inventory-examples");
    // What the library advises every host: no checkout thread can hang on the database.
    if (!url.contains("socketTimeout=")) {
      config.addDataSourceProperty("socketTimeout", "60");
    }
    if (!url.contains("options=")) {
      config.addDataSourceProperty("options", "-c lock_timeout=5s -c statement_timeout=30s");
    }
    // Fail fast with a clear message when the URL points nowhere.
    config.setInitializationFailTimeout(1);
    config.setConnectionTimeout(10_000);
    try {
      return new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String reason = String.valueOf(cause.getMessage()).replaceAll("[.\\s]+$", "");
      String hint =
          "embedded".equals(source)
              ? ""
              : ". Check "
                  + source
                  + ", or leave --url and "
                  + URL_VARIABLE
                  + " unset to use an"
                  + " embedded PostgreSQL.";
      throw new UnreachableException("cannot connect to " + where + ": " + reason + hint, e);
    }
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

  /** Whether this is the embedded PostgreSQL, which goes away at {@link #close()}. */
  public boolean isEmbedded() {
    return embedded != null;
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

  private static void closeQuietly(EmbeddedPostgres embedded, Exception failure) {
    try {
      embedded.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** The database cannot be reached (or the embedded one cannot start). */
  public static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
