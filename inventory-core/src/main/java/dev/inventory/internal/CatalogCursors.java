package dev.inventory.internal;

import dev.inventory.catalog.ItemQuery;
import dev.inventory.catalog.LocationQuery;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The cursors of the catalog's listings, the same in every implementation: an opaque token naming
 * the last code of the page before, and a fingerprint of the filters it was made for, so that a
 * cursor used with other filters (or made by something else) is refused instead of silently listing
 * the wrong entries. The page size is not part of it: a caller may change it between pages. Not
 * API.
 */
public final class CatalogCursors {
  private static final String PREFIX = "catalog:";

  private CatalogCursors() {}

  /** The cursor of the page after the one that ended with {@code lastSku}. */
  public static String next(ItemQuery query, String lastSku) {
    return encode("item", fingerprint(query), lastSku);
  }

  /** The cursor of the page after the one that ended with {@code lastCode}. */
  public static String next(LocationQuery query, String lastCode) {
    return encode("location", fingerprint(query), lastCode);
  }

  /**
   * The SKU code a cursor of this query names (the page starts after it), or null for the first
   * page.
   *
   * @throws IllegalArgumentException if the cursor is not one made for this query's filters
   */
  public static @Nullable String after(ItemQuery query, @Nullable String cursor) {
    return decode("item", fingerprint(query), cursor);
  }

  /**
   * The location code a cursor of this query names, or null for the first page.
   *
   * @throws IllegalArgumentException if the cursor is not one made for this query's filters
   */
  public static @Nullable String after(LocationQuery query, @Nullable String cursor) {
    return decode("location", fingerprint(query), cursor);
  }

  private static String encode(String scope, String fingerprint, String last) {
    String text = PREFIX + scope + ":" + fingerprint + ":" + last;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static @Nullable String decode(
      String scope, String fingerprint, @Nullable String cursor) {
    if (cursor == null) {
      return null;
    }
    String expected = PREFIX + scope + ":" + fingerprint + ":";
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(expected) && text.length() > expected.length()) {
        return text.substring(expected.length());
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "cursor must be the nextCursor of a "
            + scope
            + " page with the same filters, but was '"
            + cursor
            + "'");
  }

  private static String fingerprint(ItemQuery q) {
    return hash(
        "tenant="
            + q.tenant()
            + "\nseller="
            + q.seller()
            + "\nskus="
            + q.skus()
            + "\nactive="
            + q.active());
  }

  private static String fingerprint(LocationQuery q) {
    return hash("codes=" + q.codes() + "\nactive=" + q.active());
  }

  private static String hash(String filters) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(filters.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
