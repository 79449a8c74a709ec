package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** What a run measured on: the header of every output. */
record Environment(
    String database,
    String postgres,
    String synchronousCommit,
    String fsync,
    String sharedBuffers,
    String maxConnections,
    int cores,
    String jvm,
    String os,
    Instant startedAt) {

  /** Reads the settings as a benchmark connection sees them (after its session settings). */
  static Environment read(String database, DataSource benchPool) throws SQLException {
    try (Connection c = benchPool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version'), current_setting('synchronous_commit'),"
                    + " current_setting('fsync'), current_setting('shared_buffers'),"
                    + " current_setting('max_connections')")) {
      rs.next();
      return new Environment(
          database,
          "PostgreSQL " + rs.getString(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
          System.getProperty("os.name") + " " + System.getProperty("os.arch"),
          Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }
  }

  List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("database:           " + database);
    lines.add(
        "server:             "
            + postgres
            + ", synchronous_commit="
            + synchronousCommit
            + ", fsync="
            + fsync
            + ", shared_buffers="
            + sharedBuffers
            + ", max_connections="
            + maxConnections);
    if ("off".equals(fsync)) {
      lines.add(
          "note:               fsync=off: commits are never flushed to disk, so"
              + " synchronous_commit changes nothing; numbers are not those of a durable server"
              + " (the embedded PostgreSQL runs so; pass --url for a real one)");
    }
    lines.add("client:             " + cores + " cores, " + jvm + ", " + os);
    lines.add("started:            " + startedAt);
    return lines;
  }

  /** One line, for the chart. */
  String summary() {
    return postgres
        + " · synchronous_commit="
        + synchronousCommit
        + " · fsync="
        + fsync
        + " · "
        + cores
        + " cores · "
        + jvm;
  }
}
