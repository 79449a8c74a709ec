package dev.inventory.jdbc.faults;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.Line;
import dev.inventory.Reservation;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.jdbc.faults.History.Kind;
import dev.inventory.jdbc.faults.History.Op;
import dev.inventory.jdbc.faults.History.Origin;
import dev.inventory.jdbc.faults.History.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One fault-injection run: concurrent checkout clients on five keys (one hot) while backends are
 * killed and the server is disrupted on schedule; then the ambiguous operations are re-sent, and
 * the {@link HistoryChecker} judges the history against the database.
 *
 * <p>Clients are seeded ({@link Config#seed}), so a run's operation choices can be repeated; the
 * interleaving with the faults cannot, which is the point.
 */
final class FaultRun {
  /** The application name of the app's pool: the only backends the injector kills. */
  static final String APPLICATION = "inventory-faults";

  static final StockKey HOT = StockKey.of("HOT");
  static final List<StockKey> KEYS =
      List.of(
          HOT,
          StockKey.of("COLD-1"),
          StockKey.of("COLD-2"),
          StockKey.of("COLD-3"),
          StockKey.of("COLD-4"));

  private static final int DUPLICATE_THREADS = 8;

  /** A disruption of the whole server, run by the controller once this share of ops is done. */
  record Disruption(double atProgress, Type type, Runnable action) {
    enum Type {
      RESTART,
      FAILOVER,
      FREEZE
    }
  }

  record Config(
      int clients,
      int opsPerClient,
      long seed,
      Duration killInterval,
      boolean huntCommits,
      List<Disruption> disruptions) {}

  /** What a run produced: the verdict and how long operations took. */
  record Result(
      HistoryChecker.Verdict verdict,
      Duration elapsed,
      long maxLatencyMillis,
      long resent,
      Map<Outcome, Long> outcomes,
      Map<String, Long> ambiguousCauses,
      List<String> disruptions) {
    /** Timings and outcomes, then the checker's report; its summary line comes last. */
    String report() {
      return "run: elapsed="
          + elapsed.toMillis()
          + "ms max_latency="
          + maxLatencyMillis
          + "ms resent="
          + resent
          + " outcomes="
          + outcomes
          + "\n"
          + (disruptions.isEmpty() ? "" : "disruptions: " + String.join(" ", disruptions) + "\n")
          + causes()
          + verdict.report();
    }

    private String causes() {
      StringBuilder text = new StringBuilder();
      ambiguousCauses.forEach(
          (cause, n) ->
              text.append("  ambiguous ").append(n).append("x ").append(cause).append('\n'));
      return text.toString();
    }
  }

  private final Supplier<ScratchPostgres> server;
  private final Inventory inventory;
  private final String schema;
  private final Config config;
  private final History history = new History();
  private final AtomicLong done = new AtomicLong();
  private final AtomicInteger restarts = new AtomicInteger();
  private final AtomicInteger failovers = new AtomicInteger();
  private final ExecutorService duplicates = Executors.newCachedThreadPool();
  private final List<String> disruptionLog = new CopyOnWriteArrayList<>();

  FaultRun(Supplier<ScratchPostgres> server, Inventory inventory, String schema, Config config) {
    this.server = server;
    this.inventory = inventory;
    this.schema = schema;
    this.config = config;
  }

  /**
   * The app's pool, as a checkout service would configure it: small (fewer connections than
   * clients), a short wait for a connection, and a socket timeout so no call waits forever on a
   * dead or frozen server.
   */
  static HikariDataSource pool(String jdbcUrl, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername("postgres");
    config.setPassword("");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(1_000);
    config.setValidationTimeout(500);
    config.setInitializationFailTimeout(-1);
    config.setPoolName("faults-app");
    return new HikariDataSource(config);
  }

  Result run() throws InterruptedException, SQLException {
    long started = System.nanoTime();
    for (StockKey key : KEYS) {
      long quantity = key.equals(HOT) ? 30 : 400;
      history.run(
          -1,
          Kind.RECEIVE,
          History.receiveLine(key, quantity),
          () -> inventory.receive(key, quantity, "initial"));
    }

    FaultInjector injector =
        new FaultInjector(server, APPLICATION, config.killInterval(), config.huntCommits());
    List<Thread> clients = new ArrayList<>();
    try (injector) {
      injector.start();
      for (int c = 0; c < config.clients(); c++) {
        int client = c;
        Thread t = new Thread(() -> client(client), "client-" + c);
        t.setDaemon(true);
        clients.add(t);
        t.start();
      }
      control(clients);
      for (Thread t : clients) {
        t.join();
      }
    }
    duplicates.shutdown();
    duplicates.awaitTermination(1, TimeUnit.MINUTES);

    long resent = resendAmbiguous();
    HistoryChecker.Faults faults =
        new HistoryChecker.Faults(
            injector.kills(), injector.killsInCommit(), restarts.get(), failovers.get());
    HistoryChecker.Verdict verdict;
    try (Connection admin = server.get().superuser()) {
      verdict = HistoryChecker.check(admin, schema, history, faults);
    }
    List<Op> ops = history.ops();
    long maxLatency = ops.stream().mapToLong(Op::micros).max().orElse(0) / 1_000;
    Map<Outcome, Long> outcomes = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, ops.stream().filter(op -> op.outcome() == o).count());
    }
    Map<String, Long> causes = new TreeMap<>();
    ops.stream()
        .filter(op -> op.outcome() == Outcome.AMBIGUOUS)
        .forEach(
            op ->
                causes.merge(
                    op.origin() + " " + op.kind() + " " + cause(op.detail()), 1L, Long::sum));
    return new Result(
        verdict,
        Duration.ofNanos(System.nanoTime() - started),
        maxLatency,
        resent,
        outcomes,
        causes,
        List.copyOf(disruptionLog));
  }

  /** An exception's type and the start of its message, without ids and numbers. */
  private static String cause(String detail) {
    String text = detail.replace('\n', ' ').replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
    return text.length() > 160 ? text.substring(0, 160) : text;
  }

  /**
   * Runs each disruption once its share of the operations is done and, since the previous one
   * ended, the server has settled at least 1% of all operations (calls that fail fast during an
   * outage must not bring the next disruption forward). Disruptions whose time does not come before
   * the clients finish are not run, and the counts show it.
   */
  private void control(List<Thread> clients) throws InterruptedException {
    long total = (long) config.clients() * config.opsPerClient();
    long gap = Math.max(1, total / 100);
    long settledAfterLast = 0;
    for (Disruption d : config.disruptions()) {
      while (done.get() < d.atProgress() * total || history.settled() < settledAfterLast + gap) {
        if (clients.stream().noneMatch(Thread::isAlive)) {
          return;
        }
        Thread.sleep(5);
      }
      long startedAt = done.get();
      long t0 = System.nanoTime();
      d.action().run();
      disruptionLog.add(
          d.type() + "@" + startedAt + "ops:" + (System.nanoTime() - t0) / 1_000_000 + "ms");
      settledAfterLast = history.settled();
      switch (d.type()) {
        case RESTART -> restarts.incrementAndGet();
        case FAILOVER -> failovers.incrementAndGet();
        case FREEZE -> {}
      }
    }
  }

  // ---------------------------------------------------------------- the clients

  private void client(int client) {
    Random random = new Random(config.seed() * 1_000 + client);
    List<String> held = new ArrayList<>();
    for (int i = 0; i < config.opsPerClient(); i++) {
      String id = "c" + client + "-" + i;
      double dice = random.nextDouble();
      if (dice < 0.15 && !held.isEmpty()) {
        String target = held.remove(random.nextInt(held.size()));
        history.call(
            client, Origin.CLIENT, Kind.CONFIRM, target, null, () -> inventory.confirm(target));
      } else if (dice < 0.27 && !held.isEmpty()) {
        String target = held.remove(random.nextInt(held.size()));
        history.call(
            client, Origin.CLIENT, Kind.RELEASE, target, null, () -> inventory.release(target));
      } else if (dice < 0.37) {
        ReservationRequest request = request(random, id);
        history.call(
            client,
            Origin.CLIENT,
            Kind.PURCHASE,
            id,
            request.lines(),
            () -> inventory.purchase(request));
      } else if (dice < 0.42) {
        StockKey key = random.nextInt(3) == 0 ? HOT : KEYS.get(random.nextInt(KEYS.size()));
        long quantity = 5 + random.nextInt(16);
        history.run(
            client,
            Kind.RECEIVE,
            History.receiveLine(key, quantity),
            () -> inventory.receive(key, quantity, "delivery"));
      } else if (dice < 0.46) {
        history.run(client, Kind.EXPIRE_DUE, null, () -> inventory.expireDue(20));
      } else if (dice < 0.48) {
        duplicateBurst(client, request(random, id + "-dup"));
      } else {
        ReservationRequest request = request(random, id);
        Reservation r =
            history.call(
                client,
                Origin.CLIENT,
                Kind.RESERVE,
                id,
                request.lines(),
                () -> inventory.reserve(request));
        if (r != null) {
          held.add(id);
        }
      }
      done.incrementAndGet();
    }
  }

  /** 1 to 3 lines on distinct keys, the hot key in about half the requests; a TTL of 1 to 3 s. */
  private static ReservationRequest request(Random random, String id) {
    LinkedHashSet<StockKey> keys = new LinkedHashSet<>();
    if (random.nextBoolean()) {
      keys.add(HOT);
    }
    int lines = 1 + random.nextInt(3);
    while (keys.size() < lines) {
      keys.add(KEYS.get(1 + random.nextInt(KEYS.size() - 1)));
    }
    ReservationRequest.Builder builder =
        ReservationRequest.builder(id).ttl(Duration.ofMillis(1_000 + random.nextInt(2_000)));
    for (StockKey key : keys) {
      builder.line(key, 1 + random.nextInt(3));
    }
    return builder.build();
  }

  /** Eight threads submit the same reservation at once: it must take effect once. */
  private void duplicateBurst(int client, ReservationRequest request) {
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<?>> submitted = new ArrayList<>();
    for (int t = 0; t < DUPLICATE_THREADS; t++) {
      submitted.add(
          duplicates.submit(
              () -> {
                gate.await();
                history.call(
                    client,
                    Origin.DUPLICATE,
                    Kind.RESERVE,
                    request.id(),
                    request.lines(),
                    () -> inventory.reserve(request));
                return null;
              }));
    }
    gate.countDown();
    for (Future<?> f : submitted) {
      try {
        f.get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------- after the faults

  /**
   * Re-sends every ambiguous reservation operation once, with its id, in the order they first
   * happened (a reserve before its confirm). Returns how many were re-sent.
   */
  private long resendAmbiguous() {
    Map<String, Op> firstAmbiguous = new LinkedHashMap<>();
    for (Op op : history.ops()) {
      if (op.outcome() == Outcome.AMBIGUOUS && op.hasId()) {
        firstAmbiguous.putIfAbsent(op.kind() + " " + op.id(), op);
      }
    }
    for (Op op : firstAmbiguous.values()) {
      String id = op.id();
      switch (op.kind()) {
        case RESERVE, PURCHASE -> {
          ReservationRequest.Builder b = ReservationRequest.builder(id);
          for (Line line : op.lines()) {
            b.line(line);
          }
          ReservationRequest request = b.build();
          history.call(
              op.client(),
              Origin.RESEND,
              op.kind(),
              id,
              op.lines(),
              () ->
                  op.kind() == Kind.RESERVE
                      ? inventory.reserve(request)
                      : inventory.purchase(request));
        }
        case CONFIRM ->
            history.call(
                op.client(), Origin.RESEND, Kind.CONFIRM, id, null, () -> inventory.confirm(id));
        case RELEASE ->
            history.call(
                op.client(), Origin.RESEND, Kind.RELEASE, id, null, () -> inventory.release(id));
        default -> {}
      }
    }
    return firstAmbiguous.size();
  }

  History history() {
    return history;
  }
}
