package dev.inventory.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Fresh schemas for one run of a demo: {@code <prefix>_<n>} (or {@code <prefix>_<n>_<suffix>} for
 * each suffix), with {@code n} one more than any earlier run's, so a run never sees another's data.
 */
final class DemoSchema {
  private static final int ATTEMPTS = 100;

  private DemoSchema() {}

  /**
   * Creates the schemas of a new run and returns their names, in the order of the suffixes (or the
   * one name {@code <prefix>_<n>} if there are none).
   */
  static List<String> create(DataSource dataSource, String prefix, String... suffixes)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      int n = highestRun(s, prefix) + 1;
      for (int attempt = 1; ; attempt++, n++) {
        List<String> names = new ArrayList<>();
        if (suffixes.length == 0) {
          names.add(prefix + "_" + n);
        }
        for (String suffix : suffixes) {
          names.add(prefix + "_" + n + "_" + suffix);
        }
        try {
          for (String name : names) {
            s.execute("CREATE SCHEMA " + name);
          }
          commit(c);
          return names;
        } catch (SQLException e) {
          // 42P06: another run took this number meanwhile; take the next.
          if (!"42P06".equals(e.getSQLState()) || attempt == ATTEMPTS) {
            throw e;
          }
          rollback(c);
          for (String name : names) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
          }
          commit(c);
        }
      }
    }
  }

  static void drop(DataSource dataSource, List<String> names) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String name : names) {
        s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      }
      commit(c);
    }
  }

  private static int highestRun(Statement s, String prefix) throws SQLException {
    Pattern run = Pattern.compile(Pattern.quote(prefix) + "_([0-9]{1,9})(_.*)?");
    int highest = 0;
    try (ResultSet rs =
        s.executeQuery(
            "SELECT schema_name FROM information_schema.schemata"
                + " WHERE schema_name LIKE '"
                + prefix
                + "\\_%'")) {
      while (rs.next()) {
        Matcher m = run.matcher(rs.getString(1));
        if (m.matches()) {
          highest = Math.max(highest, Integer.parseInt(m.group(1)));
        }
      }
    }
    return highest;
  }

  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static void rollback(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
    }
  }
}
