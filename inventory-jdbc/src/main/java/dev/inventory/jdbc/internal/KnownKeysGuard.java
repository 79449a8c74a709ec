package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.StockKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Known-keys mode's guard on a schema, as {@code build()} finds or makes it: the foreign keys from
 * {@code stock_level} to the catalog that V6's {@code inventory_known_keys_on()} lays (see there).
 * The mode is an option of the builder; the guard belongs to the schema, so it is switched on once
 * and then holds every writer of the schema to it, this library's instances (whatever their option)
 * and hand-written SQL alike.
 */
public final class KnownKeysGuard {
  private KnownKeysGuard() {}

  /**
   * Switches the schema's guard on, if it is not: DDL, for the schema's owner ({@code
   * migrate(true)}).
   *
   * @throws InventoryException if stock exists on keys the catalog does not know (naming them), or
   *     the guard could not be laid
   */
  public static void switchOn(DataSource dataSource, String schema) {
    String sql =
        "SELECT unknown_sku, unknown_location FROM " + schema + ".inventory_known_keys_on()";
    List<StockKey> unknown = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          unknown.add(new StockKey(rs.getString(1), rs.getString(2)));
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw SqlErrors.knownKeysGuardFailed(schema, e);
    }
    if (!unknown.isEmpty()) {
      throw SqlErrors.stockOnUnknownKeys(schema, unknown);
    }
  }

  /** Whether the schema's guard is on. */
  public static boolean isOn(DataSource dataSource, String schema) {
    String sql =
        "SELECT EXISTS (SELECT 1 FROM pg_constraint"
            + " WHERE conrelid = to_regclass(?) AND conname = '"
            + SqlErrors.KNOWN_ITEM
            + "')";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, schema + ".stock_level");
      boolean on;
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        on = rs.getBoolean(1);
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      return on;
    } catch (SQLException e) {
      throw SqlErrors.startupCheckFailed(e);
    }
  }

  /**
   * For {@code migrate(false)}: fails unless the schema's guard is on (laying it is DDL, the schema
   * owner's job, like the migrations).
   */
  public static void requireOn(DataSource dataSource, String schema) {
    if (!isOn(dataSource, schema)) {
      throw SqlErrors.knownKeysGuardOff(schema);
    }
  }
}
