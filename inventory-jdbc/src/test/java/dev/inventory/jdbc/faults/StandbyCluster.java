package dev.inventory.jdbc.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A primary and a synchronous streaming standby on loopback, on two fixed ports, so that one
 * multi-host JDBC URL ({@code targetServerType=primary}) reaches whichever is the primary through
 * failovers. Every acknowledged commit is on the standby ({@code synchronous_standby_names = '*'},
 * {@code synchronous_commit = on}), so a failover must lose nothing acknowledged.
 *
 * <p>A failover crashes the primary, promotes the standby, and builds a new standby from the new
 * primary (an online base backup) on the old primary's port, then makes it synchronous again. Not
 * thread-safe: the run's controller drives it; {@link #primary()} may be read from any thread.
 */
final class StandbyCluster implements AutoCloseable {
  private static final Duration SYNC_WAIT = Duration.ofSeconds(60);

  private final String name;
  private final List<Integer> ports;
  private volatile ScratchPostgres primary;
  private ScratchPostgres standby;
  private int generation;

  private StandbyCluster(String name, ScratchPostgres primary, ScratchPostgres standby) {
    this.name = name;
    this.primary = primary;
    this.standby = standby;
    this.ports = List.of(primary.port(), standby.port());
  }

  /** Starts a primary, then its standby, and waits until the standby is synchronous. */
  static StandbyCluster start(String name, Map<String, String> settings) {
    ScratchPostgres primary = ScratchPostgres.create(name + "-0", settings);
    ScratchPostgres standby = null;
    try {
      primary.start();
      standby = ScratchPostgres.standbyOf(primary, name + "-1");
      standby.start();
      StandbyCluster cluster = new StandbyCluster(name, primary, standby);
      cluster.generation = 1;
      cluster.makeSynchronous();
      return cluster;
    } catch (RuntimeException e) {
      if (standby != null) {
        standby.close();
      }
      primary.close();
      throw e;
    }
  }

  ScratchPostgres primary() {
    return primary;
  }

  ScratchPostgres standby() {
    return standby;
  }

  /** One URL for both servers: connects to the primary, wherever it is now. */
  String jdbcUrl(String applicationName) {
    return ScratchPostgres.jdbcUrl(ports, applicationName);
  }

  /** Crash of the primary and crash recovery in place; the standby reconnects by itself. */
  void restartPrimary() {
    primary.crash();
    primary.start();
  }

  /** The primary crashes; the synchronous standby is promoted; a new standby is built. */
  void failover() {
    ScratchPostgres old = primary;
    old.crash();
    standby.promote();
    primary = standby;
    old.close();
    generation++;
    standby = ScratchPostgres.standbyOf(primary, name + "-" + generation, old.port());
    standby.start();
    makeSynchronous();
  }

  /** Every process of the primary stopped (SIGSTOP) for a while: open connections hang. */
  void freezePrimary(Duration howLong) {
    primary.freeze();
    try {
      Thread.sleep(howLong.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      primary.thaw();
    }
  }

  /** Makes the primary wait for its standby at every commit, and waits until it does. */
  private void makeSynchronous() {
    primary.execute("ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()");
    long deadline = System.nanoTime() + SYNC_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = primary.superuser();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"
                      + " AND state = 'streaming'")) {
        rs.next();
        if (rs.getInt(1) == 1) {
          return;
        }
      } catch (SQLException e) {
        // not ready yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(
        "standby " + standby.name() + " did not become synchronous:\n" + standby.logTail(20));
  }

  @Override
  public void close() {
    try {
      standby.close();
    } finally {
      primary.close();
    }
  }
}
