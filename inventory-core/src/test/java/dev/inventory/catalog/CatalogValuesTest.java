package dev.inventory.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.StockKey;
import dev.inventory.UnknownKeysException;
import dev.inventory.event.InventoryEvent.Outcome;
import dev.inventory.internal.CatalogCursors;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The values of the catalog")
class CatalogValuesTest {
  @Nested
  @DisplayName("Item")
  class Items {
    @Test
    @DisplayName("keeps its values; of() is active without a limit")
    void values() {
      Item item = Item.of("SKU-1", "acme", "s1", "Blue mug");

      assertThat(item).isEqualTo(new Item("SKU-1", "acme", "s1", "Blue mug", true, null));
      assertThat(item.withPerBuyerLimit(2L).perBuyerLimit()).isEqualTo(2L);
      assertThat(item.withActive(false).active()).isFalse();
      assertThat(item.withSeller("s2").seller()).isEqualTo("s2");
      assertThat(item.withName("Red mug").name()).isEqualTo("Red mug");
    }

    @Test
    @DisplayName("refuses bad fields, naming the field and the value")
    void refusesBadFields() {
      assertThatThrownBy(() -> Item.of(" ", "acme", "s1", "x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("sku must not be blank, but was ' '");
      assertThatThrownBy(() -> Item.of("SKU", "a".repeat(129), "s1", "x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("tenant must be 1 to 128 characters long, but was 129 characters");
      assertThatThrownBy(() -> Item.of("SKU", "acme", null, "x"))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("seller must not be null");
      assertThatThrownBy(() -> Item.of("SKU", "acme", "s1", "x".repeat(1001)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("name must be 1 to 1000 characters long, but was 1001 characters");
      assertThatThrownBy(() -> Item.of("SKU", "acme", "s1", "mug\n"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name must not contain control characters");
      assertThatThrownBy(() -> Item.of("SKU", "acme", "s1", "x").withPerBuyerLimit(0L))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("perBuyerLimit must be between 1 and 1000000000, but was 0");
    }
  }

  @Nested
  @DisplayName("Location")
  class Locations {
    @Test
    @DisplayName("keeps its values; of() is active")
    void values() {
      assertThat(Location.of("hub-7", "Hub 7")).isEqualTo(new Location("hub-7", "Hub 7", true));
      assertThat(Location.of("hub-7", "Hub 7").withActive(false).active()).isFalse();
    }

    @Test
    @DisplayName("refuses a code a stock key could not name, or an empty name")
    void refusesBadFields() {
      assertThatThrownBy(() -> Location.of("", "Hub"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("code must be 1 to 128 characters long, but was 0 characters");
      assertThatThrownBy(() -> Location.of("hub", ""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name must be 1 to 1000 characters long");
    }
  }

  @Nested
  @DisplayName("queries")
  class Queries {
    @Test
    @DisplayName("all() has no filter and 100 per page; codes are sorted")
    void defaults() {
      ItemQuery query = ItemQuery.all().withSkus(List.of("b", "a", "c"));

      assertThat(ItemQuery.all()).isEqualTo(new ItemQuery(null, null, null, null, 100));
      assertThat(query.skus()).containsExactly("a", "b", "c");
      assertThat(LocationQuery.all().withCodes(Set.of("z", "y")).codes()).containsExactly("y", "z");
    }

    @Test
    @DisplayName("refuses an empty or too long list of codes, and a page size out of bounds")
    void refusesBadFilters() {
      assertThatThrownBy(() -> ItemQuery.all().withSkus(List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("skus must have 1 to 1000 codes (leave it null for any), but had 0");
      assertThatThrownBy(() -> LocationQuery.all().withPageSize(1001))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("pageSize must be between 1 and 1000, but was 1001");
      assertThatThrownBy(() -> ItemQuery.all().withTenant(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("tenant must be 1 to 128 characters long");
    }

    @Test
    @DisplayName("a cursor round-trips for the same filters, whatever the page size, and no other")
    void cursors() {
      ItemQuery query = ItemQuery.all().withTenant("acme");
      String cursor = CatalogCursors.next(query, "SKU-9");

      assertThat(CatalogCursors.after(query.withPageSize(7), cursor)).isEqualTo("SKU-9");
      assertThat(CatalogCursors.after(query, null)).isNull();
      assertThatThrownBy(() -> CatalogCursors.after(query.withActive(true), cursor))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("same filters");
      assertThatThrownBy(() -> CatalogCursors.after(LocationQuery.all(), cursor))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("UnknownKeysException")
  class UnknownKeys {
    @Test
    @DisplayName("names every key in key order, with the part that is unknown")
    void message() {
      StockKey b = StockKey.of("B", "hub-x");
      StockKey a = StockKey.of("A", "hub-1");

      UnknownKeysException e =
          new UnknownKeysException(List.of(b, a), Set.of("A"), Set.of("hub-x"));

      assertThat(e.keys()).containsExactly(a, b);
      assertThat(e.unknownSkus()).containsExactly("A");
      assertThat(e.unknownLocations()).containsExactly("hub-x");
      assertThat(e)
          .hasMessage(
              "not in the catalog, or deactivated (nothing was written): A@hub-1 (SKU A),"
                  + " B@hub-x (location hub-x)");
      assertThat(Outcome.of(e)).isEqualTo(Outcome.NOT_IN_CATALOG);
      assertThat(Outcome.NOT_IN_CATALOG.tagValue()).isEqualTo("not_in_catalog");
    }

    @Test
    @DisplayName("refuses no keys, or a key whose SKU and location are both known")
    void refusesInconsistentArguments() {
      StockKey a = StockKey.of("A");
      assertThatThrownBy(() -> new UnknownKeysException(List.of(), Set.of(), Set.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new UnknownKeysException(List.of(a), Set.of("B"), Set.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("A@default");
    }
  }
}
