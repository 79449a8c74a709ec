package dev.inventory.jdbc.faults;

import dev.inventory.Line;
import dev.inventory.Reservation.Status;
import dev.inventory.StockKey;
import dev.inventory.jdbc.faults.History.Kind;
import dev.inventory.jdbc.faults.History.Op;
import dev.inventory.jdbc.faults.History.Origin;
import dev.inventory.jdbc.faults.History.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Proves from the database and the {@link History} that the library kept its promises: nothing
 * oversold (after every log row, not only at the end), nothing acknowledged lost, the log replays
 * to the table, every ambiguous operation resolved when re-sent, every retried or duplicated
 * operation applied once.
 *
 * <p>It trusts nothing the library computed: levels are rebuilt from the log's deltas, and every
 * reservation's own log rows must add up to what its status says it holds.
 */
final class HistoryChecker {
  /** The most problems a verdict lists by name; the figures count them all. */
  private static final int MAX_LISTED = 25;

  /** What the faults did, for the summary line. */
  record Faults(int kills, int killsInCommit, int restarts, int failovers) {}

  /** The checker's findings. {@link #summary()} is the one line the issue asks for. */
  record Verdict(
      int ops,
      int acknowledged,
      int ambiguous,
      Faults faults,
      int oversold,
      int lost,
      boolean replayOk,
      int unresolved,
      int duplicatesApplied,
      int phantoms,
      List<String> problems) {
    boolean passed() {
      return oversold == 0
          && lost == 0
          && replayOk
          && unresolved == 0
          && duplicatesApplied == 0
          && phantoms == 0;
    }

    String summary() {
      return "history: ops="
          + ops
          + " acknowledged="
          + acknowledged
          + " kills="
          + faults.kills()
          + " restarts="
          + faults.restarts()
          + " failovers="
          + faults.failovers()
          + " oversold="
          + oversold
          + " lost="
          + lost
          + " replay="
          + (replayOk ? "ok" : "FAIL")
          + " unresolved="
          + unresolved
          + " duplicates_applied="
          + duplicatesApplied;
    }

    /** The findings in full: a detail line, the problems, then the summary line last. */
    String report() {
      StringBuilder text =
          new StringBuilder()
              .append("history detail: ambiguous=")
              .append(ambiguous)
              .append(" kills_in_commit=")
              .append(faults.killsInCommit())
              .append(" phantoms=")
              .append(phantoms)
              .append(" verdict=")
              .append(passed() ? "PASS" : "FAIL")
              .append('\n');
      problems.forEach(p -> text.append("  problem: ").append(p).append('\n'));
      return text.append(summary()).toString();
    }
  }

  private record LogRow(
      long id,
      Instant at,
      StockKey key,
      String kind,
      long onHandDelta,
      long reservedDelta,
      long onHandAfter,
      long reservedAfter,
      String reservationId) {}

  private record Stored(Status status, Map<StockKey, Long> lines) {}

  private final String schema;
  private final List<String> problems = new ArrayList<>();
  private int problemCount;

  private HistoryChecker(String schema) {
    this.schema = schema;
  }

  /** Reads the schema as it is now (the clients have stopped) and judges the history. */
  static Verdict check(Connection admin, String schema, History history, Faults faults)
      throws SQLException {
    return new HistoryChecker(schema).judge(admin, history.ops(), faults);
  }

  private Verdict judge(Connection c, List<Op> ops, Faults faults) throws SQLException {
    Map<StockKey, long[]> stock = readStock(c);
    Map<String, Stored> reservations = readReservations(c);
    List<LogRow> log = readLog(c);

    int oversold = oversold(stock, log);
    boolean replayOk = replays(stock, log, reservations);
    int duplicates = duplicatesApplied(log);
    int lost = lost(ops, reservations, log);
    int phantoms = phantoms(ops, reservations, log);
    int unresolved = unresolved(ops);
    int acknowledged = (int) ops.stream().filter(o -> o.outcome() == Outcome.ACK).count();
    int ambiguous = (int) ops.stream().filter(o -> o.outcome() == Outcome.AMBIGUOUS).count();
    if (problemCount > problems.size()) {
      problems.add("... and " + (problemCount - problems.size()) + " more");
    }
    return new Verdict(
        ops.size(),
        acknowledged,
        ambiguous,
        faults,
        oversold,
        lost,
        replayOk,
        unresolved,
        duplicates,
        phantoms,
        List.copyOf(problems));
  }

