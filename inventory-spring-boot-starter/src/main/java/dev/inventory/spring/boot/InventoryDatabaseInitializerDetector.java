package dev.inventory.spring.boot;

import dev.inventory.jdbc.JdbcInventoryStore;
import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * With {@code inventory.migrate=true} (the default) the store's bean initializes the database: it
 * runs the library's migrations when it is built. Ordered first, so that Spring Boot's
 * database-initialization ordering makes the application's own Flyway (and Liquibase, SQL scripts,
 * JPA's schema generation) wait for it, and every bean that depends on an initialized database
 * ({@code JdbcTemplate}, {@code EntityManagerFactory}, {@code @DependsOnDatabaseInitialization})
 * too: the application's migrations may refer to the inventory's tables. Registered in {@code
 * META-INF/spring.factories}.
 *
 * @since 0.1.0
 */
public final class InventoryDatabaseInitializerDetector
    extends AbstractBeansOfTypeDatabaseInitializerDetector {
  private final boolean migrate;

  /**
   * Reads {@code inventory.migrate}.
   *
   * @param environment the application's environment
   */
  public InventoryDatabaseInitializerDetector(Environment environment) {
    this.migrate = environment.getProperty("inventory.migrate", Boolean.class, true);
  }

  @Override
  protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
    return migrate ? Set.of(JdbcInventoryStore.class) : Set.of();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 100;
  }
}
