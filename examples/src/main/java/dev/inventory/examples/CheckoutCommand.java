package dev.inventory.examples;

import dev.inventory.ExpirySweeper;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventory;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code checkout}: a narrated walk through three carts, with the stock and the log after each
 * step.
 */
@Command(
    name = "checkout",
    header =
        "A narrated walk through three carts: reserve, amend, extend, confirm, expire, release.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "A narrated walk through three carts in one shop: a cart reserved with a hold time,"
          + " amended, extended and paid; a cart abandoned and expired by the background"
          + " ExpirySweeper; a cart released on cancel. After each step it prints the stock levels"
          + " and the new entries of the inventory log.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the walk-through ended with the expected stock",
      "1:an error (database unreachable, ...)",
      "2:bad options",
      "3:the stock or the log came out wrong (a bug: please report it)"
    })
final class CheckoutCommand implements Callable<Integer> {
  static final StockKey LAMP = StockKey.of("LAMP-OAK");
  static final StockKey BULB = StockKey.of("BULB-E27");
  static final StockKey SHADE = StockKey.of("SHADE-LINEN");
  static final List<StockKey> KEYS = List.of(BULB, LAMP, SHADE);

  /** The stock the walk-through must end with: on hand, reserved. */
  static final Map<StockKey, long[]> EXPECTED_END =
      Map.of(LAMP, new long[] {7, 0}, BULB, new long[] {36, 0}, SHADE, new long[] {4, 0});

  private static final Duration SWEEP_PERIOD = Duration.ofMillis(200);
  private static final long SWEEPER_WAIT_SECONDS = 30;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Mixin DatabaseOptions database;

