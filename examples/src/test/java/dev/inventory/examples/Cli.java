package dev.inventory.examples;

import dev.inventory.jdbc.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Runs the examples' command line in-process, as {@code java -jar} would, capturing its output. */
final class Cli {
  private Cli() {}

  /** What one command line did. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  /**
   * The test database as a {@code --url}, user and password included: INVENTORY_TEST_JDBC_URL, else
   * Testcontainers, else the embedded PostgreSQL (see {@link TestDatabase}).
   */
  static String testDatabaseUrl() {
    TestDatabase.Server server = TestDatabase.server();
    String url = server.jdbcUrl();
    if (url.contains("user=")) {
      return url;
    }
    StringBuilder withUser =
        new StringBuilder(url)
            .append(url.contains("?") ? '&' : '?')
            .append("user=")
            .append(encode(server.user()));
    if (server.password() != null && !server.password().isEmpty()) {
      withUser.append("&password=").append(encode(server.password()));
    }
    return withUser.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
