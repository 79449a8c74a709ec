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
 *     .line(StockKey.of("SKU-2", "hub-7"), 1, Price.of(1999, "EUR"))
 *     .buyer("customer-7")
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
 * @param buyer who the reservation is for, 1 to 128 characters as an id, or {@code null}: stored
 *     with the reservation, listed by {@link Inventory#findReservations}, and held to the items'
 *     per-buyer limits; a request without a buyer is not limited
 * @since 0.1.0
 */
public record ReservationRequest(
    String id, List<Line> lines, @Nullable Duration ttl, @Nullable String buyer) {
  /**
   * Checks the id, the lines, the TTL and the buyer, and merges the lines per key in key order.
   *
   * @param id the caller's idempotency key, 1 to 128 characters: sending the same request twice
   *     reserves once
   * @param lines 1 to 1,000 lines; merged per key and sorted
   * @param ttl how long the hold lasts, 1 second to 30 days; {@code null} means the inventory's
   *     default TTL
   * @param buyer who the reservation is for, 1 to 128 characters without control characters, or
   *     {@code null}
   * @throws NullPointerException if {@code id}, {@code lines} or a line is null
   * @throws IllegalArgumentException if the id or the buyer is out of bounds, there are no lines or
   *     more than 1,000 (as given, before merging), a merged quantity is above 1,000,000,000, lines
   *     of one key carry different unit prices, or the TTL is out of bounds
   */
  public ReservationRequest {
    Checks.name("id", id);
    lines = Lines.merge(lines);
    if (ttl != null) {
      Checks.ttl(ttl);
    }
    if (buyer != null) {
      Checks.name("buyer", buyer);
    }
  }

  /**
   * A request without a buyer.
   *
   * @param id the caller's idempotency key, 1 to 128 characters
   * @param lines 1 to 1,000 lines; merged per key and sorted
   * @param ttl how long the hold lasts, 1 second to 30 days, or {@code null} for the default
   * @throws NullPointerException if {@code id}, {@code lines} or a line is null
   * @throws IllegalArgumentException as the canonical constructor
   */
  public ReservationRequest(String id, List<Line> lines, @Nullable Duration ttl) {
    this(id, lines, ttl, null);
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
    private @Nullable String buyer;

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
     * Adds {@code quantity} of a key at a unit price; lines of one key add up, and must carry the
     * same price (checked by {@code build()}).
     *
     * @param key what to reserve
     * @param quantity 1 to 1,000,000,000
     * @param unitPrice the price of one unit, stored with the line
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code unitPrice} is null
     * @throws IllegalArgumentException if the quantity is out of bounds
     */
    public Builder line(StockKey key, long quantity, Price unitPrice) {
      lines.add(Line.of(key, quantity, unitPrice));
      return this;
    }

    /**
     * Adds {@code quantity} of {@code sku} at the {@linkplain StockKey#DEFAULT_LOCATION default
     * location}, at a unit price; lines of one key add up.
     *
     * @param sku the SKU
     * @param quantity 1 to 1,000,000,000
     * @param unitPrice the price of one unit, stored with the line
     * @return this builder
     * @throws NullPointerException if {@code unitPrice} is null
     * @throws IllegalArgumentException if the SKU or the quantity is out of bounds
     */
    public Builder line(String sku, long quantity, Price unitPrice) {
      return line(StockKey.of(sku), quantity, unitPrice);
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
     * Who the reservation is for: stored with it, listed by {@link Inventory#findReservations}, and
     * held to the items' per-buyer limits. Unset: no buyer, no limit.
     *
     * @param buyer 1 to 128 characters, not blank, without control characters
     * @return this builder
     * @throws NullPointerException if {@code buyer} is null
     * @throws IllegalArgumentException if it is out of bounds
     */
    public Builder buyer(String buyer) {
      this.buyer = Checks.name("buyer", buyer);
      return this;
    }

    /**
     * The request; the builder may be used on to build more.
     *
     * @return a new request with the lines added so far, merged per key
     * @throws NullPointerException if the id is null
     * @throws IllegalArgumentException if the id is out of bounds, no line or more than 1,000 lines
     *     were added, a key's lines add up to more than 1,000,000,000, or lines of one key carry
     *     different unit prices
     */
    public ReservationRequest build() {
      return new ReservationRequest(id, lines, ttl, buyer);
    }
  }
}
