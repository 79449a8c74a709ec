package dev.inventory.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The scratch PostgreSQL of the fault suite")
class ScratchPostgresTest {
  @Test
  @DisplayName("a crash (SIGKILL of every server process) keeps committed rows; the URL survives")
  void crashAndRestartKeepCommittedRowsOnTheSamePort() throws Exception {
    ScratchPostgres server = ScratchPostgres.create("scratch-test", Map.of());
    try (server) {
      server.start();
      server.execute("CREATE TABLE t (x int)", "INSERT INTO t VALUES (1), (2)");
      int port = server.port();
      long pid = server.postmasterPid();

      server.crash();
      assertThat(ProcessHandle.of(pid)).isEmpty();
      server.start();

      assertThat(server.port()).isEqualTo(port);
      assertThat(count(server)).isEqualTo(2);
    }
    assertThat(Files.exists(server.dataDir())).isFalse();
  }

  private static long count(ScratchPostgres server) throws Exception {
    try (Connection c = server.superuser();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
