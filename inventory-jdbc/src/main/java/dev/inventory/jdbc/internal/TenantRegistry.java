package dev.inventory.jdbc.internal;

import dev.inventory.InventoryException;
import dev.inventory.internal.Events;
import dev.inventory.jdbc.Tenant;
import dev.inventory.jdbc.internal.Session.Repeat;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The tenants of a deployment with one schema per tenant ({@code JdbcTenants}): creating one is
 * migrating its schema (the library's Flyway, as for any inventory), granting its role that schema,
 * and registering it, in that order, so that a tenant in the registry is always usable; each step
 * is idempotent, so a create that failed half-way is finished by running it again. Thread-safe: it
 * holds only statements.
 */
public final class TenantRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int MAX_PREFIX = 40;

  private final DataSource owner;
  private final Db db;
  private final TenantSql sql;
  private final String registrySchema;
  private final String prefix;

  private TenantRegistry(DataSource owner, String registrySchema, String prefix) {
    this.owner = owner;
    this.db = new Db(owner, 5, Duration.ZERO, Duration.ZERO, Events.of(null));
    this.sql = new TenantSql(registrySchema);
    this.registrySchema = registrySchema;
    this.prefix = prefix;
  }

  /** Migrates the registry and opens it. */
  public static TenantRegistry open(DataSource owner, String registrySchema, String prefix) {
    Migrations.migrateRegistry(owner, registrySchema);
    return new TenantRegistry(owner, registrySchema, prefix);
  }

  /** A schema prefix: a plain identifier of at most 40 characters. */
  public static String prefix(String prefix) {
    Settings.schema(Objects.requireNonNull(prefix, "schemaPrefix must not be null"));
    if (prefix.length() > MAX_PREFIX) {
      throw new IllegalArgumentException(
          "schemaPrefix must be at most " + MAX_PREFIX + " characters, but was '" + prefix + "'");
    }
    return prefix;
  }

  /** Creates (or finishes creating) a tenant; see {@code JdbcTenants.create}. */
  public Tenant create(String name, String role) {
    String schema = schemaOf(name);
    if (role != null && !ROLE.matcher(role).matches()) {
      throw new IllegalArgumentException(
          "role must be a plain lower-case SQL identifier (a-z, 0-9, _; at most 63 characters),"
              + " but was '"
              + role
              + "'");
    }
    Optional<Tenant> existing = find(name);
    if (existing.isPresent() && !Objects.equals(existing.get().role(), role)) {
      throw new InventoryException(
          "tenant '"
              + name
              + "' exists with role "
              + existing.get().role()
              + ", not "
              + role
              + ": nothing was changed");
    }
    if (role != null && !db.read(sql.roleExists(role))) {
      throw new InventoryException(
          "role '" + role + "' does not exist: create it first (CREATE ROLE " + role + " ...)");
    }
    Migrations.migrate(owner, schema);
    if (role != null) {
      db.transaction(Repeat.SAFE, sql.grant(schema, role));
    }
    return db.statement(Repeat.SAFE, sql.register(name, schema, role))
        .or(() -> find(name))
        .orElseThrow(() -> new IllegalStateException("tenant '" + name + "' vanished"));
  }

  public List<Tenant> list() {
    return db.read(sql.list());
  }

  public Optional<Tenant> find(String name) {
    Objects.requireNonNull(name, "name must not be null");
    return db.read(sql.find(name));
  }

  /** Migrates every tenant's schema and grants each role its tables again; returns how many. */
  public int migrateAll() {
    List<Tenant> tenants = list();
    for (Tenant tenant : tenants) {
      Migrations.migrate(owner, tenant.schema());
      if (tenant.role() != null) {
        db.transaction(Repeat.SAFE, sql.grant(tenant.schema(), tenant.role()));
      }
    }
    return tenants.size();
  }

  /** The schema of a tenant of this name; checks the name. */
  private String schemaOf(String name) {
    Objects.requireNonNull(name, "name must not be null");
    String schema = prefix + name;
    if (!NAME.matcher(name).matches() || schema.length() > 63) {
      throw new IllegalArgumentException(
          "tenant name must be a plain lower-case identifier (a-z, 0-9, _; starting with a"
              + " letter) of at most "
              + (63 - prefix.length())
              + " characters, but was '"
              + name
              + "'");
    }
    return schema;
  }

  @Override
  public String toString() {
    return "registry " + registrySchema + ", schemas " + prefix + "<name>";
  }
}
