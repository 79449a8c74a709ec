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
    owner = context.getRequiredTestClass();
    pool = TestDatabase.pool(poolSize);
    name = TestDatabase.newSchema(context.getRequiredTestClass());
    JdbcInventory.builder(pool).schema(name).build();
    jdbi = Jdbi.create(pool);
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

  /** A store on this schema, with this clock. */
  JdbcInventoryStore store(Clock clock) {
    return JdbcInventory.builder(pool).schema(name).clock(clock).migrate(false).buildStore();
  }
}
