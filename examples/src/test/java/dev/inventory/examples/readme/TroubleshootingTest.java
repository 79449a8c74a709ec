package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.InventoryUnavailableException;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's troubleshooting example: what a payment callback does with each exception. */
@DisplayName("README: troubleshooting")
class TroubleshootingTest {
  private static ReadmeDatabase db;
  private static HikariDataSource dataSource;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  private Inventory inventory;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(TroubleshootingTest.class);
    dataSource = db.pool(4);
  }

  @AfterAll
  static void dropDatabase() {
    dataSource.close();
    db.close();
  }

  // tag::troubleshooting-payment[]
  /** Called when the payment provider says the cart was paid. */
  String onPaymentSucceeded(String cartId) {
    try {
      inventory.confirm(cartId); // idempotent: a repeated callback changes nothing
      return "sold";
    } catch (ReservationExpiredException e) {
      // The hold ran out before the payment came, and its units are free again:
      // reserve the lines anew (they may be gone), or refund.
      return "expired at " + e.expiresAt();
    } catch (ReservationStateException e) {
      // Something else moved the cart first; e.status() says what (RELEASED: it was cancelled).
      return "cart is " + e.status();
    } catch (ReservationNotFoundException e) {
      return "no such cart"; // a wrong id: nothing to sell
    } catch (InventoryUnavailableException e) {
      // No answer from the database in time, even after the safe retries: the sale may or may
      // not be written. confirm is idempotent: call it again with the same id until it answers.
      return "unknown, try again";
    }
  }

  // end::troubleshooting-payment[]

  @Test
  @DisplayName("each outcome of a payment callback, on PostgreSQL")
  void eachOutcome() {
    inventory = JdbcInventory.builder(dataSource).schema("inventory").clock(clock).build();
    StockKey key = StockKey.of("SKU-PAY");
    inventory.receive(key, 10, null);
    inventory.reserve(ReservationRequest.builder("cart-paid").line(key, 1).build());
    inventory.reserve(ReservationRequest.builder("cart-cancelled").line(key, 1).build());
    inventory.release("cart-cancelled");
    inventory.reserve(
        ReservationRequest.builder("cart-late").line(key, 1).ttl(Duration.ofMinutes(5)).build());
    clock.advance(Duration.ofMinutes(5));

    assertThat(onPaymentSucceeded("cart-paid")).isEqualTo("sold");
    assertThat(onPaymentSucceeded("cart-paid")).isEqualTo("sold");
    assertThat(onPaymentSucceeded("cart-cancelled")).isEqualTo("cart is RELEASED");
    assertThat(onPaymentSucceeded("cart-late")).isEqualTo("expired at 2026-03-01T10:05:00Z");
    assertThat(onPaymentSucceeded("cart-unknown")).isEqualTo("no such cart");
    assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 9, 0));
  }

  @Test
  @DisplayName("a database that cannot be reached is an outcome unknown, after the retries")
  void databaseGone() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    HikariDataSource doomed = db.pool(2);
    inventory = JdbcInventory.builder(doomed).schema("inventory").clock(clock).attempts(2).build();
    doomed.close();

    assertThat(onPaymentSucceeded("cart-any")).isEqualTo("unknown, try again");
  }
}
