package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.event.InventoryEvent.Outcome;
import dev.inventory.internal.Lines;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("buyers and prices on the values")
class BuyerAndPriceValuesTest {
  private final StockKey k = StockKey.of("SKU-1");

  @Test
  @DisplayName("a price is 0 to 10^15 minor units in a currency of three upper-case letters")
  void priceBounds() {
    assertThat(Price.of(0, "EUR").amountMinor()).isZero();
    assertThat(Price.of(Price.MAX_AMOUNT_MINOR, "JPY").currency()).isEqualTo("JPY");
    assertThatThrownBy(() -> Price.of(-1, "EUR"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amountMinor")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> Price.of(Price.MAX_AMOUNT_MINOR + 1, "EUR"))
        .isInstanceOf(IllegalArgumentException.class);
    for (String bad : List.of("eur", "EU", "EURO", "E1R", "ÉUR", "")) {
      assertThatThrownBy(() -> Price.of(1, bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("currency");
    }
    assertThatThrownBy(() -> Price.of(1, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("lines of one key at one price merge and keep it")
  void samePricesMerge() {
    ReservationRequest request =
        ReservationRequest.builder("r")
            .line(k, 1, Price.of(100, "EUR"))
            .line(k, 2, Price.of(100, "EUR"))
            .build();

    assertThat(request.lines()).containsExactly(new Line(k, 3, Price.of(100, "EUR")));
  }

  @Test
  @DisplayName("lines of one key at different prices, or with and without one, are refused")
  void differentPricesAreRefused() {
    assertThatThrownBy(
            () ->
                ReservationRequest.builder("r")
                    .line(k, 1, Price.of(100, "EUR"))
                    .line(k, 1, Price.of(100, "USD"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(k.toString())
        .hasMessageContaining("unit price");
    assertThatThrownBy(
            () ->
                ReservationRequest.builder("r").line(k, 1, Price.of(100, "EUR")).line(k, 1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(k.toString());
  }

  @Test
  @DisplayName("a buyer is checked like an id")
  void buyerIsCheckedLikeAnId() {
    assertThat(ReservationRequest.builder("r").line(k, 1).buyer("b-1").build().buyer())
        .isEqualTo("b-1");
    assertThat(ReservationRequest.builder("r").line(k, 1).build().buyer()).isNull();
    assertThatThrownBy(() -> ReservationRequest.builder("r").buyer(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("buyer");
    assertThatThrownBy(() -> ReservationRequest.builder("r").buyer("x".repeat(129)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReservationRequest.builder("r").buyer("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReservationRequest("r", List.of(new Line(k, 1)), null, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a request without buyer or prices has the fingerprint it had before they existed")
  void fingerprintsWithoutBuyerOrPriceAreUnchanged() {
    List<Line> lines = List.of(new Line(k, 2));

    assertThat(Lines.fingerprint(lines, null)).isEqualTo(Lines.fingerprint(lines));
    // The digest the library stored before V7 for this line (computed by the code of f4e19b1):
    // replays of every reservation made then depend on it.
    assertThat(Lines.fingerprint(lines, null))
        .isEqualTo("793e080195fcf5e3917e4b8460d31e45804a03835e80adee65138e3dbfeface0");
    assertThat(Lines.fingerprint(lines, "b")).isNotEqualTo(Lines.fingerprint(lines));
    assertThat(Lines.fingerprint(List.of(new Line(k, 2, Price.of(1, "EUR")))))
        .isNotEqualTo(Lines.fingerprint(lines));
  }

  @Test
  @DisplayName("a limit refusal carries its numbers and is told to listeners as buyer_limit")
  void limitRefusal() {
    BuyerLimitExceededException e = new BuyerLimitExceededException("b-1", "SKU-1", 2, 2, 1);

    assertThat(e.remaining()).isZero();
    assertThat(e).hasMessageContaining("b-1").hasMessageContaining("SKU-1");
    assertThat(new BuyerLimitExceededException("b", "S", 2, 5, 1).remaining())
        .as("a limit lowered below what the buyer has")
        .isZero();
    assertThat(Outcome.of(e)).isEqualTo(Outcome.BUYER_LIMIT);
    assertThat(Outcome.BUYER_LIMIT.tagValue()).isEqualTo("buyer_limit");
  }

  @Test
  @DisplayName("a line without a price prints as it always did")
  void lineToString() {
    assertThat(new Line(k, 2)).hasToString("Line[key=" + k + ", quantity=2]");
    assertThat(new Line(k, 2, Price.of(5, "EUR")).toString()).contains("unitPrice=");
  }
}
