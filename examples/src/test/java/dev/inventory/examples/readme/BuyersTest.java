package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.BuyerLimitExceededException;
import dev.inventory.Inventory;
import dev.inventory.Price;
import dev.inventory.Reservation;
import dev.inventory.ReservationPage;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.catalog.Catalog;
import dev.inventory.catalog.Item;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.JdbcInventoryStore;
import dev.inventory.memory.InMemoryInventory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's section on buyers, prices and per-buyer limits, run as written on a PostgreSQL
 * database of its own, and on the in-memory inventory.
 */
@DisplayName("README: buyers, unit prices and per-buyer limits")
class BuyersTest {
  private static ReadmeDatabase db;
  private static HikariDataSource dataSource;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(BuyersTest.class);
    dataSource = db.pool(4);
  }

  @AfterAll
  static void dropDatabase() {
    dataSource.close();
    db.close();
  }

  @Test
  @DisplayName("on PostgreSQL: a buyer's priced reservations, listed newest first, held to a limit")
  void onPostgres() {
    JdbcInventoryStore store = JdbcInventory.builder(dataSource).schema("shop").buildStore();
    walk(store.inventory(), store.catalog());
  }

  @Test
  @DisplayName("in memory: the same")
  void inMemory() {
    InMemoryInventory inventory = InMemoryInventory.builder().build();
    walk(inventory, inventory.catalog());
  }

  private static void walk(Inventory inventory, Catalog catalog) {
    inventory.receive(StockKey.of("SKU-1"), 100, "delivery");
    inventory.receive(StockKey.of("SKU-2"), 100, "delivery");

    // tag::buyers-reserve[]
    Reservation cart =
        inventory.reserve(
            ReservationRequest.builder("cart-42")
                .buyer("customer-7")
                .line("SKU-1", 2, Price.of(1999, "EUR")) // 19.99 EUR a unit
                .line("SKU-2", 1) // a line may have no price
                .build());
    // cart.buyer(): customer-7; the first line's unitPrice(): Price[amountMinor=1999, ...]

    List<Reservation> mine = new ArrayList<>();
    String cursor = null; // null: the first page
    do {
      ReservationPage page = inventory.findReservations("customer-7", 50, cursor);
      mine.addAll(page.reservations()); // newest first
      cursor = page.nextCursor(); // null after the last page
    } while (cursor != null);
    // end::buyers-reserve[]

    assertThat(cart.buyer()).isEqualTo("customer-7");
    assertThat(cart.lines().get(0).unitPrice())
        .hasToString("Price[amountMinor=1999, currency=EUR]");
    assertThat(mine).containsExactly(cart);

    // tag::buyers-limit[]
    catalog.createItem(Item.of("SKU-3", "acme", "seller-3", "Blue mug").withPerBuyerLimit(2L));
    inventory.receive(StockKey.of("SKU-3"), 100, "delivery");
    inventory.reserve(
        ReservationRequest.builder("cart-43").buyer("customer-7").line("SKU-3", 2).build());

    String answer;
    try {
      inventory.purchase(
          ReservationRequest.builder("order-44").buyer("customer-7").line("SKU-3", 1).build());
      answer = "sold";
    } catch (BuyerLimitExceededException e) {
      // Nothing was written. e.limit(): 2, e.used(): 2, e.remaining(): 0, e.requested(): 1
      answer = "at most " + e.limit() + " per customer, " + e.remaining() + " left";
    }
    // answer: at most 2 per customer, 0 left

    inventory.release("cart-43"); // the customer's 2 units come back, and can be bought again
    // end::buyers-limit[]

    assertThat(answer).isEqualTo("at most 2 per customer, 0 left");
    assertThat(
            inventory
                .purchase(
                    ReservationRequest.builder("order-45")
                        .buyer("customer-7")
                        .line("SKU-3", 2)
                        .build())
                .status())
        .isEqualTo(Reservation.Status.CONFIRMED);
  }
}
