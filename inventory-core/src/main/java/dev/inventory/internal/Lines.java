package dev.inventory.internal;

import dev.inventory.Line;
import dev.inventory.Price;
import dev.inventory.StockKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Merging and fingerprinting of reservation lines. Not API. */
public final class Lines {
  /** The most lines one reservation may carry (before merging). */
  public static final int MAX_LINES = 1000;

  private Lines() {}

  /**
   * Validates a caller's lines and merges those of the same key, so that two lines of one SKU can
   * never each be checked against the same stock. The result is sorted by key: the order in which
   * implementations touch rows, so that concurrent carts never deadlock.
   */
  public static List<Line> merge(List<Line> lines) {
    Objects.requireNonNull(lines, "lines must not be null");
    if (lines.isEmpty() || lines.size() > MAX_LINES) {
      throw new IllegalArgumentException(
          "lines must hold 1 to " + MAX_LINES + " lines, but held " + lines.size());
    }
    Map<StockKey, Long> totals = new TreeMap<>();
    Map<StockKey, Price> prices = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      if (line == null) {
        throw new NullPointerException("lines[" + i + "] must not be null");
      }
      Long before = totals.get(line.key());
      if (before != null && !Objects.equals(prices.get(line.key()), line.unitPrice())) {
        // One line per key is stored, with one price: two prices would have to lose one.
        throw new IllegalArgumentException(
            "lines of "
                + line.key()
                + " must carry the same unit price to be merged, but carried "
                + prices.get(line.key())
                + " and "
                + line.unitPrice());
      }
      totals.put(
          line.key(), before == null ? line.quantity() : Math.addExact(before, line.quantity()));
      if (line.unitPrice() != null) {
        prices.put(line.key(), line.unitPrice());
      }
    }
    List<Line> merged = new ArrayList<>(totals.size());
    totals.forEach(
        (key, total) -> {
          if (total > Checks.MAX_QUANTITY) {
            throw new IllegalArgumentException(
                "quantity of "
                    + key
                    + " after merging its lines must be between 1 and "
                    + Checks.MAX_QUANTITY
                    + ", but was "
                    + total);
          }
          merged.add(new Line(key, total, prices.get(key)));
        });
    return List.copyOf(merged);
  }

  /**
   * A stable fingerprint of merged lines: the same cart in any order, split or not, gives the same
   * value, so a replayed request can be told from a different one with the same id.
   */
  public static String fingerprint(List<Line> mergedLines) {
    return fingerprint(mergedLines, null);
  }

  /**
   * The fingerprint of a request: its merged lines with their prices, and its buyer. A line without
   * a price and a request without a buyer add nothing, so that a request without either has the
   * fingerprint it had before buyers and prices existed (stored fingerprints stay valid).
   */
  public static String fingerprint(List<Line> mergedLines, @Nullable String buyer) {
    StringBuilder canonical = new StringBuilder();
    if (buyer != null) {
      canonical.append("buyer=").append(buyer.length()).append(':').append(buyer).append(';');
    }
    for (Line line : mergedLines) {
      // Lengths first, so that no choice of separator characters in a SKU can forge a collision.
      canonical
          .append(line.key().sku().length())
          .append(':')
          .append(line.key().sku())
          .append(line.key().location().length())
          .append(':')
          .append(line.key().location())
          .append('=')
          .append(line.quantity());
      if (line.unitPrice() != null) {
        canonical
            .append('@')
            .append(line.unitPrice().amountMinor())
            .append(line.unitPrice().currency());
      }
      canonical.append(';');
    }
    MessageDigest sha = SHA_256.get();
    sha.reset();
    return HexFormat.of()
        .formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** A digest per thread: looking one up costs more than hashing a cart. */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
          });

  /** The total quantity per key, for lines already merged. */
  public static Map<StockKey, Long> byKey(List<Line> mergedLines) {
    Map<StockKey, Long> map = new TreeMap<>();
    for (Line line : mergedLines) {
      map.put(line.key(), line.quantity());
    }
    return map;
  }
}
