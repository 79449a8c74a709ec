package dev.inventory.jdbc;

import dev.inventory.InventoryException;
import dev.inventory.jdbc.internal.Settings;
import dev.inventory.jdbc.internal.TenantRegistry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * One deployment serving several tenants, each in a schema of its own: its inventory, catalog, log
 * and reports there, reached by a role of its own that is granted that schema and nothing else. A
 * tenant's credentials can then neither see nor touch another tenant's rows, even with hand-written
 * SQL: PostgreSQL refuses them the other schemas (no {@code USAGE}), whatever the statement.
 *
 * <pre>{@code
 * JdbcTenants tenants = JdbcTenants.builder(ownerDataSource).build();
 * tenants.create("acme", "acme_app"); // migrates schema tenant_acme, grants it to acme_app
 * JdbcInventoryStore acme = tenants.inventoryBuilder("acme", acmeDataSource).buildStore();
 * }</pre>
 *
 * <p>The {@code DataSource} given to {@link #builder} is the deployment's owner: a role that may
 * create schemas and grant them (the schemas' owner). It migrates the tenants' schemas with the
 * library's own Flyway and keeps the list of tenants in a registry schema of its own (default
 * {@value #DEFAULT_REGISTRY_SCHEMA}) that no tenant role can read. Roles are the database
 * administrator's to create ({@code CREATE ROLE acme_app LOGIN PASSWORD ...}); {@link #create}
 * grants one its tenant's schema, with the least privileges the library needs.
 *
 * <p>Thread-safe; the migrations of one schema are serialized by Flyway's lock, so two instances
 * creating the same tenant at once do no harm.
 *
 * @since 0.1.0
 */
public final class JdbcTenants {
  /** The schema of the tenant registry unless {@link Builder#registrySchema} says otherwise. */
  public static final String DEFAULT_REGISTRY_SCHEMA = "inventory_tenants";

  /** The prefix of each tenant's schema unless {@link Builder#schemaPrefix} says otherwise. */
  public static final String DEFAULT_SCHEMA_PREFIX = "tenant_";

  private final TenantRegistry registry;

  private JdbcTenants(TenantRegistry registry) {
    this.registry = registry;
  }

  /**
   * Starts configuring the tenants of a deployment. Nothing touches the database before {@link
   * Builder#build()}.
   *
   * @param dataSource connections as the deployment's owner, who may create schemas and grant them;
   *     borrowed per call, never closed
   * @return a builder with the defaults
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Creates a tenant without a role of its own: its schema, migrated, and its entry in the
   * registry. Its schema is reached by the owner's role (or roles the owner grants it to later).
   * Idempotent: creating an existing tenant again migrates its schema, and returns it.
   *
   * @param name the tenant's name: a plain lower-case identifier ({@code a-z}, {@code 0-9}, {@code
   *     _}, starting with a letter) that fits a schema name with the prefix (63 characters)
   * @return the tenant
   * @throws IllegalArgumentException if the name is not a plain identifier or is too long
   * @throws InventoryException if the tenant exists with a role, or the schema cannot be migrated
   */
  public Tenant create(String name) {
    return registry.create(name, null);
  }

  /**
   * Creates a tenant whose credentials log in as {@code role}: its schema, migrated; the role
   * granted that schema's tables with the least privileges the library needs (as the README lists
   * them: no {@code DELETE} on stock or log, no {@code TRUNCATE}, no DDL); and its entry in the
   * registry. The role must exist and must not be the owner's. Idempotent: creating an existing
   * tenant again with the same role migrates its schema and grants it again (after an upgrade that
   * adds a table), and returns it.
   *
   * @param name the tenant's name: a plain lower-case identifier
   * @param role an existing role: a plain lower-case identifier
   * @return the tenant
   * @throws IllegalArgumentException if the name or the role is not a plain identifier
   * @throws InventoryException if the tenant exists with another role, the role does not exist, or
   *     the schema cannot be migrated or granted
   */
  public Tenant create(String name, String role) {
    return registry.create(name, Objects.requireNonNull(role, "role must not be null"));
  }

  /**
   * Every tenant of the deployment, by name.
   *
   * @return the tenants in name order
   */
  public List<Tenant> list() {
    return registry.list();
  }

  /**
   * The tenant with this name.
   *
   * @param name the tenant's name
   * @return the tenant, or empty if the deployment has none of that name
   */
  public Optional<Tenant> find(String name) {
    return registry.find(name);
  }

  /**
   * Migrates every tenant's schema to this version of the library and grants each tenant's role its
   * tables again (a migration may add tables): what an upgrade runs once, before the new version
   * serves. One tenant after another; a failure stops it, and running it again continues.
   *
   * @return how many tenants' schemas were checked (and migrated if behind)
   * @throws InventoryException if a schema cannot be migrated or granted, naming it
   */
  public int migrateAll() {
    return registry.migrateAll();
  }

  /**
   * A builder of the tenant's inventory: {@link JdbcInventory#builder} on {@code dataSource}, set
   * to the tenant's schema and to {@code migrate(false)} (its schema is migrated by {@link #create}
   * and {@link #migrateAll}). Set the other options as for any inventory, then build it once and
   * share it.
   *
   * @param name the tenant's name
   * @param dataSource connections that may use the tenant's schema: as its role (a pool per
   *     tenant), or as a role granted every tenant's role
   * @return a builder for the tenant's inventory
   * @throws InventoryException if the deployment has no tenant of that name
   */
  public JdbcInventory.Builder inventoryBuilder(String name, DataSource dataSource) {
    Tenant tenant =
        find(name).orElseThrow(() -> new InventoryException("no tenant named '" + name + "'"));
    return JdbcInventory.builder(dataSource).schema(tenant.schema()).migrate(false);
  }

  /**
   * Configures {@link JdbcTenants}. Not thread-safe; build once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final DataSource dataSource;
    private String registrySchema = DEFAULT_REGISTRY_SCHEMA;
    private String schemaPrefix = DEFAULT_SCHEMA_PREFIX;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /**
     * The schema of the tenant registry. Default {@value #DEFAULT_REGISTRY_SCHEMA}; a plain
     * lower-case identifier.
     *
     * @param registrySchema the schema, created by {@link #build()} if missing
     * @return this builder
     * @throws IllegalArgumentException if it is not a plain lower-case identifier
     */
    public Builder registrySchema(String registrySchema) {
      this.registrySchema = Settings.schema(registrySchema);
      return this;
    }

    /**
     * What each tenant's schema is called before its name: the schema of tenant {@code acme} is
     * {@code tenant_acme} by default. A plain lower-case identifier of at most 40 characters.
     *
     * @param schemaPrefix the prefix
     * @return this builder
     * @throws IllegalArgumentException if it is not a plain identifier or longer than 40
     */
    public Builder schemaPrefix(String schemaPrefix) {
      this.schemaPrefix = TenantRegistry.prefix(schemaPrefix);
      return this;
    }

    /**
     * Migrates the registry (its own Flyway history, {@code inventory_tenants_history}, in the
     * registry schema) and returns the deployment's tenants.
     *
     * @return the tenants of the deployment, thread-safe, to be shared
     * @throws InventoryException if the registry cannot be migrated
     */
    public JdbcTenants build() {
      return new JdbcTenants(TenantRegistry.open(dataSource, registrySchema, schemaPrefix));
    }
  }

  @Override
  public String toString() {
    return "JdbcTenants[" + registry + "]";
  }
}
