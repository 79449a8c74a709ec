package dev.inventory.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The inventory service: stock per hub and SKU, check-and-decrement for an order system, orders,
 * carts and settlement jobs over JSON, built on the library's Spring Boot starter and nothing else
 * of the library's insides.
 *
 * <p>{@code java -jar inventory-service/target/inventory-service.jar} starts it on an embedded
 * PostgreSQL; {@code INVENTORY_JDBC_URL} (or {@code --spring.datasource.url}) points it at a
 * server.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class InventoryServiceApplication {
  /**
   * Starts the service.
   *
   * @param args Spring Boot's arguments, e.g. {@code --server.port=9090}
   */
  public static void main(String[] args) {
    SpringApplication.run(InventoryServiceApplication.class, args);
  }
}
