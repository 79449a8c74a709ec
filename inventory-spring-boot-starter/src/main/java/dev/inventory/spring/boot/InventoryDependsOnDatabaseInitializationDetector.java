package dev.inventory.spring.boot;

import dev.inventory.jdbc.JdbcInventoryStore;
import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;
import org.springframework.core.env.Environment;

/**
 * With {@code inventory.migrate=false} the application migrates the library's schema itself (its
 * Flyway runs the scripts from {@code classpath:dev/inventory/jdbc/migration}), and the store's
 * bean, which then only checks the schema, must wait for the application's database initializers.
 * Registered in {@code META-INF/spring.factories}.
 *
 * @since 0.1.0
 */
public final class InventoryDependsOnDatabaseInitializationDetector
    extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {
  private final boolean migrate;

  /**
   * Reads {@code inventory.migrate}.
   *
   * @param environment the application's environment
   */
  public InventoryDependsOnDatabaseInitializationDetector(Environment environment) {
    this.migrate = environment.getProperty("inventory.migrate", Boolean.class, true);
  }

  @Override
  protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
    return migrate ? Set.of() : Set.of(JdbcInventoryStore.class);
  }
}
