package dev.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inventory.AuditReport.Discrepancy;
import dev.inventory.AuditReport.OverdueHold;
import dev.inventory.AuditReport.Problem;
import dev.inventory.BulkResult.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The values of the stock ledger")
class StockLedgerValuesTest {
  private static final StockKey A = StockKey.of("A");
  private static final StockKey B = StockKey.of("B", "hub-7");
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

  private static Refusal refusal(StockKey key) {
    return new Refusal(key, Refusal.Reason.BELOW_RESERVED, 2, 10, 5);
  }

  @Nested
  @DisplayName("BulkEntry")
  class BulkEntries {
    @Test
    @DisplayName("takes 0 up to the largest on-hand")
    void bounds() {
      assertThat(BulkEntry.of("A", 0).quantity()).isZero();
      assertThat(BulkEntry.of(A, 1_000_000_000_000_000_000L).key()).isEqualTo(A);
    }

    @Test
    @DisplayName("refuses a negative or too large figure, naming the value")
    void refusesOutOfBounds() {
      assertThatThrownBy(() -> BulkEntry.of(A, -3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("quantity must be between 0 and 1000000000000000000, but was -3");
      assertThatThrownBy(() -> BulkEntry.of(A, Long.MAX_VALUE))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("refuses a null key")
    void refusesNullKey() {
      assertThatThrownBy(() -> new BulkEntry(null, 1))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("key");
    }
  }

  @Nested
  @DisplayName("BulkResult")
  class BulkResults {
    @Test
    @DisplayName("an atomic result is all applied, or none applied with refusals")
    void atomicIsAllOrNothing() {
      assertThat(new BulkResult(BulkMode.ATOMIC, 3, 3, List.of()).isComplete()).isTrue();
      BulkResult refused = new BulkResult(BulkMode.ATOMIC, 3, 0, List.of(refusal(A)));
      assertThat(refused.isComplete()).isFalse();
      assertThatThrownBy(() -> new BulkResult(BulkMode.ATOMIC, 3, 2, List.of(refusal(A))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ATOMIC");
      assertThatThrownBy(() -> new BulkResult(BulkMode.ATOMIC, 3, 2, List.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a partial result accounts for every entry: applied plus refused")
    void partialAddsUp() {
      assertThat(new BulkResult(BulkMode.PARTIAL, 3, 2, List.of(refusal(A))).applied())
          .isEqualTo(2);
      assertThatThrownBy(() -> new BulkResult(BulkMode.PARTIAL, 3, 1, List.of(refusal(A))))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("counts must be in range and the mode present")
    void countsInRange() {
      assertThatThrownBy(() -> new BulkResult(BulkMode.PARTIAL, 1, 2, List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("applied=2");
      assertThatThrownBy(() -> new BulkResult(null, 0, 0, List.of()))
          .isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("the refused list is a copy")
    void refusedIsCopied() {
      List<Refusal> refused = new ArrayList<>(List.of(refusal(A)));
      BulkResult result = new BulkResult(BulkMode.PARTIAL, 1, 0, refused);
      refused.clear();
      assertThat(result.refused()).hasSize(1);
      assertThatThrownBy(() -> result.refused().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("a refusal says the key, the figure and what is reserved")
    void refusalText() {
      assertThat(refusal(B))
          .hasToString("B@hub-7: on-hand 2 is below the 5 units reserved (on-hand now 10)");
    }
  }

  @Nested
  @DisplayName("HistoryPage")
  class HistoryPages {
    private final LogEntry entry =
        new LogEntry(7, AT, A, LogEntry.Kind.RECEIVE, 3, 0, 3, 0, null, null);

    @Test
    @DisplayName("has a next page exactly when it carries a cursor")
    void hasNext() {
      assertThat(new HistoryPage(List.of(entry), "abc").hasNext()).isTrue();
      assertThat(new HistoryPage(List.of(entry), null).hasNext()).isFalse();
    }

    @Test
    @DisplayName("refuses a blank cursor and copies its entries")
    void blankCursorAndCopy() {
      assertThatThrownBy(() -> new HistoryPage(List.of(), " "))
          .isInstanceOf(IllegalArgumentException.class);
      List<LogEntry> entries = new ArrayList<>(List.of(entry));
      HistoryPage page = new HistoryPage(entries, null);
      entries.clear();
      assertThat(page.entries()).containsExactly(entry);
    }
  }

  @Nested
  @DisplayName("AuditReport")
  class AuditReports {
    private Discrepancy discrepancy(StockKey key, Set<Problem> problems) {
      return new Discrepancy(key, problems, 15, 0, 10, 0, 10, 0, 0, 2);
    }

    @Test
    @DisplayName("is clean without discrepancies, even with overdue holds")
    void cleanWithOverdueHolds() {
      OverdueHold hold = new OverdueHold("cart-1", AT, List.of(new Line(A, 2)));
      AuditReport report = new AuditReport(AT, 2, 9, List.of(), List.of(hold), 1);

      assertThat(report.isClean()).isTrue();
      assertThat(report.describe())
          .contains("2 keys", "9 log entries", "the books balance", "1 holds past their expiry")
          .contains("cart-1 expired at 2026-03-01T10:00:00Z");
    }

    @Test
    @DisplayName("is not clean with a discrepancy, and describes it with its figures")
    void notCleanWithADiscrepancy() {
      Discrepancy d =
          discrepancy(A, EnumSet.of(Problem.LAST_ENTRY_DIFFERS, Problem.ON_HAND_DIFFERS_FROM_LOG));
      AuditReport report = new AuditReport(AT, 1, 2, List.of(d), List.of(), 0);

      assertThat(report.isClean()).isFalse();
      assertThat(report.describe())
          .contains("1 discrepancies")
          .contains(
              "A@default ON_HAND_DIFFERS_FROM_LOG, LAST_ENTRY_DIFFERS: stock on-hand 15"
                  + " reserved 0; log replays to on-hand 10");
    }

    @Test
    @DisplayName("says how many overdue holds it did not list")
    void unlistedOverdueHolds() {
      OverdueHold hold = new OverdueHold("cart-1", AT, List.of(new Line(A, 2)));
      assertThat(new AuditReport(AT, 1, 1, List.of(), List.of(hold), 1500).describe())
          .contains("1500 holds past their expiry", "... and 1499 more");
    }

    @Test
    @DisplayName("refuses counts that contradict its lists")
    void consistentCounts() {
      OverdueHold hold = new OverdueHold("cart-1", AT, List.of());
      assertThatThrownBy(() -> new AuditReport(AT, 1, 1, List.of(), List.of(hold), 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new AuditReport(AT, -1, 0, List.of(), List.of(), 0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a discrepancy needs a problem, and keeps its problems in their declared order")
    void discrepancyProblems() {
      assertThatThrownBy(() -> discrepancy(A, EnumSet.noneOf(Problem.class)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("A@default");
      Discrepancy d =
          discrepancy(A, Set.of(Problem.RESERVED_DIFFERS_FROM_HOLDS, Problem.MISSING_STOCK_ROW));
      assertThat(d.problems())
          .containsExactly(Problem.MISSING_STOCK_ROW, Problem.RESERVED_DIFFERS_FROM_HOLDS);
      assertThatThrownBy(() -> d.problems().clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
