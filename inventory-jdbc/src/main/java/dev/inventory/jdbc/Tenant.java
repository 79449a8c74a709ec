package dev.inventory.jdbc;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tenant of a deployment with one schema per tenant ({@link JdbcTenants}): its name, the schema
 * that holds its inventory, catalog, log and reports, and the database role its credentials log in
 * as.
 *
 * @param name the tenant's name: a plain lower-case identifier
 * @param schema the schema of its inventory: the deployment's prefix and the name
 * @param role the role granted its schema (and nothing else of the deployment), or {@code null} if
 *     it has none of its own
 * @param createdAt when it was registered
 * @since 0.1.0
 */
public record Tenant(String name, String schema, @Nullable String role, Instant createdAt) {
  /**
   * Checks that the fields are there; tenants are made by {@link JdbcTenants}.
   *
   * @param name the tenant's name
   * @param schema the schema of its inventory
   * @param role its role, or {@code null}
   * @param createdAt when it was registered
   * @throws NullPointerException if a field other than {@code role} is null
   */
  public Tenant {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(schema, "schema must not be null");
    Objects.requireNonNull(createdAt, "createdAt must not be null");
  }
}