  private void problem(String text) {
    problemCount++;
    if (problems.size() < MAX_LISTED) {
      problems.add(text);
    }
  }

  // ---------------------------------------------------------------- oversold

  /**
   * Rows where stock is oversold: a stock_level row with reserved > on_hand (or a negative figure),
   * and every log row after which the key was oversold, both as the row states it (on_hand_after,
   * reserved_after) and as the deltas so far add up to.
   */
  private int oversold(Map<StockKey, long[]> stock, List<LogRow> log) {
    int count = 0;
    for (Map.Entry<StockKey, long[]> e : stock.entrySet()) {
      long onHand = e.getValue()[0];
      long reserved = e.getValue()[1];
      if (!sound(onHand, reserved)) {
        count++;
        problem("stock_level " + e.getKey() + " on_hand=" + onHand + " reserved=" + reserved);
      }
    }
    Map<StockKey, long[]> running = new HashMap<>();
    for (LogRow row : log) {
      long[] level = running.computeIfAbsent(row.key(), k -> new long[2]);
      level[0] += row.onHandDelta();
      level[1] += row.reservedDelta();
      if (!sound(row.onHandAfter(), row.reservedAfter()) || !sound(level[0], level[1])) {
        count++;
        problem(
            "oversold after log row "
                + row.id()
                + " ("
                + row.kind()
                + " "
                + row.key()
                + "): states "
                + row.onHandAfter()
                + "/"
                + row.reservedAfter()
                + ", deltas add up to "
                + level[0]
                + "/"
                + level[1]);
      }
    }
    return count;
  }

  private static boolean sound(long onHand, long reserved) {
    return reserved >= 0 && onHand >= reserved;
  }

  // ---------------------------------------------------------------- replay

  /**
   * The log replays to the table: per key, each row's after-figures are the previous ones plus its
   * deltas, and the last ones are stock_level's; reserved is what the held reservations hold; and
   * each reservation's own rows net out to what its status says.
   */
  private boolean replays(
      Map<StockKey, long[]> stock, List<LogRow> log, Map<String, Stored> reservations) {
    boolean ok = true;
    Map<StockKey, long[]> running = new TreeMap<>();
    for (LogRow row : log) {
      long[] level = running.computeIfAbsent(row.key(), k -> new long[2]);
      level[0] += row.onHandDelta();
      level[1] += row.reservedDelta();
      if (level[0] != row.onHandAfter() || level[1] != row.reservedAfter()) {
        ok = false;
        problem(
            "log row "
                + row.id()
                + " ("
                + row.kind()
                + " "
                + row.key()
                + " "
                + row.reservationId()
                + ") states "
                + row.onHandAfter()
                + "/"
                + row.reservedAfter()
                + " but the rows before it add up to "
                + level[0]
                + "/"
                + level[1]);
        // Go on from what the row states, so one broken link is reported once.
        level[0] = row.onHandAfter();
        level[1] = row.reservedAfter();
      }
    }
    Set<StockKey> keys = new TreeSet<>(stock.keySet());
    keys.addAll(running.keySet());
    Map<StockKey, Long> held = new HashMap<>();
    reservations.values().stream()
        .filter(r -> r.status() == Status.HELD)
        .forEach(r -> r.lines().forEach((k, q) -> held.merge(k, q, Long::sum)));
    for (StockKey key : keys) {
      long[] table = stock.getOrDefault(key, new long[2]);
      long[] replayed = running.getOrDefault(key, new long[2]);
      if (table[0] != replayed[0] || table[1] != replayed[1]) {
        ok = false;
        problem(
            "stock_level "
                + key
                + " is "
                + table[0]
                + "/"
                + table[1]
                + " but its log replays to "
                + replayed[0]
                + "/"
                + replayed[1]);
      }
      long heldOnKey = held.getOrDefault(key, 0L);
      if (table[1] != heldOnKey) {
        ok = false;
        problem(
            "stock_level "
                + key
                + " reserved="
                + table[1]
                + " but held lines add up to "
                + heldOnKey);
      }
    }

    Map<String, Map<StockKey, long[]>> netByReservation = new HashMap<>();
    for (LogRow row : log) {
      if (row.reservationId() == null) {
        continue;
      }
      long[] net =
          netByReservation
              .computeIfAbsent(row.reservationId(), id -> new TreeMap<>())
              .computeIfAbsent(row.key(), k -> new long[2]);
      net[0] += row.onHandDelta();
      net[1] += row.reservedDelta();
    }
    for (Map.Entry<String, Map<StockKey, long[]>> e : netByReservation.entrySet()) {
      Stored r = reservations.get(e.getKey());
      if (r == null) {
        ok = false;
        problem("log rows of reservation " + e.getKey() + ", which does not exist");
        continue;
      }
      Set<StockKey> all = new TreeSet<>(e.getValue().keySet());
      all.addAll(r.lines().keySet());
      for (StockKey key : all) {
        long quantity = r.lines().getOrDefault(key, 0L);
        long[] net = e.getValue().getOrDefault(key, new long[2]);
        long wantOnHand = r.status() == Status.CONFIRMED ? -quantity : 0;
        long wantReserved = r.status() == Status.HELD ? quantity : 0;
        if (net[0] != wantOnHand || net[1] != wantReserved) {
          ok = false;
          problem(
              "reservation "
                  + e.getKey()
                  + " is "
                  + r.status()
                  + " with "
                  + quantity
                  + " of "
                  + key
                  + " but its log rows net "
                  + net[0]
                  + "/"
                  + net[1]);
        }
      }
    }
    for (Map.Entry<String, Stored> e : reservations.entrySet()) {
      if (!netByReservation.containsKey(e.getKey())) {
        ok = false;
        problem("reservation " + e.getKey() + " (" + e.getValue().status() + ") has no log rows");
      }
    }
    return ok;
  }

