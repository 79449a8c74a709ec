package dev.inventory.catalog;

import dev.inventory.internal.Checks;

/**
 * A place stock is kept at — a hub, a warehouse, a store — as the catalog knows it. Its code is the
 * {@link dev.inventory.StockKey#location()} of the stock kept there.
 *
 * @param code the location code, as stock keys name it: 1 to 128 characters, not blank, without
 *     control characters
 * @param name a name for people: 1 to {@value #MAX_NAME_LENGTH} characters, not blank, without
 *     control characters
 * @param active whether stock may be kept there; known-keys mode refuses changes on a location that
 *     is not active
 * @since 0.1.0
 */
public record Location(String code, String name, boolean active) {
  /** The longest name, in characters. */
  public static final int MAX_NAME_LENGTH = 1000;

  /**
   * Checks the code and the name.
   *
   * @param code the location code, as stock keys name it
   * @param name a name for people
   * @param active whether stock may be kept there
   * @throws NullPointerException if {@code code} or {@code name} is null
   * @throws IllegalArgumentException if the code or the name is empty, blank, too long or contains
   *     a control character
   */
  public Location {
    Checks.name("code", code);
    Checks.label("name", name, MAX_NAME_LENGTH);
  }

  /**
   * An active location.
   *
   * @param code the location code, as stock keys name it
   * @param name a name for people
   * @return the location, active
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is out of bounds
   */
  public static Location of(String code, String name) {
    return new Location(code, name, true);
  }

  /**
   * This location with another name.
   *
   * @param name the new name
   * @return a copy with {@code name}
   * @throws IllegalArgumentException if the name is out of bounds
   */
  public Location withName(String name) {
    return new Location(code, name, active);
  }

  /**
   * This location, active or not.
   *
   * @param active whether stock may be kept there
   * @return a copy with {@code active}
   */
  public Location withActive(boolean active) {
    return new Location(code, name, active);
  }
}
