package dev.inventory.service;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The service started for a test, as {@code java -jar} starts it, on the test PostgreSQL ({@link
 * TestDatabase}: INVENTORY_TEST_JDBC_URL, else Testcontainers, else embedded), in schemas of the
 * test's own. Several may run on one database (instances of one deployment), and one may be stopped
 * and started again on the same port.
 */
final class TestService implements AutoCloseable {
  /** The library's schema and the service's, both fresh, dropped by {@link #drop()}. */
  record Schemas(String inventory, String service) {
    static Schemas fresh(Class<?> testClass) {
      return new Schemas(TestDatabase.newSchema(testClass), TestDatabase.newSchema(testClass));
    }

    void drop() {
      try (HikariDataSource pool = TestDatabase.pool(1)) {
        TestDatabase.dropSchema(pool, service);
        TestDatabase.dropSchema(pool, inventory);
      }
    }
  }

  private final ConfigurableApplicationContext context;
  private final int port;

  private TestService(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** The properties every test instance has: the test database, the schemas, a quiet log. */
  static Map<String, Object> properties(Schemas schemas) {
    TestDatabase.Server server = TestDatabase.server();
    Map<String, Object> properties = new HashMap<>();
    properties.put("spring.datasource.url", server.jdbcUrl());
    properties.put("spring.datasource.username", server.user());
    properties.put("spring.datasource.password", server.password());
    properties.put("spring.datasource.hikari.maximum-pool-size", "8");
    properties.put("inventory.schema", schemas.inventory());
    properties.put("service.schema", schemas.service());
    properties.put("spring.main.banner-mode", "off");
    properties.put("logging.level.root", "WARN");
    return properties;
  }

  /** The same, for {@code @DynamicPropertySource}. */
  static void register(DynamicPropertyRegistry registry, Schemas schemas) {
    properties(schemas).forEach((name, value) -> registry.add(name, () -> value));
  }

  static TestService start(Schemas schemas, int port, Map<String, Object> more) {
    Map<String, Object> properties = properties(schemas);
    properties.put("server.port", String.valueOf(port));
    properties.putAll(more);
    // As command-line arguments: they win over application.properties, as in a deployment.
    String[] args =
        properties.entrySet().stream()
            .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
            .toArray(String[]::new);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(InventoryServiceApplication.class).run(args);
    return new TestService(context);
  }

  /** A port free now, for an instance that is to come back on the same port. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  Http http() {
    return new Http(port);
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Stops it as a deployment does: gracefully, requests in flight finish first. */
  @Override
  public void close() {
    context.close();
  }
}
