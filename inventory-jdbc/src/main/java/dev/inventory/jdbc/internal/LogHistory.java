package dev.inventory.jdbc.internal;

import dev.inventory.HistoryPage;
import dev.inventory.LogEntry;
import dev.inventory.StockKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A key's log, page by page, newest first: keyset paging on the log's id, the cursor an opaque
 * token that names the last id of the page before. Thread-safe: it holds only statements.
 */
final class LogHistory {
  private static final String CURSOR_PREFIX = "log:";

  private final LedgerSql ledger;

  LogHistory(LedgerSql ledger) {
    this.ledger = ledger;
  }

  /**
   * A page of the key's entries with {@code from <= at < to}; the other arguments already checked.
   * A cursor this ledger did not make is refused before anything is read.
   */
  HistoryPage page(
      Session session, StockKey key, Instant from, Instant to, int pageSize, String cursor) {
    long before = cursor == null ? Long.MAX_VALUE : decodeCursor(cursor);
    // One more than the page: tells whether a next page exists without a query.
    List<LogEntry> rows = session.read(ledger.history(key, from, to, before, pageSize + 1));
    if (rows.size() <= pageSize) {
      return new HistoryPage(rows, null);
    }
    List<LogEntry> page = rows.subList(0, pageSize);
    return new HistoryPage(page, encodeCursor(page.get(pageSize - 1).id()));
  }

  private static String encodeCursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + id).getBytes(StandardCharsets.UTF_8));
  }

  /** The id a cursor names; throws if it is not a cursor this ledger made. */
  private static long decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(CURSOR_PREFIX)) {
        long id = Long.parseLong(text.substring(CURSOR_PREFIX.length()));
        if (id > 0) {
          return id;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "cursor must be the nextCursor of a history page, but was '" + cursor + "'");
  }
}
