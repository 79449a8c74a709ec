package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.Reservation.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The value records: validated on construction, with messages that name the field and value. */
class ValuesTest {

  @Nested
  @DisplayName("StockKey")
  class StockKeys {
    @Test
    @DisplayName("of(sku) is at the default location")
    void defaultLocation() {
      assertThat(StockKey.of("SKU-1")).isEqualTo(new StockKey("SKU-1", "default"));
    }

    @Test
    @DisplayName("keys order by SKU, then location, by UTF-16 code unit")
    void order() {
      List<StockKey> keys =
          new ArrayList<>(
              List.of(
                  StockKey.of("b"),
                  StockKey.of("a", "z"),
                  StockKey.of("a", "b"),
                  StockKey.of("B")));
      Collections.sort(keys);

      assertThat(keys)
          .containsExactly(
              StockKey.of("B"), StockKey.of("a", "b"), StockKey.of("a", "z"), StockKey.of("b"));
    }

    @Test
    @DisplayName("a SKU of 128 characters is accepted, 129 refused with the length in the message")
    void length() {
      assertThat(StockKey.of("s".repeat(128)).sku()).hasSize(128);
      assertThatThrownBy(() -> StockKey.of("s".repeat(129)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("sku must be 1 to 128 characters long, but was 129 characters");
    }

    @Test
    @DisplayName("a blank location is refused, naming the field")
    void blank() {
      assertThatThrownBy(() -> StockKey.of("SKU-1", " "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("location must not be blank, but was ' '");
    }

    @Test
    @DisplayName("a control character is refused, naming it and where it is")
    void controlCharacter() {
      assertThatThrownBy(() -> StockKey.of("SKU\t1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("sku must not contain control characters, but has U+0009 at index 3");
    }

    @Test
    @DisplayName("a null SKU is refused with a NullPointerException naming it")
    void nullSku() {
      assertThatThrownBy(() -> StockKey.of(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("sku must not be null");
    }

    @Test
    @DisplayName("toString is sku@location")
    void string() {
      assertThat(StockKey.of("SKU-1", "hub-7")).hasToString("SKU-1@hub-7");
    }
  }

  @Nested
  @DisplayName("Line")
  class Lines {
    @Test
    @DisplayName("quantities 1 and 1,000,000,000 are accepted")
    void bounds() {
      assertThat(Line.of("SKU-1", 1).quantity()).isEqualTo(1);
      assertThat(Line.of("SKU-1", 1_000_000_000).quantity()).isEqualTo(1_000_000_000);
    }

    @Test
    @DisplayName("a quantity out of range is refused with the range and the value")
    void outOfRange() {
      assertThatThrownBy(() -> Line.of("SKU-1", -3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("quantity must be between 1 and 1000000000, but was -3");
      assertThatThrownBy(() -> Line.of("SKU-1", 0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Line.of("SKU-1", 1_000_000_001))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a null key is refused")
    void nullKey() {
      assertThatThrownBy(() -> Line.of((StockKey) null, 1))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("key must not be null");
    }
  }

  @Nested
  @DisplayName("ReservationRequest")
  class Requests {
    @Test
    @DisplayName("the builder merges lines of one key and sorts by key")
    void mergesAndSorts() {
      ReservationRequest request =
          ReservationRequest.builder("cart-42")
              .line("SKU-2", 1)
              .line(StockKey.of("SKU-1", "hub-7"), 2)
              .line(Line.of("SKU-2", 4))
              .build();

      assertThat(request.lines())
          .containsExactly(new Line(StockKey.of("SKU-1", "hub-7"), 2), Line.of("SKU-2", 5));
    }

    @Test
    @DisplayName("requests with the same lines in another shape are equal")
    void equality() {
      ReservationRequest split =
          ReservationRequest.builder("c").line("A", 1).line("B", 1).line("A", 2).build();
      ReservationRequest merged = ReservationRequest.builder("c").line("B", 1).line("A", 3).build();

      assertThat(split).isEqualTo(merged);
    }

    @Test
    @DisplayName("without a ttl, the ttl is null: the inventory's default applies")
    void noTtl() {
      assertThat(ReservationRequest.builder("c").line("A", 1).build().ttl()).isNull();
    }

    @Test
    @DisplayName("ttls of 1 second and 30 days are accepted; 999 ms and 30 days + 1 s refused")
    void ttlBounds() {
      assertThat(
              ReservationRequest.builder("c").line("A", 1).ttl(Duration.ofSeconds(1)).build().ttl())
          .isEqualTo(Duration.ofSeconds(1));
      assertThat(
              ReservationRequest.builder("c").line("A", 1).ttl(Duration.ofDays(30)).build().ttl())
          .isEqualTo(Duration.ofDays(30));
      assertThatThrownBy(() -> ReservationRequest.builder("c").ttl(Duration.ofMillis(999)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("ttl must be between PT1S and PT720H, but was PT0.999S");
      assertThatThrownBy(
              () -> ReservationRequest.builder("c").ttl(Duration.ofDays(30).plusSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("1,000 lines are accepted, 1,001 refused, counted before merging")
    void lineCount() {
      List<Line> thousand = Collections.nCopies(1000, Line.of("A", 1));
      assertThat(new ReservationRequest("c", thousand, null).lines())
          .containsExactly(Line.of("A", 1000));
      assertThatThrownBy(
              () -> new ReservationRequest("c", Collections.nCopies(1001, Line.of("A", 1)), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("lines must hold 1 to 1000 lines, but held 1001");
    }

    @Test
    @DisplayName("no lines are refused")
    void noLines() {
      assertThatThrownBy(() -> ReservationRequest.builder("c").build())
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("lines of one key adding up past 1,000,000,000 are refused")
    void mergedTooLarge() {
      assertThatThrownBy(
              () ->
                  ReservationRequest.builder("c")
                      .line("A", 600_000_000)
                      .line("A", 600_000_000)
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("after merging");
    }

    @Test
    @DisplayName("the lines list cannot be modified")
    void immutableLines() {
      ReservationRequest request = ReservationRequest.builder("c").line("A", 1).build();

      assertThatThrownBy(() -> request.lines().add(Line.of("B", 1)))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("a bad id is refused when the request is built")
    void badId() {
      assertThatThrownBy(() -> ReservationRequest.builder("").line("A", 1).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("id must be 1 to 128 characters long");
      assertThatThrownBy(() -> ReservationRequest.builder(null).line("A", 1).build())
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  @DisplayName("Reservation")
  class Reservations {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    @DisplayName("its lines are a copy that cannot be modified")
    void linesCopied() {
      List<Line> lines = new ArrayList<>(List.of(Line.of("A", 1)));
      Reservation reservation = new Reservation("c", Status.HELD, lines, now, now);
      lines.add(Line.of("B", 1));

      assertThat(reservation.lines()).containsExactly(Line.of("A", 1));
      assertThatThrownBy(() -> reservation.lines().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("only HELD is held; the other three statuses are final")
    void statuses() {
      assertThat(new Reservation("c", Status.HELD, List.of(), now, now).isHeld()).isTrue();
      assertThat(new Reservation("c", Status.EXPIRED, List.of(), now, now).isHeld()).isFalse();
      assertThat(Status.HELD.isFinal()).isFalse();
      assertThat(List.of(Status.CONFIRMED, Status.RELEASED, Status.EXPIRED))
          .allMatch(Status::isFinal);
    }

    @Test
    @DisplayName("null status or times are refused")
    void nulls() {
      assertThatThrownBy(() -> new Reservation("c", null, List.of(), now, now))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> new Reservation("c", Status.HELD, List.of(), null, now))
          .isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> new Reservation("c", Status.HELD, List.of(), now, null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  @DisplayName("StockLevel")
  class StockLevels {
    private final StockKey key = StockKey.of("A");

    @Test
    @DisplayName("available is on-hand minus reserved")
    void available() {
      assertThat(new StockLevel(key, 10, 3).available()).isEqualTo(7);
    }

    @Test
    @DisplayName("empty is 0 on-hand, 0 reserved")
    void empty() {
      assertThat(StockLevel.empty(key)).isEqualTo(new StockLevel(key, 0, 0));
    }

    @Test
    @DisplayName("an oversold or negative level cannot exist")
    void invariant() {
      assertThatThrownBy(() -> new StockLevel(key, 2, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "stock level must satisfy 0 <= reserved <= onHand, but was onHand=2 reserved=3 for A@default");
      assertThatThrownBy(() -> new StockLevel(key, 2, -1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("exceptions")
  class Exceptions {
    @Test
    @DisplayName("every exception the library throws on purpose is an InventoryException")
    void hierarchy() {
      assertThat(
              List.of(
                  new InsufficientStockException(List.of(new Shortage(StockKey.of("A"), 2, 1))),
                  new ReservationNotFoundException("c"),
                  new ReservationStateException("c", Status.CONFIRMED, "release"),
                  new ReservationExpiredException("c", Instant.EPOCH, "confirm"),
                  new IdempotencyConflictException("c", List.of(), List.of()),
                  new InventoryUnavailableException("down", new RuntimeException())))
          .allMatch(InventoryException.class::isInstance);
    }

    @Test
    @DisplayName("InsufficientStockException states every shortage's numbers")
    void insufficientStockMessage() {
      InsufficientStockException e =
          new InsufficientStockException(
              List.of(new Shortage(StockKey.of("A"), 5, 2), new Shortage(StockKey.of("B"), 1, 0)));

      assertThat(e)
          .hasMessage(
              "insufficient stock: A@default requested 5, available 2; B@default requested 1, available 0");
    }

    @Test
    @DisplayName("an InsufficientStockException needs a shortage")
    void noShortage() {
      assertThatThrownBy(() -> new InsufficientStockException(List.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("ReservationExpiredException is a state exception with status EXPIRED")
    void expired() {
      ReservationExpiredException e =
          new ReservationExpiredException("c", Instant.parse("2026-01-01T00:10:00Z"), "confirm");

      assertThat(e).isInstanceOf(ReservationStateException.class);
      assertThat(e.status()).isEqualTo(Status.EXPIRED);
      assertThat(e)
          .hasMessage("cannot confirm reservation 'c': it expired at 2026-01-01T00:10:00Z");
    }

    @Test
    @DisplayName("ReservationStateException names the action and the status")
    void state() {
      assertThat(new ReservationStateException("c", Status.CONFIRMED, "release"))
          .hasMessage("cannot release reservation 'c': it is CONFIRMED");
    }
  }
}