  // ---------------------------------------------------------------- duplicates

  /**
   * Reservations whose log shows an operation applied more than once: two RESERVE (or CONFIRM,
   * RELEASE, EXPIRE) rows on one key, or more than one way out of HELD.
   */
  private int duplicatesApplied(List<LogRow> log) {
    Map<String, Map<String, Integer>> rowsById = new HashMap<>();
    for (LogRow row : log) {
      if (row.reservationId() != null && !"AMEND".equals(row.kind())) {
        rowsById
            .computeIfAbsent(row.reservationId(), id -> new HashMap<>())
            .merge(row.kind() + " " + row.key(), 1, Integer::sum);
      }
    }
    int count = 0;
    for (Map.Entry<String, Map<String, Integer>> e : rowsById.entrySet()) {
      Set<String> exits = new HashSet<>();
      boolean twice = false;
      for (Map.Entry<String, Integer> kindKey : e.getValue().entrySet()) {
        String kind = kindKey.getKey().substring(0, kindKey.getKey().indexOf(' '));
        twice |= kindKey.getValue() > 1;
        boolean purchase =
            kind.equals("CONFIRM")
                && !e.getValue().keySet().stream().anyMatch(k -> k.startsWith("RESERVE "));
        if (!kind.equals("RESERVE") && !purchase) {
          exits.add(kind);
        }
      }
      if (twice || exits.size() > 1) {
        count++;
        problem("reservation " + e.getKey() + " applied more than once: " + e.getValue());
      }
    }
    return count;
  }

  // ---------------------------------------------------------------- lost and phantoms

