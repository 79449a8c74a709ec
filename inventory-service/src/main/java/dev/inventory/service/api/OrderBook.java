package dev.inventory.service.api;

import dev.inventory.service.ServiceProperties;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The buyer of each order, in the service's table {@code orders}. The sale itself is the library's
 * reservation with the same id.
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
   * Records the buyer of a sale, once: a repeat keeps the first buyer and returns it.
   *
   * @param orderId the order's (and reservation's) id
   * @param buyerId the buyer
   * @return the buyer recorded
   */
  String record(String orderId, String buyerId) {
    return jdbc.queryForObject(
        "INSERT INTO "
            + table
            + " (id, buyer_id) VALUES (?, ?)"
            // A repeat (same id) keeps the row as it is and still returns it.
            + " ON CONFLICT (id) DO UPDATE SET buyer_id = orders.buyer_id RETURNING buyer_id",
        String.class,
        orderId,
        buyerId);
  }

  Optional<String> findBuyer(String orderId) {
    List<String> buyers =
        jdbc.queryForList("SELECT buyer_id FROM " + table + " WHERE id = ?", String.class, orderId);
    return buyers.stream().findFirst();
  }
}
