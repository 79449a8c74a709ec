package dev.inventory.examples.bench;

import java.util.List;

/**
 * One way of reserving stock, run against its own schema of the library's table shapes.
 * Thread-safe: the workers of a cell share one instance.
 */
interface Approach {
  /**
   * The library as it ships: flash-sale mode on (concurrent one-line reserves share statements).
   */
  String LIBRARY = "library";

  /** The library with flash-sale mode off: every request its own statement. */
  String LIBRARY_UNCOMBINED = "library-uncombined";

  String RAW_UPDATE = "raw-update";
  String RAW_UPDATE_LOG = "raw-update-log";
  String SELECT_FOR_UPDATE = "select-for-update";
  String NAIVE = "naive";

  /** The approaches that are timed, in the order each round runs them. */
  List<String> TIMED =
      List.of(LIBRARY, LIBRARY_UNCOMBINED, RAW_UPDATE, RAW_UPDATE_LOG, SELECT_FOR_UPDATE);

  /** Every approach, the timed ones and {@link #NAIVE} (correctness only). */
  List<String> ALL =
      List.of(LIBRARY, LIBRARY_UNCOMBINED, RAW_UPDATE, RAW_UPDATE_LOG, SELECT_FOR_UPDATE, NAIVE);

  String name();

  /** Reserves every line of the request or none; false if stock was short. */
  boolean reserve(Request request) throws Exception;

  /** Confirms ({@code confirm}) or releases a reservation this approach made. */
  void settle(Request request, boolean confirm) throws Exception;
}
