package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The benchmark's pools: set up as the library advises, so that it warns about none of them. */
class BenchPoolsTest {

  @Test
  void aBenchPoolHasASocketTimeoutAndALockTimeoutButNoStatementTimeout() throws Exception {
    try (HikariDataSource admin = TestDatabase.pool(1);
        HikariDataSource pool = new BenchPools(admin, "on").open(2);
        Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("10s");
      // A statement timeout would arm a timer for every statement of every approach.
      assertThat(rs.getString(2)).isEqualTo("0");
      assertThat(c.getNetworkTimeout()).isEqualTo(60_000);
    }
  }

  @Test
  void theLibraryBuiltOnABenchPoolLogsNoWarning() {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("dev.inventory.jdbc");
    logger.addHandler(handler);
    String schema = TestDatabase.newSchema(BenchPoolsTest.class);
    try (HikariDataSource admin = TestDatabase.pool(1);
        HikariDataSource pool = new BenchPools(admin, "on").open(2)) {
      try {
        JdbcInventory.builder(pool).schema(schema).build();
      } finally {
        TestDatabase.dropSchema(admin, schema);
      }
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
  }
}
