package dev.inventory;

import dev.inventory.internal.Checks;
import dev.inventory.internal.Lines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A request to hold stock: a cart, or a direct order for {@link Inventory#purchase}.
 *
 * <p>Build one with {@link #builder(String)}:
 *
 * <pre>{@code
 * ReservationRequest request = ReservationRequest.builder("cart-42")
 *     .line("SKU-1", 2)
 *     .line(StockKey.of("SKU-2", "hub-7"), 1)
 *     .ttl(Duration.ofMinutes(15))
 *     .build();
 * }</pre>
 *
 * <p>Lines of the same key are merged on construction, and {@link #lines()} is sorted by key.
 *
 * @param id the caller's idempotency key, 1 to 128 characters: sending the same request twice
 *     reserves once
 * @param lines 1 to 1,000 lines; merged per key and sorted
 * @param ttl how long the hold lasts, 1 second to 30 days; {@code null} means the inventory's
 *     default TTL
 */
public record ReservationRequest(String id, List<Line> lines, Duration ttl) {
  public ReservationRequest {
    Checks.name("id", id);
    lines = Lines.merge(lines);
    if (ttl != null) {
      Checks.ttl(ttl);
    }
  }

  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Builds a {@link ReservationRequest}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final List<Line> lines = new ArrayList<>();
    private Duration ttl;

    private Builder(String id) {
      this.id = id;
    }

    /** Adds {@code quantity} of {@code sku} at the default location. */
    public Builder line(String sku, long quantity) {
      return line(StockKey.of(sku), quantity);
    }

    public Builder line(StockKey key, long quantity) {
      lines.add(new Line(key, quantity));
      return this;
    }

    public Builder line(Line line) {
      lines.add(Objects.requireNonNull(line, "line must not be null"));
      return this;
    }

    public Builder lines(List<Line> more) {
      Objects.requireNonNull(more, "lines must not be null");
      more.forEach(this::line);
      return this;
    }

    /** How long the hold lasts; unset, the inventory's default TTL applies. */
    public Builder ttl(Duration ttl) {
      this.ttl = Checks.ttl(ttl);
      return this;
    }

    public ReservationRequest build() {
      return new ReservationRequest(id, lines, ttl);
    }
  }
}
