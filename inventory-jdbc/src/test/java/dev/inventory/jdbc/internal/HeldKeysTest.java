package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The keys of the holds an instance placed")
class HeldKeysTest {
  private static final Instant NOW = Instant.parse("2031-05-01T10:00:00Z");

  private static Reservation hold(String id, StockKey... keys) {
    List<Line> lines = java.util.Arrays.stream(keys).map(k -> new Line(k, 1)).toList();
    return new Reservation(id, Status.HELD, lines, NOW, NOW.plusSeconds(600), null);
  }

  @Test
  @DisplayName("a hold's keys are told once, for its move; an unknown id has none")
  void keysAreToldOnceForTheMove() {
    HeldKeys keys = new HeldKeys();
    keys.placed(hold("cart-1", StockKey.of("A"), StockKey.of("B")));

    assertThat(keys.moving("cart-2")).isEmpty();
    assertThat(keys.moving("cart-1")).containsExactly(StockKey.of("A"), StockKey.of("B"));
    assertThat(keys.moving("cart-1")).isEmpty();
  }

  @Test
  @DisplayName("bounded: a later hold in the same slot takes it, the earlier one is forgotten")
  void aLaterHoldInTheSameSlotWins() {
    HeldKeys keys = new HeldKeys();
    String first = "hold-0";
    String second = null;
    for (int i = 1; second == null; i++) {
      // Two ids of one slot: the table has 2^16 slots, chosen by the spread hash of the id.
      String candidate = "hold-" + i;
      keys.placed(hold(first, StockKey.of("A")));
      keys.placed(hold(candidate, StockKey.of("B")));
      if (keys.moving(first).isEmpty()) {
        second = candidate;
      } else {
        keys.moving(candidate);
      }
    }
    assertThat(keys.moving(second)).containsExactly(StockKey.of("B"));
  }
}
