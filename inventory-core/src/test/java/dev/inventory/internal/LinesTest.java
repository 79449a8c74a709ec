package dev.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.Line;
import dev.inventory.StockKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LinesTest {
  @Test
  @DisplayName(
      "the fingerprint of a cart never changes between versions (stored fingerprints must still match)")
  void fingerprintIsStable() {
    List<Line> cart =
        Lines.merge(List.of(Line.of("SKU-1", 2), new Line(StockKey.of("SKU-2", "hub-7"), 1)));

    assertThat(Lines.fingerprint(cart))
        .isEqualTo("8afc532a17867991c31736b7c8b6580130e4cda9898e744337edf4d46240007c");
  }

  @Test
  @DisplayName("the same cart in any order, split or not, has the same fingerprint")
  void fingerprintIgnoresShape() {
    String merged = Lines.fingerprint(Lines.merge(List.of(Line.of("A", 3), Line.of("B", 1))));
    String split =
        Lines.fingerprint(Lines.merge(List.of(Line.of("B", 1), Line.of("A", 1), Line.of("A", 2))));

    assertThat(split).isEqualTo(merged);
  }

  @Test
  @DisplayName("a different quantity, key or location gives a different fingerprint")
  void fingerprintTellsCartsApart() {
    String cart = Lines.fingerprint(Lines.merge(List.of(Line.of("A", 3))));

    assertThat(Lines.fingerprint(Lines.merge(List.of(Line.of("A", 4))))).isNotEqualTo(cart);
    assertThat(Lines.fingerprint(Lines.merge(List.of(Line.of("B", 3))))).isNotEqualTo(cart);
    assertThat(Lines.fingerprint(Lines.merge(List.of(new Line(StockKey.of("A", "x"), 3)))))
        .isNotEqualTo(cart);
  }

  @Test
  @DisplayName("no choice of characters in SKU and location can make two carts collide")
  void fingerprintHasNoSeparatorCollision() {
    String one = Lines.fingerprint(List.of(new Line(StockKey.of("ab", "c"), 1)));
    String other = Lines.fingerprint(List.of(new Line(StockKey.of("a", "bc"), 1)));
    String tricky = Lines.fingerprint(List.of(new Line(StockKey.of("a1:b", "c"), 1)));

    assertThat(List.of(one, other, tricky)).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("merge sums lines of one key and sorts by key")
  void merge() {
    assertThat(Lines.merge(List.of(Line.of("B", 1), Line.of("A", 2), Line.of("B", 3))))
        .containsExactly(Line.of("A", 2), Line.of("B", 4));
  }

  @Test
  @DisplayName("merge refuses a null line, naming its index")
  void mergeRefusesNull() {
    assertThatThrownBy(() -> Lines.merge(Arrays.asList(Line.of("A", 1), null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("lines[1] must not be null");
  }

  @Test
  @DisplayName("byKey maps each key to its quantity, in key order")
  void byKey() {
    assertThat(Lines.byKey(Lines.merge(List.of(Line.of("B", 1), Line.of("A", 2)))))
        .containsExactly(Map.entry(StockKey.of("A"), 2L), Map.entry(StockKey.of("B"), 1L));
  }
}
