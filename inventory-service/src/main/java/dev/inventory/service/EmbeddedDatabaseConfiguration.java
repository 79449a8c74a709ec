package dev.inventory.service;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * An embedded PostgreSQL (real binaries, from Maven Central) when no database URL is given, so that
 * one command starts the service. The pool is Boot's own HikariCP pool with every {@code
 * spring.datasource.hikari.*} setting; it is closed before the database stops, because it depends
 * on it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoUrlGiven.class)
class EmbeddedDatabaseConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(ServiceProperties properties) {
    ServiceProperties.EmbeddedDatabase settings = properties.embeddedDatabase();
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            // The embedded server skips fsync; commits still wait for their WAL write, as
            // synchronous_commit=on does on a real server (the library warns otherwise).
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "50");
    if (settings.port() > 0) {
      builder.setPort(settings.port());
    }
    if (StringUtils.hasText(settings.dataDirectory())) {
      builder.setDataDirectory(Path.of(settings.dataDirectory())).setCleanDataDirectory(false);
    }
    try {
      EmbeddedPostgres postgres = builder.start();
      log.info(
          "No database URL given (INVENTORY_JDBC_URL or spring.datasource.url): started an embedded"
              + " PostgreSQL on port {}, {}",
          postgres.getPort(),
          StringUtils.hasText(settings.dataDirectory())
              ? "its files in " + settings.dataDirectory()
              : "its data deleted when the service stops");
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL; give a database with INVENTORY_JDBC_URL", e);
    }
  }

  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(EmbeddedPostgres postgres) {
    return DataSourceBuilder.create(getClass().getClassLoader())
        .type(HikariDataSource.class)
        .url(postgres.getJdbcUrl("postgres", "postgres"))
        .username("postgres")
        .build();
  }

  /** Matches when {@code spring.datasource.url} is unset or blank. */
  static final class NoUrlGiven implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
    }
  }
}
