package dev.inventory.jdbc.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What {@code build()} checks once, on one borrowed connection: that it is talking to a primary,
 * and whether the settings leave a checkout thread able to hang or an acknowledged sale able to
 * vanish. The first fails the build; the others are warnings.
 */
public final class StartupChecks {
  private static final System.Logger LOG = System.getLogger("dev.inventory.jdbc");

  /** Pools already warned about: several inventories built on one pool warn once. */
  private static final java.util.Set<DataSource> WARNED =
      java.util.Collections.synchronizedSet(
          java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

  private StartupChecks() {}

  /**
   * Runs the checks; returns the warnings it found (for tests), logged once per pool.
   *
   * @param timeoutsSettled the builder sets a lock or statement timeout itself, or the user said
   *     that none is deliberate (allowNoTimeouts): no warning about missing timeouts
   */
  public static java.util.List<String> run(DataSource dataSource, boolean timeoutsSettled) {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT pg_is_in_recovery(), current_setting('synchronous_commit'),"
                  + " current_setting('lock_timeout'), current_setting('statement_timeout')")) {
        rs.next();
        if (rs.getBoolean(1)) {
          throw SqlErrors.connectedToStandby();
        }
        String synchronousCommit = rs.getString(2);
        if ("off".equals(synchronousCommit) || "local".equals(synchronousCommit)) {
          warnings.add(
              "synchronous_commit is '"
                  + synchronousCommit
                  + "': a crash can lose reservations and sales the library has acknowledged"
                  + (synchronousCommit.equals("off") ? "" : " (if the primary fails over)"));
        }
        if (!timeoutsSettled && "0".equals(rs.getString(3)) && "0".equals(rs.getString(4))) {
          warnings.add(
              "neither lock_timeout nor statement_timeout is set: a checkout thread waits for a"
                  + " row lock as long as it takes; set JdbcInventory.builder(..).lockTimeout(..)"
                  + " or the pool's connection options");
        }
      }
      if (c.getNetworkTimeout() == 0) {
        warnings.add(
            "the JDBC socketTimeout is 0: if the server stops answering (frozen, network"
                + " partition) a checkout thread waits forever; add socketTimeout=<seconds> to the"
                + " JDBC URL, well above your statement_timeout");
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException e) {
      throw SqlErrors.startupCheckFailed(e);
    }
    if (!warnings.isEmpty() && WARNED.add(dataSource)) {
      warnings.forEach(w -> LOG.log(Level.WARNING, "inventory: " + w));
    }
    return warnings;
  }
}
