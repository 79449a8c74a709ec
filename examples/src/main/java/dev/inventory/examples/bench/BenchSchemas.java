package dev.inventory.examples.bench;

import dev.inventory.jdbc.JdbcInventory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * One schema per approach, each created by the library's own migrations ({@link JdbcInventory}
 * builds it), so the hand-written approaches write to exactly the library's table shapes and pay
 * the same index and constraint costs. Stock is seeded straight into {@code stock_level} with an
 * on-hand no run can exhaust, so every approach does the same successful work.
 */
final class BenchSchemas {
  /** On-hand of every seeded key: a run never comes near it. */
  static final long ON_HAND = 1_000_000_000_000_000L;

  private final String prefix;

  BenchSchemas(String prefix) {
    this.prefix = prefix;
  }

  String of(String approach) {
    return prefix + "_" + approach.replace('-', '_');
  }

  /**
   * The library schema of the growth section's {@code level}th log size (0 = the smallest; its log
   * is filled to millions of rows).
   */
  String growth(int level) {
    return growthPrefix() + level;
  }

  private String growthPrefix() {
    return prefix + "_growth_";
  }

  /** Drops the approaches' schemas and every growth schema, however many an earlier run made. */
  void dropAll(DataSource admin) throws SQLException {
    List<String> names = new ArrayList<>();
    for (ApproachSpec approach : Approaches.ALL) {
      names.add(of(approach.name()));
    }
    try (Connection c = admin.getConnection()) {
      try (PreparedStatement q =
          c.prepareStatement("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, ?)")) {
        q.setString(1, growthPrefix());
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      try (Statement s = c.createStatement()) {
        for (String schema : names) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /** Creates a schema with the library's migrations. */
  static void create(DataSource admin, String schema) {
    JdbcInventory.builder(admin).schema(schema).build();
  }

  /** Seeds the keys of these workloads (idempotent). */
  static void seed(DataSource admin, String schema, Workload.Keys keys) throws SQLException {
    seed(admin, schema, skus(keys), ON_HAND);
  }

  /** The SKUs of these workloads. */
  static List<String> skus(Workload.Keys keys) {
    List<String> skus = new ArrayList<>();
    skus.add(Workload.HOT_SKU);
    skus.addAll(List.of(keys.uniform));
    skus.addAll(List.of(keys.cart));
    return skus;
  }

  /** Switches the schema's known-keys guard on (the library's builder lays it). */
  static void guard(DataSource admin, String schema) {
    JdbcInventory.builder(admin).schema(schema).knownKeysOnly(true).build();
  }

  /**
   * Puts the run's location and these SKUs in the schema's catalog (idempotent), the items with
   * this per-buyer limit ({@code null}: none).
   */
  static void catalog(DataSource admin, String schema, List<String> skus, @Nullable Long limit)
      throws SQLException {
    try (Connection c = admin.getConnection();
        PreparedStatement location =
            c.prepareStatement(
                "INSERT INTO "
                    + schema
                    + ".location (code, name, active) VALUES (?, 'bench', true)"
                    + " ON CONFLICT DO NOTHING");
        PreparedStatement items =
            c.prepareStatement(
                "INSERT INTO "
                    + schema
                    + ".item (sku, tenant, seller, name, active, per_buyer_limit)"
                    + " SELECT sku, 'bench', 'bench', sku, true, ?"
                    + " FROM unnest(?::text[]) AS k(sku)"
                    + " ON CONFLICT DO NOTHING")) {
      location.setString(1, Request.LOCATION);
      location.executeUpdate();
      if (limit == null) {
        items.setNull(1, java.sql.Types.BIGINT);
      } else {
        items.setLong(1, limit);
      }
      items.setArray(2, c.createArrayOf("text", skus.toArray()));
      items.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  static void seed(DataSource admin, String schema, List<String> skus, long onHand)
      throws SQLException {
    String sql =
        "INSERT INTO "
            + schema
            + ".stock_level (sku, location, on_hand, reserved, updated_at)"
            + " SELECT sku, ?, ?, 0, now() FROM unnest(?::text[]) AS k(sku)"
            + " ON CONFLICT (sku, location) DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = 0";
    try (Connection c = admin.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      Array array = c.createArrayOf("text", skus.toArray());
      s.setString(1, Request.LOCATION);
      s.setLong(2, onHand);
      s.setArray(3, array);
      s.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  static void vacuumAnalyze(DataSource admin, String schema) throws SQLException {
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      for (String table : List.of("stock_level", "reservation", "reservation_line")) {
        s.execute("VACUUM ANALYZE " + schema + "." + table);
      }
      s.execute("ANALYZE " + schema + ".inventory_log");
    }
  }
}
