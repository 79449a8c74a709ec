package dev.inventory.jdbc.internal;

import dev.inventory.jdbc.Tenant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The statements of the tenant registry ({@code tenant}, in the registry's schema) and the grants
 * that give a tenant's role its schema: text, binding and row mapping; no decision. Thread-safe: it
 * holds only text.
 */
final class TenantSql {
  private final String register;
  private final String find;
  private final String list;

  TenantSql(String registrySchema) {
    this.register = REGISTER.replace("${registry}", registrySchema);
    this.find = FIND.replace("${registry}", registrySchema);
    this.list = LIST.replace("${registry}", registrySchema);
  }

  /** Registers a tenant unless its name is taken (then nothing, and no row back). */
  private static final String REGISTER =
      """
      INSERT INTO ${registry}.tenant (name, schema_name, role_name)
      VALUES (:name, :schema, :role)
      ON CONFLICT (name) DO NOTHING
      RETURNING name, schema_name, role_name, created_at
      """;

  Session.Work<Optional<Tenant>> register(String name, String schema, String role) {
    return h ->
        h.createQuery(register)
            .bind("name", name)
            .bind("schema", schema)
            .bind("role", role)
            .map((rs, ctx) -> tenant(rs))
            .findOne();
  }

  private static final String FIND =
      """
      SELECT name, schema_name, role_name, created_at FROM ${registry}.tenant WHERE name = :name
      """;

  Session.Work<Optional<Tenant>> find(String name) {
    return h -> h.createQuery(find).bind("name", name).map((rs, ctx) -> tenant(rs)).findOne();
  }

  private static final String LIST =
      """
      SELECT name, schema_name, role_name, created_at FROM ${registry}.tenant ORDER BY name
      """;

  Session.Work<List<Tenant>> list() {
    return h -> h.createQuery(list).map((rs, ctx) -> tenant(rs)).list();
  }

  /**
   * What a tenant's role needs on its schema, and no more: the grants the README lists for an
   * application role (reads and inserts everywhere; updates of the rows the library moves; deletes
   * of a cart's replaced lines and of a report's recomputed day; the log's sequence), and the
   * functions. Never DELETE on the stock or the log, TRUNCATE or DDL. {@code ${role}} and {@code
   * ${schema}} are checked plain identifiers: nothing can be injected through them.
   */
  private static final List<String> GRANTS =
      List.of(
          "GRANT USAGE ON SCHEMA ${schema} TO ${role}",
          "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA ${schema} TO ${role}",
          "GRANT UPDATE ON ${schema}.stock_level, ${schema}.reservation,"
              + " ${schema}.reservation_line, ${schema}.daily_movement, ${schema}.item,"
              + " ${schema}.location, ${schema}.buyer_usage, ${schema}.daily_seller_movement,"
              + " ${schema}.daily_seller_gross, ${schema}.report_job TO ${role}",
          "GRANT DELETE ON ${schema}.reservation_line, ${schema}.daily_movement,"
              + " ${schema}.daily_seller_movement, ${schema}.daily_seller_gross TO ${role}",
          "GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}",
          "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}");

  /** Grants the role its tenant's schema; run again after a migration that adds tables. */
  Session.Work<Void> grant(String schema, String role) {
    return h -> {
      for (String grant : GRANTS) {
        h.execute(grant.replace("${schema}", schema).replace("${role}", role));
      }
      return null;
    };
  }

  /** Whether a role of this name exists. */
  Session.Work<Boolean> roleExists(String role) {
    return h ->
        h.createQuery("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :role)")
            .bind("role", role)
            .mapTo(Boolean.class)
            .one();
  }

  private static Tenant tenant(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Tenant(
        rs.getString("name"),
        rs.getString("schema_name"),
        rs.getString("role_name"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
