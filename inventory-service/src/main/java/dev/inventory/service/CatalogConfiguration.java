package dev.inventory.service;

import dev.inventory.catalog.Catalog;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.spring.boot.JdbcInventoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The catalog of hubs and SKUs, on the starter's store, and known-keys mode ({@code
 * service.known-keys-only}): the starter has no property for it, so the service sets the builder's
 * option through the starter's customizer.
 */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

  /** {@code knownKeysOnly(true)} lays the schema's guard on the first start (see the README). */
  @Bean
  JdbcInventoryBuilderCustomizer knownKeysOnly(ServiceProperties properties) {
    return builder -> builder.knownKeysOnly(properties.knownKeysOnly());
  }

  /** The store's catalog: hubs are its locations, SKUs its items. */
  @Bean
  Catalog catalog(JdbcInventoryStore store) {
    return store.catalog();
  }
}
