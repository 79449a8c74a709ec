package dev.inventory.jdbc.faults;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server the fault suite owns: its own data directory under {@code target/}, a fixed
 * port chosen once (so a JDBC URL survives restarts), and the power to stop, crash (SIGKILL of
 * every server process, then crash recovery on the same data directory), freeze (SIGSTOP) and
 * restart it.
 *
 * <p>The binaries are the embedded PostgreSQL ones (zonky, from Maven Central), so nothing needs to
 * be installed. As root, every server command runs under {@code unshare -U} (PostgreSQL refuses to
 * run as root), as zonky itself does.
 *
 * <p>Not thread-safe: one controller thread drives it; {@link #superuser()} connections may be used
 * from any thread.
 */
final class ScratchPostgres implements AutoCloseable {
  /** The application name of the suite's own superuser connections, never a fault target. */
  static final String ADMIN_APPLICATION = "faults-admin";

  private static final Path ROOT = Path.of("target", "scratch-pg").toAbsolutePath();

  private final String name;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final Path binDir;
  private final Thread shutdownHook;
  private boolean running;
  private boolean closed;

  private ScratchPostgres(String name, Path dataDir, int port, Path binDir) {
    this.name = name;
    this.dataDir = dataDir;
    this.logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.port = port;
    this.binDir = binDir;
    // A server must not outlive the test JVM, even one that exits half-way.
    this.shutdownHook = new Thread(this::close, "scratch-pg-" + name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Runs initdb into a fresh directory and writes the server's configuration; not started yet.
   * {@code settings} are appended to postgresql.conf (values as PostgreSQL writes them, quoted
   * where needed).
   */
  static ScratchPostgres create(String name, Map<String, String> settings) {
    Path dataDir = freshDirectory(name);
    ScratchPostgres server = new ScratchPostgres(name, dataDir, freePort(), binaries());
    server.run(
        Duration.ofMinutes(2),
        server.bin("initdb"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
        "-D",
        dataDir.toString());
    server.configure(defaults(server.port, settings));
    return server;
  }

  /**
   * A standby of a running primary, made as pg_basebackup would: a non-exclusive base backup taken
   * through SQL ({@code pg_backup_start}/{@code pg_backup_stop}) while the primary keeps running,
   * the files copied (WAL excluded: the standby streams what it needs from the primary, which keeps
   * enough of it with {@code wal_keep_size}), a {@code backup_label}, a {@code standby.signal} and
   * the connection to the primary. Not started yet.
   */
  static ScratchPostgres standbyOf(ScratchPostgres primary, String name) {
    return standbyOf(primary, name, freePort());
  }

  /** {@link #standbyOf(ScratchPostgres, String)} on a given port (a former primary's). */
  static ScratchPostgres standbyOf(ScratchPostgres primary, String name, int port) {
    Path dataDir = freshDirectory(name);
    ScratchPostgres standby = new ScratchPostgres(name, dataDir, port, primary.binDir);
    try (Connection c = primary.superuser();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_backup_start('" + name + "', true)");
      copyTree(primary.dataDir, dataDir);
      String label;
      try (ResultSet rs = s.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
        rs.next();
        label = rs.getString(1);
      }
      Files.writeString(dataDir.resolve("backup_label"), label);
      // ALTER SYSTEM settings travel with the copy; a standby must not wait for a standby of its
      // own once promoted, until it has one.
      Path auto = dataDir.resolve("postgresql.auto.conf");
      if (Files.exists(auto)) {
        List<String> kept =
            Files.readAllLines(auto).stream()
                .filter(line -> !line.strip().startsWith("synchronous_standby_names"))
                .toList();
        Files.write(auto, kept);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("base backup of " + primary.name + " failed", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("port", String.valueOf(standby.port));
    settings.put(
        "primary_conninfo",
        "'host=127.0.0.1 port=" + primary.port + " user=postgres application_name=" + name + "'");
    // A standby never waits for a standby of its own; it gets one after its promotion.
    settings.put("synchronous_standby_names", "''");
    standby.configure(settings);
    try {
      Files.writeString(dataDir.resolve("standby.signal"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return standby;
  }

  private static Map<String, String> defaults(int port, Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("port", String.valueOf(port));
    all.put("listen_addresses", "'127.0.0.1'");
    // TCP only: no socket file whose path length or directory could get in the way.
    all.put("unix_socket_directories", "''");
    all.put("max_connections", "60");
    all.put("shared_buffers", "32MB");
    all.put("fsync", "on");
    all.put("synchronous_commit", "on");
    all.put("wal_level", "replica");
    all.put("max_wal_senders", "4");
    all.put("wal_keep_size", "256MB");
    all.put("hot_standby", "on");
    all.put("log_min_messages", "warning");
    all.put("log_line_prefix", "'%m [%p] %a '");
    all.putAll(settings);
    return all;
  }

  /** Appends settings to postgresql.conf: the last occurrence wins, at the next start. */
  void configure(Map<String, String> settings) {
    StringBuilder conf = new StringBuilder("\n# fault suite\n");
    settings.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
    try {
      Files.writeString(
          dataDir.resolve("postgresql.conf"),
          conf.toString(),
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  boolean isRunning() {
    return running;
  }

  /** Starts the server and waits until it accepts connections (crash recovery included). */
  void start() {
    try {
      startServer();
    } catch (IllegalStateException e) {
      // pg_ctl's own message only says to examine the log, which the suite deletes at its end.
      throw new IllegalStateException(
          e.getMessage() + "\nserver log (last lines):\n" + logTail(), e);
    }
    running = true;
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void startServer() {
    run(
        Duration.ofMinutes(2),
        bin("pg_ctl"),
        "-D",
        dataDir.toString(),
        "-l",
        logFile.toString(),
        "-w",
        "-t",
        "90",
        "start");
  }

  /** A clean shutdown ({@code -m fast}): sessions are ended, everything is flushed. */
  void stop() {
    pgCtlStop("fast");
  }

  /** {@code pg_ctl stop -m immediate}: no checkpoint; the next start runs crash recovery. */
  void stopImmediately() {
    pgCtlStop("immediate");
  }

  private void pgCtlStop(String mode) {
    if (!running) {
      return;
    }
    run(Duration.ofMinutes(1), bin("pg_ctl"), "-D", dataDir.toString(), "-m", mode, "-w", "stop");
    running = false;
  }

  /**
   * A crash: every server process is stopped (SIGSTOP, so none of them gets to flush anything on
   * its way out), then killed with SIGKILL. What was not yet written to the WAL files is gone, as
   * in a power cut for anything not yet in the kernel. {@link #start()} then runs crash recovery.
   */
  void crash() {
    // The postmaster is stopped first and alone: a running one may fork a backend for a new
    // connection between our listing its children and stopping them, and a backend that outlives
    // the crash keeps the shared memory attached, so that the next start refuses to run.
    long postmaster = postmasterPid();
    signal("STOP", ProcessHandle.of(postmaster).stream().toList());
    List<ProcessHandle> processes = serverProcesses();
    signal("STOP", processes);
    for (ProcessHandle p : processes) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : processes) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("server process " + p.pid() + " did not die", e);
      }
    }
    running = false;
  }

  /** Freezes every server process (SIGSTOP): connections stay open and nothing answers. */
  void freeze() {
    signal("STOP", serverProcesses());
  }

  /**
   * Stops (SIGSTOP) the server processes whose title contains {@code title}, such as {@code
   * "walwriter"}; {@link #thaw()} or {@link #crash()} ends it.
   */
  void freezeProcess(String title) {
    signal(
        "STOP",
        serverProcesses().stream()
            .filter(p -> p.info().commandLine().orElse("").contains(title))
            .toList());
  }

  /** Lets a frozen server go on (SIGCONT). */
  void thaw() {
    signal("CONT", serverProcesses());
  }

  /** Promotes a standby to primary and waits until it accepts writes. */
  void promote() {
    run(Duration.ofMinutes(1), bin("pg_ctl"), "-D", dataDir.toString(), "-w", "promote");
  }

  /** The postmaster and all its children, from {@code postmaster.pid}. */
  private List<ProcessHandle> serverProcesses() {
    long pid = postmasterPid();
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle.of(pid)
        .ifPresent(
            postmaster -> {
              all.add(postmaster);
              postmaster.descendants().forEach(all::add);
            });
    return all;
  }

  long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("no postmaster.pid in " + dataDir, e);
    }
  }

  private static void signal(String signal, List<ProcessHandle> processes) {
    if (processes.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    processes.forEach(p -> command.add(String.valueOf(p.pid())));
    exec(command, Duration.ofSeconds(30), false);
  }

  /** A JDBC URL of this server with the given application name (what the fault injector picks). */
  String jdbcUrl(String applicationName) {
    return jdbcUrl(List.of(port), applicationName);
  }

  /**
   * A JDBC URL over several servers on loopback that connects to whichever is the primary ({@code
   * targetServerType=primary}); a socket timeout so that no call waits forever on a frozen server.
   */
  static String jdbcUrl(List<Integer> ports, String applicationName) {
    StringBuilder hosts = new StringBuilder();
    for (int p : ports) {
      hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
    }
    return "jdbc:postgresql://"
        + hosts
        + "/postgres?targetServerType=primary&ApplicationName="
        + applicationName
        + "&connectTimeout=2&socketTimeout=15&tcpKeepAlive=true";
  }

  /** A new superuser connection of the suite itself (not a fault target); the caller closes it. */
  Connection superuser() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(ADMIN_APPLICATION), "postgres", "");
  }

  /** Runs statements as the superuser on a connection of their own. */
  void execute(String... statements) {
    try (Connection c = superuser();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("superuser SQL failed on " + name + ": " + e.getMessage(), e);
    }
  }

  /** The last lines of the server log, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server however it can, and deletes its data directory and log. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // we are the hook
    }
    try {
      if (Files.exists(dataDir.resolve("postmaster.pid"))) {
        try {
          thaw();
          pgCtlStop("immediate");
        } catch (RuntimeException e) {
          crash();
        }
      }
    } finally {
      running = false;
      deleteTree(dataDir);
      deleteTree(logFile);
    }
  }

  // ---------------------------------------------------------------- processes and files

  private String bin(String program) {
    return binDir.resolve(program).toString();
  }

  private void run(Duration timeout, String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      // PostgreSQL will not run as root; an unmapped user namespace makes it run as "nobody".
      full.addAll(List.of("unshare", "-U"));
    }
    full.addAll(List.of(command));
    exec(full, timeout, true);
  }

  private static String exec(List<String> command, Duration timeout, boolean mustSucceed) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      // pg_ctl's postmaster inherits nothing of ours but this pipe; read it to the end.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (mustSucceed && process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (exit " + process.exitValue() + "): " + command + "\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The embedded PostgreSQL binaries, unpacked (once per machine) by zonky's own code. */
  private static Path binaries() {
    try {
      Method prepare =
          EmbeddedPostgres.class.getDeclaredMethod(
              "prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      File pgDir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
      return pgDir.toPath().resolve("bin");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot unpack the embedded PostgreSQL binaries", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path freshDirectory(String name) {
    Path dir = ROOT.resolve(name + "-" + ProcessHandle.current().pid());
    deleteTree(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** Copies a running server's files for a base backup: no WAL, no pid file, no temp files. */
  private static void copyTree(Path from, Path to) throws IOException {
    List<String> skipped =
        List.of("postmaster.pid", "postmaster.opts", "standby.signal", "backup_label");
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path relative = from.relativize(source);
        Path target = to.resolve(relative.toString());
        boolean inWal = relative.startsWith("pg_wal") && relative.getNameCount() > 1;
        boolean volatileDir =
            relative.getNameCount() > 1
                && (relative.startsWith("pg_replslot")
                    || relative.startsWith("pg_stat_tmp")
                    || relative.startsWith("pgsql_tmp"));
        if (inWal || volatileDir || skipped.contains(relative.toString())) {
          continue;
        }
        try {
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (NoSuchFileException vanished) {
          // A file dropped while we copied: the WAL replay recreates what matters.
        }
      }
    }
    Files.createDirectories(to.resolve("pg_wal").resolve("archive_status"));
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
  }

  static void deleteTree(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + path, e);
    }
  }
}
