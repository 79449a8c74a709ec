package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.inventory.IdempotencyConflictException;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.LogEntry;
import dev.inventory.MutableClock;
import dev.inventory.Reservation;
import dev.inventory.ReservationExpiredException;
import dev.inventory.ReservationNotFoundException;
import dev.inventory.ReservationRequest;
import dev.inventory.ReservationStateException;
import dev.inventory.StockKey;
import dev.inventory.memory.InMemoryInventory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Model-based comparison: seeded random operation sequences applied to an {@link InMemoryInventory}
 * and to the PostgreSQL implementation side by side, comparing after every step the outcome (the
 * value returned, or the exception's class, message and data), the levels of every key and the
 * touched reservation, and at the end the whole log and every reservation. Each implementation is
 * the other's model: any difference is a bug in one of them.
 *
 * <p>Seeds 1 to 200 run by default (about 50 steps each). Rerun one seed with {@code
 * -Dinventory.model.seed=N}, run seeds 1 to N with {@code -Dinventory.model.seeds=N}. A failure
 * names the seed, the step and the whole history up to it.
 *
 * <p>All seeds share one schema. Each seed has keys and reservation ids of its own, and a time era
 * of its own: the n-th seed of a run starts {@link #ERA} earlier than the one before, so that no
 * hold a previous seed left behind is ever due in a later seed's time, and {@code expireDue} (which
 * sweeps the whole schema) only ever sees the current seed's holds.
 */
@DisplayName(
    "model-based: InMemoryInventory and PostgreSQL answer random operation sequences alike")
class InMemoryMatchesPostgresModelTest {
  private static final int DEFAULT_SEEDS = 200;

  /** The start of the first seed's time; later seeds start further back. Whole seconds. */
  private static final Instant FIRST_START = Instant.parse("2150-01-01T00:00:00Z");

  /** Time between the starts of two seeds: far more than one seed's steps can move the clock. */
  private static final Duration ERA = Duration.ofDays(10);

  /** The TTL both inventories give a request that names none. */
  private static final Duration DEFAULT_TTL = Duration.ofSeconds(90);

  /** Four keys: SKUs A, b, C (mixed case on purpose), A also at a second location. */
  private static final String[][] KEY_NAMES = {
    {"A", StockKey.DEFAULT_LOCATION},
    {"A", "hub-7"},
    {"b", StockKey.DEFAULT_LOCATION},
    {"C", "hub-7"}
  };

  /**
   * Reservation ids, few enough to repeat: replays, conflicts, unknown ids. Mixed case and
   * punctuation on purpose, so that an order by a database collation would differ from Java's.
   */
  private static final String[] ID_NAMES = {
    "cart-1", "Cart-2", "cart_3", "order-4", "cart-10", "CART-6", "cart.7", "Order-8"
  };

  private static final Duration[] TTLS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    // Finer than PostgreSQL's microsecond.
    Duration.ofSeconds(5, 700),
    Duration.ofSeconds(30, 1_500)
  };

  private static final Duration[] JUMPS = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(4),
    Duration.ofSeconds(5),
    Duration.ofSeconds(29),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(91),
    Duration.ofMinutes(5)
  };

  private static PostgresContractFixture fixture;

  /** What the steps did, over all seeds: printed at the end, to show what the seeds reach. */
  private static final Map<String, Integer> OUTCOMES = new TreeMap<>();

  private static int stepsRun;

  /**
   * Every outcome the default seeds reach (taken from the printed outcomes of a run): if the step
   * generator broke, say every reserve refused or no hold ever due, both inventories would still
   * agree, and only this would tell that the seeds test less than they did.
   */
  private static final List<String> DEFAULT_SEEDS_REACH =
      List.of(
          "adjust IllegalArgumentException",
          "adjust InsufficientStockException",
          "adjust ok",
          "amend HELD",
          "amend IllegalArgumentException",
          "amend InsufficientStockException",
          "amend ReservationExpiredException",
          "amend ReservationNotFoundException",
          "amend ReservationStateException",
          "confirm CONFIRMED",
          "confirm ReservationExpiredException",
          "confirm ReservationNotFoundException",
          "confirm ReservationStateException",
          "expireDue IllegalArgumentException",
          "expireDue expired none",
          "expireDue expired some",
          "extend HELD",
          "extend IllegalArgumentException",
          "extend ReservationExpiredException",
          "extend ReservationNotFoundException",
          "extend ReservationStateException",
          "findReservation ok",
          "levels ok",
          "purchase CONFIRMED",
          "purchase EXPIRED",
          "purchase HELD",
          "purchase IdempotencyConflictException",
          "purchase InsufficientStockException",
          "purchase RELEASED",
          "receive ok",
          "release RELEASED",
          "release ReservationExpiredException",
          "release ReservationNotFoundException",
          "release ReservationStateException",
          "reserve CONFIRMED",
          "reserve EXPIRED",
          "reserve HELD",
          "reserve IdempotencyConflictException",
          "reserve InsufficientStockException",
          "reserve RELEASED",
          "setOnHand IllegalArgumentException",
          "setOnHand InsufficientStockException",
          "setOnHand ok");

  @BeforeAll
  static void migrate() {
    fixture =
        PostgresContractFixture.create(
            InMemoryMatchesPostgresModelTest.class, 2, pool -> {}, setup -> {});
  }

  @AfterAll
  static void drop() {
    fixture.close();
    System.out.println("[model] " + stepsRun + " steps compared; outcomes: " + OUTCOMES);
  }

  @TestFactory
  Stream<DynamicTest> randomSequencesGiveTheSameResults() {
    String one = System.getProperty("inventory.model.seed");
    long[] seeds =
        one != null && !one.isBlank()
            ? new long[] {Long.parseLong(one.strip())}
            : LongStream.rangeClosed(1, Long.getLong("inventory.model.seeds", DEFAULT_SEEDS))
                .toArray();
    List<DynamicTest> tests = new ArrayList<>();
    for (int era = 0; era < seeds.length; era++) {
      long seed = seeds[era];
      Instant start = FIRST_START.minus(ERA.multipliedBy(era));
      tests.add(DynamicTest.dynamicTest("seed " + seed, () -> new Run(seed, start).run()));
    }
    // Seeds 1 to DEFAULT_SEEDS, not one seed alone nor another range.
    boolean defaultSeeds = (one == null || one.isBlank()) && seeds.length == DEFAULT_SEEDS;
    if (defaultSeeds) {
      // Dynamic tests run in stream order: this one after every seed.
      tests.add(
          DynamicTest.dynamicTest(
              "the default seeds reach every kind of outcome",
              () ->
                  assertThat(OUTCOMES)
                      .as("outcomes of the default seeds")
                      .containsKeys(DEFAULT_SEEDS_REACH.toArray(String[]::new))));
    }
    return tests.stream();
  }

  /** One seed: two inventories on two clocks moved together, and the steps applied to both. */
  private static final class Run {
    private final long seed;
    private final Random random;
    private final Instant start;
    private final MutableClock memoryClock;
    private final MutableClock postgresClock;
    private final InMemoryInventory memory;
    private final Inventory postgres;
    private final List<StockKey> keys = new ArrayList<>();
    private final StockKey unknownKey;
    private final List<String> ids = new ArrayList<>();

    /** The last request sent with each id, to replay it. */
    private final Map<String, ReservationRequest> sent = new HashMap<>();

    private final List<String> history = new ArrayList<>();

    /** Steps generated ahead, taken before any new one. */
    private final Deque<Step> queued = new ArrayDeque<>();

    /** The in-memory log's size after each step, to tell which step wrote an entry. */
    private final List<Integer> logSizes = new ArrayList<>();

    Run(long seed, Instant start) {
      this.seed = seed;
      this.random = new Random(seed);
      this.start = start;
      this.memoryClock = new MutableClock(start);
      this.postgresClock = new MutableClock(start);
      this.memory = InMemoryInventory.builder().clock(memoryClock).defaultTtl(DEFAULT_TTL).build();
      this.postgres =
          JdbcInventory.builder(fixture.appPool())
              .schema(fixture.schema())
              .clock(postgresClock)
              .defaultTtl(DEFAULT_TTL)
              .migrate(false)
              .build();
      String prefix = "s" + seed + ".";
      for (String[] key : KEY_NAMES) {
        keys.add(StockKey.of(prefix + key[0], key[1]));
      }
      unknownKey = StockKey.of(prefix + "never-stocked");
      for (String name : ID_NAMES) {
        ids.add(prefix + name);
      }
    }

    void run() {
      int steps = 40 + random.nextInt(21);
      for (int step = 1; step <= steps; step++) {
        Step next = next();
        if (next instanceof ClockMove move) {
          memoryClock.set(move.to());
          postgresClock.set(move.to());
          history.add(step(step) + move.text() + " -> " + move.to());
        } else {
          Call call = (Call) next;
          Object expected = outcome(memory, call.call());
          Object actual = outcome(postgres, call.call());
          history.add(step(step) + call.text() + " -> " + expected);
          OUTCOMES.merge(
              call.text().replaceAll("\\(.*", "") + " " + kind(expected), 1, Integer::sum);
          if (!Objects.equals(expected, actual)) {
            mismatch(step, "the outcome", expected, actual);
          }
          if (call.reservationId() != null) {
            compare(step, "findReservation(" + call.reservationId() + ")", inv -> find(inv, call));
          }
        }
        compare(step, "the levels of every key", this::levels);
        logSizes.add(memory.log().size());
        stepsRun++;
      }
      int end = steps + 1;
      for (String id : ids) {
        compare(end, "findReservation(" + id + ") at the end", inv -> inv.findReservation(id));
      }
      compareLogs(end);
    }

    /** A short name for what a step did: a status, an exception, "ok". */
    private static String kind(Object outcome) {
      if (outcome instanceof Failure failure) {
        return failure.type().substring(failure.type().lastIndexOf('.') + 1);
      }
      if (outcome instanceof Reservation reservation) {
        return reservation.status().name();
      }
      if (outcome instanceof Integer expired) {
        return expired > 0 ? "expired some" : "expired none";
      }
      return "ok";
    }

    private static Optional<Reservation> find(Inventory inventory, Call call) {
      return inventory.findReservation(call.reservationId());
    }

    private List<Object> levels(Inventory inventory) {
      List<StockKey> asked = new ArrayList<>(keys);
      asked.add(unknownKey);
      return List.copyOf(inventory.levels(asked).values());
    }

    private void compare(int step, String what, Function<Inventory, Object> read) {
      Object expected = outcome(memory, read);
      Object actual = outcome(postgres, read);
      if (!Objects.equals(expected, actual)) {
        mismatch(step, what, expected, actual);
      }
    }

    /** The two logs, entry by entry in log order; ids are the only field not compared. */
    private void compareLogs(int end) {
      List<LoggedChange> expected = memory.log().stream().map(LoggedChange::of).toList();
      List<LoggedChange> actual = fixture.logEntries(keys).stream().map(LoggedChange::of).toList();
      for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
        LoggedChange e = i < expected.size() ? expected.get(i) : null;
        LoggedChange a = i < actual.size() ? actual.get(i) : null;
        if (!Objects.equals(e, a)) {
          int step = 1;
          while (step <= logSizes.size() && logSizes.get(step - 1) <= i) {
            step++;
          }
          StringBuilder logs = new StringBuilder("\nin-memory log:\n");
          expected.forEach(entry -> logs.append("  ").append(entry).append('\n'));
          logs.append("PostgreSQL log:\n");
          actual.forEach(entry -> logs.append("  ").append(entry).append('\n'));
          mismatch(
              Math.min(step, end), "log entry " + (i + 1) + " (written by this step)" + logs, e, a);
        }
      }
    }

    private void mismatch(int step, String what, Object inMemory, Object postgresql) {
      StringBuilder message =
          new StringBuilder()
              .append("seed ")
              .append(seed)
              .append(", step ")
              .append(step)
              .append(": ")
              .append(what)
              .append(" differs\n  in-memory:  ")
              .append(inMemory)
              .append("\n  PostgreSQL: ")
              .append(postgresql)
              .append("\nrerun with -Dinventory.model.seed=")
              .append(seed)
              .append("; started at ")
              .append(start)
              .append(", steps so far (with the in-memory outcome):\n");
      history.forEach(line -> message.append("  ").append(line).append('\n'));
      fail(message.toString());
    }

    private static String step(int step) {
      return String.format("#%-3d ", step);
    }

    // ------------------------------------------------------------------------- step generation

    private Step next() {
      if (!queued.isEmpty()) {
        return queued.poll();
      }
      int roll = random.nextInt(100);
      if (roll < 10) {
        StockKey key = key();
        long quantity = 1 + random.nextInt(12);
        String reason = reason();
        return new Call(
            "receive(" + key + ", " + quantity + ", " + reason + ")",
            null,
            inv -> inv.receive(key, quantity, reason));
      }
      if (roll < 15) {
        StockKey key = key();
        long delta = random.nextBoolean() ? -(1 + random.nextInt(6)) : 1 + random.nextInt(4);
        String reason = reason();
        return new Call(
            "adjust(" + key + ", " + delta + ", " + reason + ")",
            null,
            inv -> inv.adjust(key, delta, reason));
      }
      if (roll < 18) {
        StockKey key = key();
        long onHand = random.nextInt(15);
        String reason = reason();
        return new Call(
            "setOnHand(" + key + ", " + onHand + ", " + reason + ")",
            null,
            inv -> inv.setOnHand(key, onHand, reason));
      }
      if (roll < 33) {
        ReservationRequest request = request();
        return new Call(
            "reserve(" + show(request) + ")", request.id(), inv -> inv.reserve(request));
      }
      if (roll < 39) {
        ReservationRequest request = request();
        return new Call(
            "purchase(" + show(request) + ")", request.id(), inv -> inv.purchase(request));
      }
      if (roll < 45) {
        String id = target();
        List<Line> lines = lines();
        return new Call("amend(" + id + ", " + lines + ")", id, inv -> inv.amend(id, lines));
      }
      if (roll < 50) {
        String id = target();
        Duration ttl = ttl();
        return new Call("extend(" + id + ", " + ttl + ")", id, inv -> inv.extend(id, ttl));
      }
      if (roll < 57) {
        String id = target();
        return new Call("confirm(" + id + ")", id, inv -> inv.confirm(id));
      }
      if (roll < 63) {
        String id = target();
        return new Call("release(" + id + ")", id, inv -> inv.release(id));
      }
      if (roll < 72) {
        // Mostly small limits: which of several due holds goes first is compared too.
        int limit = random.nextInt(4) == 0 ? 1000 : random.nextInt(3) == 0 ? 2 : 1;
        return new Call("expireDue(" + limit + ")", null, inv -> inv.expireDue(limit));
      }
      if (roll < 73) {
        List<StockKey> asked = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          asked.add(random.nextInt(5) == 0 ? unknownKey : key());
        }
        return new Call(
            "levels(" + asked + ")", null, inv -> List.copyOf(inv.levels(asked).values()));
      }
      if (roll < 74) {
        String id = target();
        return new Call("findReservation(" + id + ")", null, inv -> inv.findReservation(id));
      }
      if (roll < 76) {
        return invalid();
      }
      if (roll < 79) {
        return burst();
      }
      return clockMove();
    }

    /**
     * Several carts of one unit at one instant with one TTL (they fall due together), often
     * followed by the clock landing on their expiry and a sweep of one: which goes first is
     * compared. The steps after the first are queued, so they follow it directly.
     */
    private Step burst() {
      Duration ttl = ttl();
      int carts = 2 + random.nextInt(2);
      for (int i = 0; i < carts; i++) {
        String id = requestId();
        ReservationRequest request = ReservationRequest.builder(id).line(key(), 1).ttl(ttl).build();
        sent.put(id, request);
        queued.add(new Call("reserve(" + show(request) + ")", id, inv -> inv.reserve(request)));
      }
      if (random.nextBoolean()) {
        queued.add(
            new ClockMove(
                "clock +" + ttl + " (the burst falls due)", memoryClock.instant().plus(ttl)));
        queued.add(new Call("expireDue(1)", null, inv -> inv.expireDue(1)));
      }
      StockKey key = key();
      long quantity = carts;
      return new Call(
          "receive(" + key + ", " + quantity + ", burst)",
          null,
          inv -> inv.receive(key, quantity, "burst"));
    }

    private Step clockMove() {
      Instant now = memoryClock.instant();
      int roll = random.nextInt(20);
      if (roll < 9) {
        Duration jump = JUMPS[random.nextInt(JUMPS.length)];
        return new ClockMove("clock +" + jump, now.plus(jump));
      }
      if (roll < 17) {
        // Onto (or just around) the expiry of a reservation: the boundary expires_at <= now.
        String id = target();
        Optional<Reservation> reservation = memory.findReservation(id);
        if (reservation.isEmpty()) {
          return new ClockMove("clock +1s", now.plusSeconds(1));
        }
        Instant expiresAt = reservation.get().expiresAt();
        Duration offset =
            switch (random.nextInt(6)) {
              case 0 -> Duration.ofSeconds(-1);
              case 1 -> Duration.ofSeconds(1);
              case 2 -> Duration.ofNanos(-1_000);
              default -> Duration.ZERO;
            };
        Instant to = expiresAt.plus(offset);
        if (to.isBefore(now) && random.nextInt(4) != 0) {
          return new ClockMove("clock +1s", now.plusSeconds(1));
        }
        return new ClockMove(
            "clock to expiresAt of " + id + " " + signed(offset), atLeastStart(to));
      }
      if (roll < 19) {
        Duration back = Duration.ofSeconds(1 + random.nextInt(30));
        return new ClockMove("clock back " + back, atLeastStart(now.minus(back)));
      }
      // Below PostgreSQL's microsecond: times are kept to the microsecond.
      Duration tiny = Duration.ofNanos(1 + random.nextInt(1_500));
      return new ClockMove("clock +" + tiny.toNanos() + "ns", now.plus(tiny));
    }

    private Instant atLeastStart(Instant instant) {
      return instant.isBefore(start) ? start : instant;
    }

    private static String signed(Duration offset) {
      return offset.isNegative() ? "- " + offset.negated() : "+ " + offset;
    }

    /** Arguments every implementation refuses before looking at anything: the same messages. */
    private Step invalid() {
      StockKey key = key();
      String id = id();
      return switch (random.nextInt(5)) {
        case 0 -> new Call("adjust(" + key + ", 0)", null, inv -> inv.adjust(key, 0, null));
        case 1 -> new Call("setOnHand(" + key + ", -1)", null, inv -> inv.setOnHand(key, -1, null));
        case 2 -> new Call("expireDue(0)", null, inv -> inv.expireDue(0));
        case 3 ->
            new Call(
                "extend(" + id + ", 0.5s)", null, inv -> inv.extend(id, Duration.ofMillis(500)));
        default -> new Call("amend(" + id + ", [])", null, inv -> inv.amend(id, List.of()));
      };
    }

    private StockKey key() {
      return keys.get(random.nextInt(keys.size()));
    }

    private String id() {
      return ids.get(random.nextInt(ids.size()));
    }

    /**
     * An id for a request: often one never used (a new reservation), else any (a replay, a
     * conflict, or new after a refusal).
     */
    private String requestId() {
      List<String> unused = ids.stream().filter(id -> !sent.containsKey(id)).toList();
      if (!unused.isEmpty() && random.nextInt(2) == 0) {
        return unused.get(random.nextInt(unused.size()));
      }
      return id();
    }

    /**
     * An id to act on: sometimes any (perhaps unknown), mostly one that exists, and then often one
     * that is held (the in-memory inventory only chooses; both are asked the same).
     */
    private String target() {
      List<String> existing = new ArrayList<>();
      List<String> held = new ArrayList<>();
      for (String id : ids) {
        memory
            .findReservation(id)
            .ifPresent(
                reservation -> {
                  existing.add(id);
                  if (reservation.isHeld()) {
                    held.add(id);
                  }
                });
      }
      int roll = random.nextInt(10);
      if (roll < 5 && !held.isEmpty()) {
        return held.get(random.nextInt(held.size()));
      }
      if (roll < 8 && !existing.isEmpty()) {
        return existing.get(random.nextInt(existing.size()));
      }
      return id();
    }

    private String reason() {
      return random.nextInt(3) == 0 ? null : "r" + random.nextInt(3);
    }

    private Duration ttl() {
      return TTLS[random.nextInt(TTLS.length)];
    }

    private List<Line> lines() {
      List<Line> lines = new ArrayList<>();
      int n = random.nextInt(5) < 3 ? 1 : 2 + random.nextInt(2);
      for (int i = 0; i < n; i++) {
        lines.add(Line.of(key(), 1 + random.nextInt(3)));
      }
      return lines;
    }

    /** A new request, or (often, once the id was used) a replay of the last one sent with it. */
    private ReservationRequest request() {
      String id = requestId();
      ReservationRequest last = sent.get(id);
      List<Line> lines;
      if (last != null && random.nextInt(5) < 3) {
        // The same lines, possibly reordered and split: the same request.
        lines = new ArrayList<>();
        for (Line line : last.lines()) {
          if (line.quantity() > 1 && random.nextBoolean()) {
            lines.add(Line.of(line.key(), 1));
            lines.add(Line.of(line.key(), line.quantity() - 1));
          } else {
            lines.add(line);
          }
        }
        Collections.shuffle(lines, random);
      } else {
        lines = lines();
      }
      ReservationRequest.Builder builder = ReservationRequest.builder(id).lines(lines);
      // Often the default TTL: holds made at one instant then fall due at one instant.
      if (random.nextInt(5) < 3) {
        builder.ttl(ttl());
      }
      ReservationRequest request = builder.build();
      sent.put(id, request);
      return request;
    }

    private static String show(ReservationRequest request) {
      return request.id() + ", " + request.lines() + ", ttl " + request.ttl();
    }

    /** The call's value, or what it threw, as a value two implementations can be compared by. */
    private static Object outcome(Inventory inventory, Function<Inventory, Object> call) {
      try {
        return call.apply(inventory);
      } catch (RuntimeException e) {
        return Failure.of(e);
      }
    }
  }

  private sealed interface Step permits Call, ClockMove {}

  /** An operation; {@code reservationId}: the reservation to compare after it, if any. */
  private record Call(String text, String reservationId, Function<Inventory, Object> call)
      implements Step {}

  private record ClockMove(String text, Instant to) implements Step {}

  /** An exception as a value: its class, its message and the data it carries. */
  private record Failure(String type, String message, List<Object> data) {
    static Failure of(RuntimeException e) {
      List<Object> data = new ArrayList<>();
      if (e instanceof InsufficientStockException x) {
        data.add(x.shortages());
      }
      if (e instanceof ReservationStateException x) {
        data.add(x.reservationId());
        data.add(x.status());
      }
      if (e instanceof ReservationExpiredException x) {
        data.add(x.expiresAt());
      }
      if (e instanceof ReservationNotFoundException x) {
        data.add(x.reservationId());
      }
      if (e instanceof IdempotencyConflictException x) {
        data.add(x.reservationId());
        data.add(x.existingLines());
        data.add(x.requestedLines());
      }
      return new Failure(e.getClass().getName(), e.getMessage(), List.copyOf(data));
    }
  }

  /** A log entry without its id (ids are numbered per store). */
  private record LoggedChange(
      Instant at,
      StockKey key,
      LogEntry.Kind kind,
      long onHandDelta,
      long reservedDelta,
      long onHandAfter,
      long reservedAfter,
      String reservationId,
      String reason) {
    static LoggedChange of(LogEntry e) {
      return new LoggedChange(
          e.at(),
          e.key(),
          e.kind(),
          e.onHandDelta(),
          e.reservedDelta(),
          e.onHandAfter(),
          e.reservedAfter(),
          e.reservationId(),
          e.reason());
    }
  }
}
