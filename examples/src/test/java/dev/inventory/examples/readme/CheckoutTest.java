package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.memory.InMemoryInventory;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The README's example of a unit test of checkout code: no database, an {@link InMemoryInventory}
 * with a clock the test moves. The whole class is shown in the README as it is here.
 */
// tag::testing-test[]
class CheckoutTest {
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
// end::testing-test[]