  /**
   * Acknowledged work that is not in the database: a reserve or purchase whose reservation is
   * missing or has other lines (or, for a purchase, is not CONFIRMED), a confirm not CONFIRMED, a
   * release not RELEASED, a receive without its log row.
   */
  private int lost(List<Op> ops, Map<String, Stored> reservations, List<LogRow> log) {
    int count = 0;
    Set<String> checked = new HashSet<>();
    for (Op op : ops) {
      if (op.outcome() != Outcome.ACK || !op.hasId()) {
        continue;
      }
      if (!checked.add(op.kind() + " " + op.id())) {
        continue; // duplicates and re-sends of one operation are one promise
      }
      Stored r = reservations.get(op.id());
      String why = null;
      switch (op.kind()) {
        case RESERVE, PURCHASE -> {
          if (r == null) {
            why = "missing";
          } else if (!r.lines().equals(byKey(op.lines()))) {
            why = "has lines " + r.lines() + " instead of " + byKey(op.lines());
          } else if (op.kind() == Kind.PURCHASE && r.status() != Status.CONFIRMED) {
            why = "is " + r.status() + ", not CONFIRMED";
          }
        }
        case CONFIRM -> {
          if (r == null || r.status() != Status.CONFIRMED) {
            why = r == null ? "missing" : "is " + r.status() + ", not CONFIRMED";
          }
        }
        case RELEASE -> {
          if (r == null || r.status() != Status.RELEASED) {
            why = r == null ? "missing" : "is " + r.status() + ", not RELEASED";
          }
        }
        default -> {}
      }
      if (why != null) {
        count++;
        problem("acknowledged " + op.kind() + " of " + op.id() + " (op " + op.seq() + "): " + why);
      }
    }
    Map<StockKey, Integer> ackedReceives = new HashMap<>();
    ops.stream()
        .filter(o -> o.kind() == Kind.RECEIVE && o.outcome() == Outcome.ACK)
        .forEach(o -> ackedReceives.merge(o.lines().get(0).key(), 1, Integer::sum));
    Map<StockKey, Integer> receiveRows = new HashMap<>();
    log.stream()
        .filter(r -> r.kind().equals("RECEIVE"))
        .forEach(r -> receiveRows.merge(r.key(), 1, Integer::sum));
    for (Map.Entry<StockKey, Integer> e : ackedReceives.entrySet()) {
      int rows = receiveRows.getOrDefault(e.getKey(), 0);
      if (rows < e.getValue()) {
        count += e.getValue() - rows;
        problem(
            e.getValue() + " acknowledged receives of " + e.getKey() + " but " + rows + " rows");
      }
    }
    return count;
  }

  /**
   * Work the clients were told did not happen, which did: a reserve or purchase refused with no
   * other outcome for its id, whose reservation exists; a call told "nothing was changed" whose
   * change is in the log; receives beyond acknowledged + ambiguous.
   */
  private int phantoms(List<Op> ops, Map<String, Stored> reservations, List<LogRow> log) {
    Map<String, EnumMap<Outcome, Integer>> outcomes = new LinkedHashMap<>();
    for (Op op : ops) {
      if (op.hasId() && (op.kind() == Kind.RESERVE || op.kind() == Kind.PURCHASE)) {
        outcomes
            .computeIfAbsent(op.id(), id -> new EnumMap<>(Outcome.class))
            .merge(op.outcome(), 1, Integer::sum);
      }
    }
    int count = 0;
    for (Map.Entry<String, EnumMap<Outcome, Integer>> e : outcomes.entrySet()) {
      if (e.getValue().keySet().equals(Set.of(Outcome.REFUSED))
          && reservations.containsKey(e.getKey())) {
        count++;
        problem("refused reservation " + e.getKey() + " exists");
      }
    }
    count += toldNothingChanged(ops, log);
    Map<StockKey, Integer> possible = new HashMap<>();
    ops.stream()
        .filter(o -> o.kind() == Kind.RECEIVE && o.outcome() != Outcome.REFUSED)
        .forEach(o -> possible.merge(o.lines().get(0).key(), 1, Integer::sum));
    Map<StockKey, Integer> rows = new HashMap<>();
    log.stream()
        .filter(r -> r.kind().equals("RECEIVE"))
        .forEach(r -> rows.merge(r.key(), 1, Integer::sum));
    for (Map.Entry<StockKey, Integer> e : rows.entrySet()) {
      int allowed = possible.getOrDefault(e.getKey(), 0);
      if (e.getValue() > allowed) {
        count += e.getValue() - allowed;
        problem(e.getValue() + " receive rows of " + e.getKey() + ", at most " + allowed + " sent");
      }
    }
    return count;
  }