  private PrintWriter out;
  private Terminal terminal;
  private DemoClock clock;
  private Inventory inventory;
  private DataSource dataSource;
  private String schema;
  private long lastLogId;
  private boolean explainedLog;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    terminal = main.terminal();
    out.println(terminal.bold("Checkout: three carts in one shop, step by step"));
    out.flush();
    try (ExampleDatabase db = database.open(4)) {
      dataSource = db.dataSource();
      schema = DemoSchema.create(dataSource, "checkout").get(0);
      try {
        out.println("Database: " + db.description() + ", schema " + schema);
        return walkThrough();
      } finally {
        database.cleanUp(db, List.of(schema), out);
      }
    }
  }

  private int walkThrough() throws SQLException, InterruptedException {
    clock = new DemoClock(Instant.now().truncatedTo(ChronoUnit.MINUTES));
    inventory = JdbcInventory.builder(dataSource).schema(schema).clock(clock).build();
    out.println(
        "Clock: a demo clock, now "
            + time(clock.instant())
            + ", that the walk-through moves forward instead of waiting.");

    step("The shop receives its stock");
    say("inventory.receive(LAMP-OAK, 8), receive(BULB-E27, 40), receive(SHADE-LINEN, 5)");
    inventory.receive(LAMP, 8, "delivery 4711");
    inventory.receive(BULB, 40, "delivery 4711");
    inventory.receive(SHADE, 5, "delivery 4711");
    show();

    try (ExpirySweeper sweeper = ExpirySweeper.start(inventory, SWEEP_PERIOD, 100)) {
      out.println();
      out.println(
          "The shop starts its ExpirySweeper.start(inventory, 200 ms, 100): a background thread"
              + " that expires holds that ran out.");

      step("1. Alice puts a desk lamp and two bulbs in her cart; the shop holds them 15 minutes");
      Reservation alice =
          call(
              "inventory.reserve(cart-alice: LAMP-OAK x1, BULB-E27 x2, ttl 15 min)",
              () ->
                  inventory.reserve(
                      ReservationRequest.builder("cart-alice")
                          .line(LAMP, 1)
                          .line(BULB, 2)
                          .ttl(Duration.ofMinutes(15))
                          .build()));
      show();

      step("2. Alice changes her mind: four bulbs, and a linen shade for the lamp");
      call(
          "inventory.amend(cart-alice, [LAMP-OAK x1, BULB-E27 x4, SHADE-LINEN x1])",
          () ->
              inventory.amend(
                  alice.id(), List.of(Line.of(LAMP, 1), Line.of(BULB, 4), Line.of(SHADE, 1))));
      out.println("   (amend keeps the expiry: only extend moves it)");
      show();

      step("3. Twelve minutes later Alice reaches the payment page; the shop extends her hold");
      clock.advance(Duration.ofMinutes(12));
      say("the clock moves 12 minutes: " + time(clock.instant()));
      call(
          "inventory.extend(cart-alice, 15 min)",
          () -> inventory.extend(alice.id(), Duration.ofMinutes(15)));
      show();

      step("4. The payment goes through: the sale");
      call("inventory.confirm(cart-alice)", () -> inventory.confirm(alice.id()));
      show();

      step("5. Bob puts two lamps in his cart, then closes the tab");
      Reservation bob =
          call(
              "inventory.reserve(cart-bob: LAMP-OAK x2, ttl 15 min)",
              () ->
                  inventory.reserve(
                      ReservationRequest.builder("cart-bob")
                          .line(LAMP, 2)
                          .ttl(Duration.ofMinutes(15))
                          .build()));
      show();

      step("6. Twenty minutes pass; Bob's hold runs out and the sweeper expires it");
      long expiredBefore = sweeper.expiredCount();
      clock.advance(Duration.ofMinutes(20));
      say("the clock moves 20 minutes: " + time(clock.instant()));
      out.println(
          "   Reads count Bob's lamps as available as soon as his hold is due, written down or"
              + " not:");
      showLevels();
      awaitSweep(sweeper, expiredBefore);
      out.println();
      say(
          "the sweeper expired "
              + (sweeper.expiredCount() - expiredBefore)
              + " hold; inventory.findReservation(cart-bob) -> "
              + describe(inventory.findReservation(bob.id()).orElseThrow()));
      showLog();

      step("7. Carol puts a lamp and a shade in her cart");
      Reservation carol =
          call(
              "inventory.reserve(cart-carol: LAMP-OAK x1, SHADE-LINEN x1, ttl 15 min)",
              () ->
                  inventory.reserve(
                      ReservationRequest.builder("cart-carol")
                          .line(LAMP, 1)
                          .line(SHADE, 1)
                          .ttl(Duration.ofMinutes(15))
                          .build()));
      show();

      step("8. Carol cancels her order: the units go back on the shelf");
      call("inventory.release(cart-carol)", () -> inventory.release(carol.id()));
      show();
    }

    step("At the end");
    Map<StockKey, StockLevel> levels = inventory.levels(KEYS);
    printLevels(levels);
    return check(levels);
  }

  /** Compares the end with what the story says, and the log with the levels. */
  private int check(Map<StockKey, StockLevel> levels) throws SQLException {
    out.println();
    boolean ok = true;
    for (StockKey key : KEYS) {
      long[] expected = EXPECTED_END.get(key);
      StockLevel level = levels.get(key);
      if (level.onHand() != expected[0] || level.reserved() != expected[1]) {
        out.println(
            terminal.red(
                "WRONG: "
                    + key.sku()
                    + " should be "
                    + expected[0]
                    + " on hand, "
                    + expected[1]
                    + " reserved, but is "
                    + level.onHand()
                    + ", "
                    + level.reserved()));
        ok = false;
      }
    }
    Map<StockKey, StockLevel> replayed = replayLog();
    if (!replayed.equals(levels)) {
      out.println(terminal.red("WRONG: the log replays to " + replayed + ", not " + levels));
      ok = false;
    }
    if (!ok) {
      return FlashSaleCommand.OVERSOLD;
    }
    out.println(
        "Sold: 1 lamp, 4 bulbs, 1 shade (Alice). Bob's and Carol's units are back on the shelf.");
    out.println(
        "Summing on_hand_delta and reserved_delta of the log per SKU gives exactly these levels:"
            + " the log is the audit trail, and the database refuses to change it.");
    out.flush();
    return 0;
  }

  // ------------------------------------------------------------------ narration

  private void step(String title) {
    out.println();
    out.println(terminal.bold(title));
  }

  private void say(String text) {
    out.println("   > " + text);
  }

  private interface Action {
    Reservation run();
  }

  private Reservation call(String what, Action action) {
    say(what);
    Reservation reservation = action.run();
    out.println("   < " + describe(reservation));
    return reservation;
  }

  private static String describe(Reservation r) {
    String lines =
        r.lines().stream()
            .map(l -> l.key().sku() + " x" + l.quantity())
            .collect(Collectors.joining(", "));
    return r.id()
        + " "
        + r.status()
        + (r.isHeld() ? " until " + time(r.expiresAt()) : "")
        + " ["
        + lines
        + "]";
  }

  private void show() throws SQLException {
    showLevels();
    showLog();
  }

  private void showLevels() {
    printLevels(inventory.levels(KEYS));
  }

  private void printLevels(Map<StockKey, StockLevel> levels) {
    out.println();
    TextTable table = new TextTable("stock", "on hand", "reserved", "available");
    for (StockLevel level : levels.values()) {
      table.row(level.key().sku(), level.onHand(), level.reserved(), level.available());
    }
    table.print(out, "   ");
    out.flush();
  }

  /**
   * The log entries written since the last call, as a table: for on hand and reserved, the level
   * after the entry ({@code on_hand_after}) and the change in brackets ({@code on_hand_delta}).
   */
  private void showLog() throws SQLException {
    TextTable table =
        new TextTable("log", "at", "kind", "sku", "on hand", "reserved", "reservation", "reason");
    String sql =
        "SELECT id, at, kind, sku, on_hand_delta, reserved_delta, on_hand_after, reserved_after,"
            + " reservation_id, reason FROM "
            + schema
            + ".inventory_log WHERE id > ? ORDER BY id";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, lastLogId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          lastLogId = rs.getLong("id");
          table.row(
              lastLogId,
              time(rs.getObject("at", OffsetDateTime.class).toInstant()),
              rs.getString("kind"),
              rs.getString("sku"),
              afterAndChange(rs.getLong("on_hand_after"), rs.getLong("on_hand_delta")),
              afterAndChange(rs.getLong("reserved_after"), rs.getLong("reserved_delta")),
              Objects.toString(rs.getString("reservation_id"), ""),
              Objects.toString(rs.getString("reason"), ""));
        }
      }
    }
    out.println();
    if (table.isEmpty()) {
      out.println("   (no new log entries: no stock moved)");
    } else {
      table.print(out, "   ");
      if (!explainedLog) {
        explainedLog = true;
        out.println(
            "   (the inventory_log table, append-only: on hand and reserved after each entry,"
                + " the change in brackets)");
      }
    }
    out.flush();
  }

  /** {@code 36 (-4)}; {@code 7} alone when the entry did not change it. */
  private static TextTable.Right afterAndChange(long after, long delta) {
    return new TextTable.Right(
        delta == 0 ? Long.toString(after) : after + " (" + (delta > 0 ? "+" : "") + delta + ")");
  }

  /** Levels rebuilt from the log alone: the sum of each key's deltas. */
  private Map<StockKey, StockLevel> replayLog() throws SQLException {
    Map<StockKey, StockLevel> replayed = new TreeMap<>();
    String sql =
        "SELECT sku, location, sum(on_hand_delta), sum(reserved_delta) FROM "
            + schema
            + ".inventory_log GROUP BY sku, location";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        StockKey key = StockKey.of(rs.getString(1), rs.getString(2));
        replayed.put(key, new StockLevel(key, rs.getLong(3), rs.getLong(4)));
      }
    }
    return replayed;
  }

  /** Waits (polling its counter) until the background sweeper has expired something. */
  private void awaitSweep(ExpirySweeper sweeper, long expiredBefore) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SWEEPER_WAIT_SECONDS);
    while (sweeper.expiredCount() == expiredBefore) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the expiry sweeper expired nothing within "
                + SWEEPER_WAIT_SECONDS
                + " s ("
                + sweeper.failedRunCount()
                + " failed runs)");
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** A clock the walk-through moves by hand, so holds run out without waiting. Thread-safe. */
  static final class DemoClock extends Clock {
    private final AtomicReference<Instant> now;

    DemoClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration duration) {
      now.updateAndGet(t -> t.plus(duration));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the demo clock has one zone");
    }
  }
}
