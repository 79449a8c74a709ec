package dev.inventory.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A statement of the hot path, run through plain JDBC: its named parameters ({@code :name}) turned
 * into positional ones once, at construction, so that a call binds by position with no parsing, no
 * reflection and no per-call configuration. PgJDBC prepares the text on the server once per
 * connection (after its prepareThreshold) and reuses it. Thread-safe: immutable.
 */
final class Positional {
  private final String text;
  private final Map<String, int[]> positions;

  private Positional(String text, Map<String, int[]> positions) {
    this.text = text;
    this.positions = positions;
  }

  /** The rendered statement with its {@code :name} parameters; {@code ::} casts are left alone. */
  static Positional of(String named) {
    StringBuilder out = new StringBuilder(named.length());
    Map<String, List<Integer>> at = new HashMap<>();
    int count = 0;
    int i = 0;
    while (i < named.length()) {
      char c = named.charAt(i);
      if (c == '-' && i + 1 < named.length() && named.charAt(i + 1) == '-') {
        int end = named.indexOf('\n', i);
        end = end < 0 ? named.length() : end;
        out.append(named, i, end); // a comment: copied as it is
        i = end;
      } else if (c == '\'') {
        int end = named.indexOf('\'', i + 1);
        out.append(named, i, end + 1); // a string literal
        i = end + 1;
      } else if (c == ':' && i + 1 < named.length() && named.charAt(i + 1) == ':') {
        out.append("::");
        i += 2;
      } else if (c == ':' && i + 1 < named.length() && Character.isLetter(named.charAt(i + 1))) {
        int end = i + 1;
        while (end < named.length()
            && (Character.isLetterOrDigit(named.charAt(end)) || named.charAt(end) == '_')) {
          end++;
        }
        at.computeIfAbsent(named.substring(i + 1, end), k -> new ArrayList<>()).add(++count);
        out.append('?');
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    Map<String, int[]> positions = new HashMap<>();
    at.forEach((name, list) -> positions.put(name, list.stream().mapToInt(n -> n).toArray()));
    return new Positional(out.toString(), Map.copyOf(positions));
  }

  /** The statement's text with {@code ?} parameters. */
  String text() {
    return text;
  }

  /** Sets one call's parameters. */
  @FunctionalInterface
  interface Binding {
    void bind(Binder binder) throws SQLException;
  }

  /** Reads a call's result set, positioned before its first row. */
  @FunctionalInterface
  interface Reading<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /**
   * Runs the statement on the unit of work's connection; a failure arrives as the Jdbi exception
   * every other statement's does, so that {@link SqlErrors} translates it in the same place.
   */
  <T> T query(Tx tx, Binding binding, Reading<T> reading) {
    Connection connection = tx.getConnection();
    try (PreparedStatement statement = connection.prepareStatement(text)) {
      binding.bind(new Binder(connection, statement));
      try (ResultSet rows = statement.executeQuery()) {
        return reading.read(rows);
      }
    } catch (SQLException e) {
      throw SqlErrors.sqlFailure("statement failed", e);
    }
  }

  /** Binds one call's parameters by name. Not thread-safe; one per call. */
  final class Binder {
    private final Connection connection;
    private final PreparedStatement statement;

    private Binder(Connection connection, PreparedStatement statement) {
      this.connection = connection;
      this.statement = statement;
    }

    private int[] at(String name) {
      int[] found = positions.get(name);
      if (found == null) {
        throw new IllegalArgumentException("no parameter :" + name + " in " + text);
      }
      return found;
    }

    Binder text(String name, String value) throws SQLException {
      for (int p : at(name)) {
        statement.setString(p, value);
      }
      return this;
    }

    /** A bigint that may be NULL (typed, so that the server needs no guess). */
    Binder nullableBigint(String name, Long value) throws SQLException {
      for (int p : at(name)) {
        if (value == null) {
          statement.setNull(p, Types.BIGINT);
        } else {
          statement.setLong(p, value);
        }
      }
      return this;
    }

    Binder bigint(String name, long value) throws SQLException {
      for (int p : at(name)) {
        statement.setLong(p, value);
      }
      return this;
    }

    /** An instant as timestamptz, whatever the JVM's or the session's time zone. */
    Binder timestamptz(String name, Instant value) throws SQLException {
      for (int p : at(name)) {
        statement.setObject(p, value.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
      }
      return this;
    }

    Binder textArray(String name, Object[] values) throws SQLException {
      return array(name, "text", values);
    }

    Binder bigintArray(String name, Long[] values) throws SQLException {
      return array(name, "int8", values);
    }

    Binder integerArray(String name, Integer[] values) throws SQLException {
      return array(name, "int4", values);
    }

    private Binder array(String name, String type, Object[] values) throws SQLException {
      java.sql.Array array = connection.createArrayOf(type, values);
      for (int p : at(name)) {
        statement.setArray(p, array);
      }
      return this;
    }
  }
}
