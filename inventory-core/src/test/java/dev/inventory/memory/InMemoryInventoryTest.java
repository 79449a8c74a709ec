package dev.inventory.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.LogEntry.Kind;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What InMemoryInventory offers beyond the contract: its builder and its log. */
class InMemoryInventoryTest {
  private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
  private final StockKey a = StockKey.of("A");
  private final StockKey b = StockKey.of("B");

  @Test
  @DisplayName("the default TTL is 15 minutes")
  void defaultTtl() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(a, 1, null);

    Reservation reservation = inventory.reserve(ReservationRequest.builder("c").line(a, 1).build());

    assertThat(reservation.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
  }

  @Test
  @DisplayName("defaultTtl sets the TTL of requests that name none")
  void configuredTtl() {
    InMemoryInventory inventory =
        InMemoryInventory.builder().clock(clock).defaultTtl(Duration.ofSeconds(90)).build();
    inventory.receive(a, 1, null);

    Reservation reservation = inventory.reserve(ReservationRequest.builder("c").line(a, 1).build());

    assertThat(reservation.expiresAt()).isEqualTo(clock.instant().plusSeconds(90));
  }

  @Test
  @DisplayName("a default TTL out of 1 s .. 30 days is refused, not clamped")
  void badTtl() {
    assertThatThrownBy(() -> InMemoryInventory.builder().defaultTtl(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryInventory.builder().defaultTtl(Duration.ofDays(31)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryInventory.builder().defaultTtl(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("a null clock is refused")
  void nullClock() {
    assertThatThrownBy(() -> InMemoryInventory.builder().clock(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("without a clock, the system clock is used")
  void systemClock() {
    InMemoryInventory inventory = InMemoryInventory.builder().build();
    inventory.receive(a, 1, null);
    Instant before = Instant.now();

    Reservation reservation = inventory.reserve(ReservationRequest.builder("c").line(a, 1).build());

    assertThat(reservation.createdAt())
        .isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
  }

  @Test
  @DisplayName("log() holds every entry in order, ids 1, 2, 3, ...")
  void logIds() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(a, 5, "in");
    inventory.receive(b, 5, "in");
    inventory.reserve(ReservationRequest.builder("c").line(b, 1).line(a, 2).build());
    inventory.confirm("c");

    assertThat(inventory.log()).extracting(LogEntry::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(inventory.log())
        .extracting(LogEntry::kind)
        .containsExactly(
            Kind.RECEIVE, Kind.RECEIVE, Kind.RESERVE, Kind.RESERVE, Kind.CONFIRM, Kind.CONFIRM);
  }

  @Test
  @DisplayName("log(key) holds the entries of one key, in order")
  void logOfKey() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(a, 5, "in");
    inventory.receive(b, 5, "in");
    inventory.adjust(a, -1, "broken");

    assertThat(inventory.log(a)).extracting(LogEntry::id).containsExactly(1L, 3L);
  }

  @Test
  @DisplayName("log() is a snapshot that cannot be modified")
  void logIsSnapshot() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(a, 5, "in");
    List<LogEntry> log = inventory.log();
    inventory.receive(a, 5, "in");

    assertThat(log).hasSize(1);
    assertThatThrownBy(log::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("levels() cannot be modified")
  void levelsUnmodifiable() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();

    assertThatThrownBy(() -> inventory.levels(List.of(a)).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("the returned reservation is a value: amending later does not change it")
  void returnedReservationIsAValue() {
    InMemoryInventory inventory = InMemoryInventory.builder().clock(clock).build();
    inventory.receive(a, 5, "in");
    Reservation reserved = inventory.reserve(ReservationRequest.builder("c").line(a, 1).build());

    inventory.amend("c", List.of(Line.of(a, 3)));

    assertThat(reserved.lines()).containsExactly(Line.of(a, 1));
  }

  @Test
  @DisplayName("the class is final")
  void isFinal() {
    assertThat(Modifier.isFinal(InMemoryInventory.class.getModifiers())).isTrue();
  }
}
