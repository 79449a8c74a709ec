package dev.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.Reservation.Status;
import dev.inventory.internal.Lifecycle.Action;
import dev.inventory.internal.Lifecycle.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {
  static Stream<Arguments> table() {
    Stream.Builder<Arguments> rows = Stream.builder();
    for (Action action : Action.values()) {
      rows.add(Arguments.of(Status.HELD, action, Outcome.APPLY));
    }
    for (Status status : new Status[] {Status.CONFIRMED, Status.RELEASED, Status.EXPIRED}) {
      for (Action action : Action.values()) {
        rows.add(
            Arguments.of(
                status, action, action.target() == status ? Outcome.ALREADY_DONE : Outcome.REFUSE));
      }
    }
    return rows.build();
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("table")
  void decide(Status status, Action action, Outcome expected) {
    assertThat(Lifecycle.decide(status, action)).isEqualTo(expected);
  }
}
