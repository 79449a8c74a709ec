package dev.inventory.service.api;

import dev.inventory.service.ServiceProperties;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The buyers of the orders taken before the library kept buyers, in the service's table {@code
 * orders}, read only. The library now stores an order's buyer with the sale itself (in the same
 * statement), so the service writes this table no more; it keeps it for the orders whose buyer is
 * nowhere else (see the service's migration V2).
 */
@Repository
class OrderBook {
  private final JdbcTemplate jdbc;
  private final String table;

  OrderBook(JdbcTemplate jdbc, ServiceProperties properties) {
    this.jdbc = jdbc;
    this.table = properties.schema() + ".orders";
  }

  /**
   * The buyer the service recorded for an order taken before the library kept buyers.
   *
   * @param orderId the order's (and reservation's) id
   * @return the buyer, or empty if the service recorded none
   */
  Optional<String> findOldBuyer(String orderId) {
    List<String> buyers =
        jdbc.queryForList("SELECT buyer_id FROM " + table + " WHERE id = ?", String.class, orderId);
    return buyers.stream().findFirst();
  }
}
