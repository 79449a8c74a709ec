package dev.inventory.examples.readme;

import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;

// tag::testing-checkout[]
// Your code only knows the Inventory interface.
class Checkout {
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
// end::testing-checkout[]
