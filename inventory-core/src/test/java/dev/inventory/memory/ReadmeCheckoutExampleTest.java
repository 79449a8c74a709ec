package dev.inventory.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How to unit-test checkout code without a database: the application's code knows only the {@link
 * Inventory} interface, the test gives it an {@link InMemoryInventory} built with a clock the test
 * moves by hand, and checks levels and the readable log, including a hold that expires.
 */
@DisplayName("Testing checkout code with InMemoryInventory and a test clock")
class ReadmeCheckoutExampleTest {

  // ---- The application's code, which only knows the Inventory interface.
  static final class Checkout {
    private final Inventory inventory;

    Checkout(Inventory inventory) {
      this.inventory = inventory;
    }

    String hold(String cartId, String sku, int quantity) {
      try {
        inventory.reserve(ReservationRequest.builder(cartId).line(sku, quantity).build());
        return "held";
      } catch (InsufficientStockException e) {
        return "only " + e.shortages().get(0).available() + " left";
      }
    }

    void paid(String cartId) {
      inventory.confirm(cartId);
    }
  }

  // ---- A clock the test moves by hand.
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  // ---- The test.
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  final InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
  final Checkout checkout = new Checkout(inventory);
  final StockKey sku1 = StockKey.of("SKU-1");

  @Test
  void aPaidCartIsSold() {
    inventory.receive(sku1, 5, "test stock");

    checkout.hold("cart-42", "SKU-1", 2);
    checkout.paid("cart-42");

    assertThat(inventory.level(sku1)).isEqualTo(new StockLevel(sku1, 3, 0));
    assertThat(inventory.log(sku1))
        .extracting(LogEntry::kind, LogEntry::onHandDelta, LogEntry::reservedDelta)
        .containsExactly(
            tuple(Kind.RECEIVE, 5L, 0L),
            tuple(Kind.RESERVE, 0L, 2L),
            tuple(Kind.CONFIRM, -2L, -2L));
  }

  @Test
  void anAbandonedCartStopsBlockingWhenItsTimeIsUp() {
    inventory.receive(sku1, 1, null);
    checkout.hold("cart-1", "SKU-1", 1);
    assertThat(checkout.hold("cart-2", "SKU-1", 1)).isEqualTo("only 0 left");

    clock.advance(InMemoryInventory.DEFAULT_TTL); // expiresAt <= now: the hold is over

    assertThat(checkout.hold("cart-2", "SKU-1", 1)).isEqualTo("held");
    assertThat(inventory.log(sku1))
        .extracting(LogEntry::kind, LogEntry::reservationId)
        .containsExactly(
            tuple(Kind.RECEIVE, null),
            tuple(Kind.RESERVE, "cart-1"),
            tuple(Kind.EXPIRE, "cart-1"),
            tuple(Kind.RESERVE, "cart-2"));
  }
}
