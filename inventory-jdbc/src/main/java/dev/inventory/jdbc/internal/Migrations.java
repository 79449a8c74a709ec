package dev.inventory.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The library's own Flyway: its own schema, its own history table and a classpath location no host
 * application uses, so it coexists with the host's migrations.
 */
public final class Migrations {
  public static final String HISTORY_TABLE = "inventory_schema_history";
  public static final String LOCATION = "classpath:dev/inventory/jdbc/migration";

  /** The tenant registry's own history table and migrations ({@code JdbcTenants}). */
  public static final String TENANTS_HISTORY_TABLE = "inventory_tenants_history";

  public static final String TENANTS_LOCATION = "classpath:dev/inventory/jdbc/tenants";

  /** The newest migration this version of the library needs. */
  public static final int REQUIRED_VERSION = 13;

  private Migrations() {}

  /** Creates the schema if needed and applies the library's pending migrations. */
  public static void migrate(DataSource dataSource, String schema) {
    try {
      flyway(dataSource, schema).migrate();
    } catch (FlywayException e) {
      throw SqlErrors.migrationFailed(schema, e);
    }
  }

  /** For hosts that migrate on their own: fails if the schema is missing or behind. */
  public static void requireMigrated(DataSource dataSource, String schema) {
    String sql =
        "SELECT max(version::int) FROM "
            + schema
            + "."
            + HISTORY_TABLE
            + " WHERE success AND version IS NOT NULL";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      int version = rs.next() ? rs.getInt(1) : 0;
      if (version < REQUIRED_VERSION) {
        throw SqlErrors.schemaBehind(schema, version, REQUIRED_VERSION);
      }
    } catch (SQLException e) {
      throw SqlErrors.schemaNotMigrated(schema, e);
    }
  }

  /** Creates the tenant registry's schema if needed and applies its pending migrations. */
  public static void migrateRegistry(DataSource dataSource, String schema) {
    try {
      flyway(dataSource, schema, TENANTS_HISTORY_TABLE, TENANTS_LOCATION).migrate();
    } catch (FlywayException e) {
      throw SqlErrors.migrationFailed(schema, e);
    }
  }

  private static Flyway flyway(DataSource dataSource, String schema) {
    return flyway(dataSource, schema, HISTORY_TABLE, LOCATION);
  }

  private static Flyway flyway(
      DataSource dataSource, String schema, String historyTable, String location) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .table(historyTable)
        .locations(location)
        // A schema shared with the host's own tables is not "ours" to refuse: start from zero.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load();
  }
}
