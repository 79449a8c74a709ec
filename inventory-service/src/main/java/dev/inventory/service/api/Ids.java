package dev.inventory.service.api;

import dev.inventory.catalog.ItemQuery;
import dev.inventory.service.problem.ServiceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The ids the service gives carts and orders, which are the library's reservation ids. With an
 * {@code Idempotency-Key} the id is derived from it, so that a repeat whose first answer was never
 * stored (the service stopped in between) reaches the same reservation, and the library replays it
 * instead of selling twice. Without one, a random id.
 */
final class Ids {
  /** SKU, hub and buyer ids: what the service accepts (the library takes more). */
  static final String NAME = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

  /** The message of a {@link #NAME} mismatch. */
  static final String NAME_MESSAGE =
      "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

  static final String CART = "cart_";
  static final String ORDER = "ord_";

  /** The order system's orders in checkInventory: its own ids, in a namespace of their own. */
  static final String CHECK = "oms_";

  private static final Pattern NAME_PATTERN = Pattern.compile(NAME);

  private Ids() {}

  /**
   * A page read by the library, whose only argument left to refuse is the cursor (the query was
   * checked when it was made): a cursor made for other filters, another buyer, or made up.
   *
   * @param read the library's listing call
   * @return its page
   */
  static <T> T page(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw ServiceException.invalid("cursor", e.getMessage());
    }
  }

  /**
   * The codes of a list filter, sent as a repeated query parameter ({@code skuIds=A&skuIds=B}), a
   * comma list ({@code skuIds=A,B}) or both.
   *
   * @param field the parameter, for the validation problem
   * @param values the parameter's values as bound, or null if absent
   * @return the codes, sorted, or null if none were sent (no filter)
   * @throws ServiceException validation-failed naming the field if a code is not a {@link #NAME} or
   *     there are more than {@link ItemQuery#MAX_CODES}
   */
  static @Nullable Set<String> codes(String field, @Nullable List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    Set<String> codes = new TreeSet<>();
    for (String value : values) {
      for (String code : value.split(",", -1)) {
        if (!NAME_PATTERN.matcher(code).matches()) {
          throw ServiceException.invalid(field, NAME_MESSAGE + ", but was '" + code + "'");
        }
        codes.add(code);
      }
    }
    if (codes.size() > ItemQuery.MAX_CODES) {
      throw ServiceException.invalid(
          field, "must have at most " + ItemQuery.MAX_CODES + " codes, but had " + codes.size());
    }
    return codes;
  }

  static String forRequest(String prefix, @Nullable String idempotencyKey) {
    if (idempotencyKey == null) {
      return prefix + UUID.randomUUID().toString().replace("-", "");
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((prefix + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
      return prefix + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
