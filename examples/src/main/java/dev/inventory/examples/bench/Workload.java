package dev.inventory.examples.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which keys the requests hit. Every approach is given the same request sequence: a worker's
 * requests come from a random generator seeded by cell, round and worker, never by approach.
 */
enum Workload {
  /** Every request on one SKU: the flash sale. */
  HOT("hot"),
  /** One line on a SKU drawn uniformly from {@code --uniform-skus} (default 100,000). */
  UNIFORM("uniform"),
  /** {@code --cart-lines} distinct SKUs (default 3) drawn from {@code --cart-skus} (10,000). */
  CART("cart");

  static final String HOT_SKU = "HOT";

  final String label;

  Workload(String label) {
    this.label = label;
  }

  static Workload parse(String text) {
    for (Workload w : values()) {
      if (w.label.equals(text)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + text + "': expected one of hot, uniform, cart");
  }

  @Override
  public String toString() {
    return label;
  }

  /** The SKU names of the workloads, built once so requests allocate no strings for them. */
  static final class Keys {
    final String[] uniform;
    final String[] cart;
    final int cartLines;

    Keys(int uniformSkus, int cartSkus, int cartLines) {
      this.uniform = names("U", uniformSkus);
      this.cart = names("C", cartSkus);
      this.cartLines = cartLines;
    }

    private static String[] names(String prefix, int count) {
      String[] names = new String[count];
      int width = Integer.toString(Math.max(count - 1, 1)).length();
      for (int i = 0; i < count; i++) {
        names[i] = prefix + String.format("%0" + width + "d", i);
      }
      return names;
    }

    /** The next request of a worker: its SKUs sorted, one unit each. */
    String[] next(Workload workload, SplittableRandom random) {
      switch (workload) {
        case HOT:
          return new String[] {HOT_SKU};
        case UNIFORM:
          return new String[] {uniform[random.nextInt(uniform.length)]};
        default:
          String[] skus = new String[cartLines];
          int filled = 0;
          while (filled < cartLines) {
            String sku = cart[random.nextInt(cart.length)];
            boolean seen = false;
            for (int i = 0; i < filled; i++) {
              seen |= skus[i].equals(sku);
            }
            if (!seen) {
              skus[filled++] = sku;
            }
          }
          Arrays.sort(skus);
          return skus;
      }
    }
  }
}
