package dev.inventory;

import dev.inventory.internal.Checks;
import dev.inventory.internal.Lines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * @since 0.1.0
 */
public record ReservationRequest(String id, List<Line> lines, @Nullable Duration ttl) {
  /**
   * Checks the id, the lines and the TTL, and merges the lines per key in key order.
   *
   * @param id the caller's idempotency key, 1 to 128 characters: sending the same request twice
   *     reserves once
   * @param lines 1 to 1,000 lines; merged per key and sorted
   * @param ttl how long the hold lasts, 1 second to 30 days; {@code null} means the inventory's
   *     default TTL
   * @throws NullPointerException if {@code id}, {@code lines} or a line is null
   * @throws IllegalArgumentException if the id is out of bounds, there are no lines or more than
   *     1,000 (as given, before merging), a merged quantity is above 1,000,000,000, or the TTL is
   *     out of bounds
   */
  public ReservationRequest {
    Checks.name("id", id);
    lines = Lines.merge(lines);
    if (ttl != null) {
      Checks.ttl(ttl);
    }
  }

  /**
   * Starts a request with this id; add lines, optionally a TTL, then {@link Builder#build()}.
   *
   * @param id the caller's idempotency key, 1 to 128 characters (checked by {@code build()})
   * @return a new builder
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /**
   * Builds a {@link ReservationRequest}. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final String id;
    private final List<Line> lines = new ArrayList<>();
    private @Nullable Duration ttl;

    private Builder(String id) {
      this.id = id;
    }

    /**
     * Adds {@code quantity} of {@code sku} at the {@linkplain StockKey#DEFAULT_LOCATION default
     * location}; lines of one key add up.
     *
     * @param sku the SKU
     * @param quantity 1 to 1,000,000,000
     * @return this builder
     * @throws IllegalArgumentException if the SKU or the quantity is out of bounds
     */
    public Builder line(String sku, long quantity) {
      return line(StockKey.of(sku), quantity);
    }

    /**
     * Adds {@code quantity} of a key; lines of one key add up.
     *
     * @param key what to reserve
     * @param quantity 1 to 1,000,000,000
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the quantity is out of bounds
     */
    public Builder line(StockKey key, long quantity) {
      lines.add(new Line(key, quantity));
      return this;
    }

    /**
     * Adds a line; lines of one key add up.
     *
     * @param line what to reserve
     * @return this builder
     * @throws NullPointerException if {@code line} is null
     */
    public Builder line(Line line) {
      lines.add(Objects.requireNonNull(line, "line must not be null"));
      return this;
    }

    /**
     * Adds every line of a list; lines of one key add up.
     *
     * @param more the lines to add
     * @return this builder
     * @throws NullPointerException if the list or a line is null
     */
    public Builder lines(List<Line> more) {
      Objects.requireNonNull(more, "lines must not be null");
      more.forEach(this::line);
      return this;
    }

    /**
     * How long the hold lasts. Unset, the inventory's default TTL applies (15 minutes unless the
     * inventory was built with another).
     *
     * @param ttl 1 second to 30 days
     * @return this builder
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if it is out of bounds
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Checks.ttl(ttl);
      return this;
    }

    /**
     * The request; the builder may be used on to build more.
     *
     * @return a new request with the lines added so far, merged per key
     * @throws NullPointerException if the id is null
     * @throws IllegalArgumentException if the id is out of bounds, no line or more than 1,000 lines
     *     were added, or a key's lines add up to more than 1,000,000,000
     */
    public ReservationRequest build() {
      return new ReservationRequest(id, lines, ttl);
    }
  }
}
