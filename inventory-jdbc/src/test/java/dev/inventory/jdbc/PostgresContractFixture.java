package dev.inventory.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.LogEntry;
import dev.inventory.StockKey;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * One migrated schema and one pool for a contract test class: what the PostgreSQL variants of the
 * contract suite share, whatever pool settings or role they run with. The known-keys tests get a
 * second schema, whose guard is on, made on first use.
 */
final class PostgresContractFixture implements AutoCloseable {
  private final HikariDataSource admin;
  private final HikariDataSource app;
  private final String schema;
  private final Jdbi reader;
  private final Class<?> testClass;
  private final Consumer<Setup> setup;
  private String knownKeysSchema;

  private PostgresContractFixture(
      HikariDataSource admin,
      HikariDataSource app,
      String schema,
      Class<?> testClass,
      Consumer<Setup> setup) {
    this.admin = admin;
    this.app = app;
    this.schema = schema;
    this.reader = Jdbi.create(admin);
    this.testClass = testClass;
    this.setup = setup;
  }

  /** Migrates a new schema as the superuser; the app pool is customised by the variant. */
  static PostgresContractFixture create(
      Class<?> testClass, int poolSize, Consumer<HikariConfig> appPool, Consumer<Setup> setup) {
    HikariDataSource admin = TestDatabase.pool(2);
    String schema = TestDatabase.newSchema(testClass);
    JdbcInventory.builder(admin).schema(schema).build();
    setup.accept(new Setup(admin, schema));
    HikariDataSource app = TestDatabase.pool(poolSize, appPool);
    return new PostgresContractFixture(admin, app, schema, testClass, setup);
  }

  /** What a variant may prepare before its pool opens (roles, grants). */
  record Setup(DataSource admin, String schema) {}

  DataSource appPool() {
    return app;
  }

  String schema() {
    return schema;
  }

  /**
   * A second schema for the known-keys tests: migrated, its known-keys guard switched on, both as
   * the superuser (the schema's owner), and set up as the first (roles, grants).
   */
  synchronized String knownKeysSchema() {
    if (knownKeysSchema == null) {
      String name = TestDatabase.newSchema(testClass);
      JdbcInventory.builder(admin).schema(name).knownKeysOnly(true).build();
      setup.accept(new Setup(admin, name));
      knownKeysSchema = name;
    }
    return knownKeysSchema;
  }

  /** The log rows of these keys in log order, read as the superuser. */
  List<LogEntry> logEntries(Collection<StockKey> keys) {
    return logEntries(schema, keys);
  }

  /** The log rows of these keys in a schema of this fixture, in log order. */
  List<LogEntry> logEntries(String schema, Collection<StockKey> keys) {
    List<String> skus = keys.stream().map(StockKey::sku).toList();
    List<String> locations = keys.stream().map(StockKey::location).toList();
    return reader.withHandle(
        h ->
            h.createQuery(
                    "SELECT l.* FROM "
                        + schema
                        + ".inventory_log l"
                        + " JOIN unnest(:skus, :locations) AS k(sku, location)"
                        + "   ON k.sku = l.sku AND k.location = l.location"
                        + " ORDER BY l.id")
                .bindArray("skus", String.class, skus)
                .bindArray("locations", String.class, locations)
                .map(
                    (rs, ctx) ->
                        new LogEntry(
                            rs.getLong("id"),
                            rs.getObject("at", OffsetDateTime.class).toInstant(),
                            new StockKey(rs.getString("sku"), rs.getString("location")),
                            LogEntry.Kind.valueOf(rs.getString("kind")),
                            rs.getLong("on_hand_delta"),
                            rs.getLong("reserved_delta"),
                            rs.getLong("on_hand_after"),
                            rs.getLong("reserved_after"),
                            rs.getString("reservation_id"),
                            rs.getString("reason")))
                .list());
  }

  @Override
  public void close() {
    app.close();
    TestDatabase.dropSchema(admin, schema);
    if (knownKeysSchema != null) {
      TestDatabase.dropSchema(admin, knownKeysSchema);
    }
    admin.close();
  }
}
