package dev.inventory.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own schema, migrated by the library, and a pool to reach it: created before the
 * class's first test (its {@code @Nested} classes included), dropped after its last. Register it as
 * a static field with {@code @RegisterExtension}.
 */
final class MigratedSchema implements BeforeAllCallback, AfterAllCallback {
  private final int poolSize;

  /**
   * The class that registered it: its @Nested classes inherit the extension and share the schema.
   */
  private Class<?> owner;

  private HikariDataSource pool;
  private String name;
  private Jdbi jdbi;

  MigratedSchema(int poolSize) {
    this.poolSize = poolSize;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    pool = TestDatabase.pool(poolSize);
    name = TestDatabase.newSchema(context.getRequiredTestClass());
    JdbcInventory.builder(pool).schema(name).build();
    jdbi = Jdbi.create(pool);
    // Last: if the set-up failed, afterAll has nothing to drop and lets its error show.
    owner = context.getRequiredTestClass();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != owner) {
      return;
    }
    owner = null;
    TestDatabase.dropSchema(pool, name);
    pool.close();
  }

  HikariDataSource pool() {
    return pool;
  }

  String name() {
    return name;
  }

  /** Direct SQL on the pool, past the library. */
  Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Moves the log's id sequence on by {@code eras} eras of the log's key index (262,144 ids each,
   * the V4 migration's width): the next entry's id is the first of that era, on the boundary. A
   * key's entries can then span eras without writing a quarter of a million rows per era.
   */
  void skipLogEras(int eras) {
    String sequence = name + ".inventory_log_id_seq";
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT setval(:sequence::regclass, (last_value / 262144 + :eras) * 262144,"
                        + " false)"
                        + " FROM "
                        + sequence)
                .bind("sequence", sequence)
                .bind("eras", eras)
                .mapTo(Long.class)
                .one());
  }

  /** A store on this schema, with this clock. */
  JdbcInventoryStore store(Clock clock) {
    return JdbcInventory.builder(pool).schema(name).clock(clock).migrate(false).buildStore();
  }
}
