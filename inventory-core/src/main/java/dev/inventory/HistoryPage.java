package dev.inventory;

import java.util.List;

/**
 * One page of a key's log, newest first (see {@link StockLedger#history}).
 *
 * @param entries up to the page size of entries, newest (largest id) first
 * @param nextCursor the cursor of the next (older) page, or {@code null} if this page is the last
 */
public record HistoryPage(List<LogEntry> entries, String nextCursor) {
  public HistoryPage {
    entries = List.copyOf(entries);
    if (nextCursor != null && nextCursor.isBlank()) {
      throw new IllegalArgumentException("nextCursor must be null or not blank");
    }
  }

  /** Whether older entries follow: pass {@link #nextCursor()} to get them. */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
