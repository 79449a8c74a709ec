package dev.inventory.examples;

import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every command shares: where the database is, and whether to keep what it made. Public
 * so that the benchmark's package mixes it in too.
 */
public final class DatabaseOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL to run on, e.g. jdbc:postgresql://localhost:5432/postgres?user=postgres"
              + "&password=secret. Default: $INVENTORY_JDBC_URL, else an embedded PostgreSQL"
              + " started for the run.")
  String url;

  @Option(
      names = "--keep",
      description =
          "Keep the demo's schemas afterwards, to look at the tables (by default they are"
              + " dropped).")
  boolean keep;

  /** Opens the database; a malformed URL is a usage error (exit code 2). */
  public ExampleDatabase open(int poolSize) {
    try {
      return ExampleDatabase.open(url, poolSize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage(), e);
    }
  }

  /** Whether {@code --keep} was given. */
  public boolean keep() {
    return keep;
  }

  /** Drops the run's schemas unless {@code --keep}; says which were kept. */
  void cleanUp(ExampleDatabase database, List<String> schemas, java.io.PrintWriter out)
      throws SQLException {
    if (keep && database.isEmbedded()) {
      out.println(
          "--keep: the embedded PostgreSQL goes away with this process; use --url to keep "
              + String.join(", ", schemas)
              + ".");
    } else if (keep) {
      out.println("Kept schema(s) " + String.join(", ", schemas) + " (--keep).");
    } else {
      DemoSchema.drop(database.dataSource(), schemas);
    }
  }
}
