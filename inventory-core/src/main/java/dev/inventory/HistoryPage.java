package dev.inventory;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a key's log, newest first (see {@link StockLedger#history}).
 *
 * @param entries up to the page size of entries, newest (largest id) first
 * @param nextCursor the cursor of the next (older) page, or {@code null} if this page is the last
 * @since 0.1.0
 */
public record HistoryPage(List<LogEntry> entries, @Nullable String nextCursor) {
  /**
   * Checks the cursor and copies the entries; pages are made by {@link StockLedger}
   * implementations.
   *
   * @param entries up to the page size of entries, newest (largest id) first
   * @param nextCursor the cursor of the next (older) page, or {@code null} if this page is the last
   * @throws NullPointerException if {@code entries} or an entry is null
   * @throws IllegalArgumentException if {@code nextCursor} is blank
   */
  public HistoryPage {
    entries = List.copyOf(entries);
    if (nextCursor != null && nextCursor.isBlank()) {
      throw new IllegalArgumentException("nextCursor must be null or not blank");
    }
  }

  /**
   * Whether older entries follow: pass {@link #nextCursor()} to {@link StockLedger#history} to get
   * them.
   *
   * @return {@code true} if {@link #nextCursor()} is not null
   */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