  /**
   * Operations the library said changed nothing ("nothing was changed": it failed before sending,
   * or before the commit) that did change something: a log row of theirs (their kind, their id)
   * stamped within their own call. Only the workload's own calls: each has an id no other call uses
   * at the same time.
   */
  private int toldNothingChanged(List<Op> ops, List<LogRow> log) {
    Map<String, List<LogRow>> rowsById = new HashMap<>();
    for (LogRow row : log) {
      if (row.reservationId() != null) {
        rowsById.computeIfAbsent(row.reservationId(), id -> new ArrayList<>()).add(row);
      }
    }
    int count = 0;
    for (Op op : ops) {
      if (op.origin() != Origin.CLIENT
          || !op.hasId()
          || op.detail() == null
          || !op.detail().contains("nothing was changed")) {
        continue;
      }
      String kind =
          switch (op.kind()) {
            case RESERVE -> "RESERVE";
            case PURCHASE, CONFIRM -> "CONFIRM";
            case RELEASE -> "RELEASE";
            default -> null;
          };
      Instant from = op.startedAt().truncatedTo(ChronoUnit.MICROS);
      Instant to = op.endedAt().plusNanos(1_000);
      for (LogRow row : rowsById.getOrDefault(op.id(), List.of())) {
        if (row.kind().equals(kind) && !row.at().isBefore(from) && !row.at().isAfter(to)) {
          count++;
          problem(
              op.kind()
                  + " of "
                  + op.id()
                  + " (op "
                  + op.seq()
                  + ") was told '"
                  + op.detail()
                  + "' but its log row "
                  + row.id()
                  + " is from that call");
          break;
        }
      }
    }
    return count;
  }

  // ---------------------------------------------------------------- unresolved

  /**
   * Ambiguous reservation operations (by kind and id) that were not re-sent after the faults, or
   * whose re-send was ambiguous again.
   */
  private int unresolved(List<Op> ops) {
    Set<String> ambiguous = new TreeSet<>();
    Map<String, Outcome> resent = new HashMap<>();
    for (Op op : ops) {
      if (!op.hasId()) {
        continue;
      }
      String what = op.kind() + " " + op.id();
      if (op.origin() == Origin.RESEND) {
        resent.put(what, op.outcome());
      } else if (op.outcome() == Outcome.AMBIGUOUS) {
        ambiguous.add(what);
      }
    }
    int count = 0;
    for (String what : ambiguous) {
      Outcome after = resent.get(what);
      if (after == null || after == Outcome.AMBIGUOUS) {
        count++;
        problem(
            "ambiguous " + what + (after == null ? " was never re-sent" : " is still ambiguous"));
      }
    }
    return count;
  }

  // ---------------------------------------------------------------- reading the schema

  private Map<StockKey, long[]> readStock(Connection c) throws SQLException {
    Map<StockKey, long[]> stock = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT sku, location, on_hand, reserved FROM " + schema + ".stock_level")) {
      while (rs.next()) {
        stock.put(key(rs), new long[] {rs.getLong("on_hand"), rs.getLong("reserved")});
      }
    }
    return stock;
  }

  private Map<String, Stored> readReservations(Connection c) throws SQLException {
    Map<String, Status> status = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, status FROM " + schema + ".reservation")) {
      while (rs.next()) {
        status.put(rs.getString("id"), Status.valueOf(rs.getString("status")));
      }
    }
    Map<String, Map<StockKey, Long>> lines = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT reservation_id, sku, location, quantity FROM "
                    + schema
                    + ".reservation_line")) {
      while (rs.next()) {
        lines
            .computeIfAbsent(rs.getString("reservation_id"), id -> new TreeMap<>())
            .put(key(rs), rs.getLong("quantity"));
      }
    }
    Map<String, Stored> all = new HashMap<>();
    status.forEach((id, st) -> all.put(id, new Stored(st, lines.getOrDefault(id, Map.of()))));
    return all;
  }

  private List<LogRow> readLog(Connection c) throws SQLException {
    List<LogRow> log = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT id, at, sku, location, kind, on_hand_delta, reserved_delta, on_hand_after,"
                    + " reserved_after, reservation_id FROM "
                    + schema
                    + ".inventory_log ORDER BY id")) {
      while (rs.next()) {
        log.add(
            new LogRow(
                rs.getLong("id"),
                rs.getObject("at", OffsetDateTime.class).toInstant(),
                key(rs),
                rs.getString("kind"),
                rs.getLong("on_hand_delta"),
                rs.getLong("reserved_delta"),
                rs.getLong("on_hand_after"),
                rs.getLong("reserved_after"),
                rs.getString("reservation_id")));
      }
    }
    return log;
  }

  private static StockKey key(ResultSet rs) throws SQLException {
    return new StockKey(rs.getString("sku"), rs.getString("location"));
  }

  private static Map<StockKey, Long> byKey(List<Line> lines) {
    Map<StockKey, Long> map = new TreeMap<>();
    lines.forEach(l -> map.merge(l.key(), l.quantity(), Long::sum));
    return map;
  }
}
