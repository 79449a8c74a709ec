package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The queries that read one key's log must reach it through the era-led key index. They return the
 * same rows through a read of the whole log, so only their plans can tell: a query that divided ids
 * by another number than the index does would pass every other test and read the whole log on every
 * call.
 */
@DisplayName("Reading a key's log goes through the era-led key index")
class LogIndexPlanTest {
  private static final String INDEX = "inventory_log_by_era_and_key";
  private static final String SEQ_SCAN = "Seq Scan on inventory_log";

  /** The index searched by era, not read whole. */
  private static final String BY_ERA = "Index Cond: (((id / " + SqlText.LOG_ERA + ") = ";

  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;
  private static LedgerSql ledgerSql;
  private static AuditSql auditSql;

  /** 50,000 entries over 1,000 keys in the first era, as many three eras on, then ANALYZE. */
  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(2);
    schema = TestDatabase.newSchema(LogIndexPlanTest.class);
    JdbcInventory.builder(pool).schema(schema).build();
    jdbi = Jdbi.create(pool);
    ledgerSql = new LedgerSql(new SqlText(schema));
    auditSql = new AuditSql(new SqlText(schema));
    String fill =
        "INSERT INTO "
            + schema
            + ".inventory_log (at, sku, location, kind, on_hand_delta, reserved_delta,"
            + " on_hand_after, reserved_after)"
            + " SELECT now(), 'K' || (i % 1000), 'default', 'RECEIVE', 1, 0, 1, 0"
            + " FROM generate_series(1, 50000) AS i";
    TestDatabase.execute(
        pool,
        fill,
        "SELECT setval('" + schema + ".inventory_log_id_seq', " + 4 * SqlText.LOG_ERA + ")",
        fill,
        "ANALYZE " + schema + ".inventory_log");
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  /** A parameter of a statement: its name, its SQL type and a value as an SQL literal. */
  private record Param(String name, String type, String value) {}

  /**
   * The plans of a statement: with its parameters as values (what a first call gets), and the
   * generic plan PostgreSQL may cache for a prepared statement after five calls (pgjdbc prepares a
   * statement on the server from its fifth use on a connection).
   */
  private static List<String> plans(String statement, Param... params) throws SQLException {
    String valued = statement;
    String numbered = statement;
    for (int i = 0; i < params.length; i++) {
      Pattern name = Pattern.compile("(?<!:):" + params[i].name() + "\\b");
      String cast = "::" + params[i].type();
      valued = name.matcher(valued).replaceAll(Matcher.quoteReplacement(params[i].value() + cast));
      numbered = name.matcher(numbered).replaceAll(Matcher.quoteReplacement("$" + (i + 1) + cast));
    }
    String values =
        Arrays.stream(params)
            .map(p -> p.value() + "::" + p.type())
            .collect(Collectors.joining(", "));
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      String custom = explain(s, "EXPLAIN " + valued);
      s.execute("PREPARE plan_test AS " + numbered);
      s.execute("SET plan_cache_mode = force_generic_plan");
      String generic = explain(s, "EXPLAIN EXECUTE plan_test(" + values + ")");
      s.execute("DEALLOCATE plan_test");
      s.execute("RESET plan_cache_mode");
      return List.of(custom, generic);
    }
  }

  private static String explain(Statement s, String explain) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = s.executeQuery(explain)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  @Test
  @DisplayName("the era width is the one the V4 index and the tests' era skipping divide by")
  void eraWidthIsTheIndexOne() {
    // Written out as 262144 in V4, in MigratedSchema.skipLogEras and in HistoryTest.pagesCrossEras.
    assertThat(SqlText.LOG_ERA).isEqualTo(262_144);
  }

  @Test
  @DisplayName("a history page descends the index era by era, in a generic plan too")
  void historyUsesTheIndex() throws SQLException {
    List<String> plans =
        plans(
            ledgerSql.historyText(),
            new Param("sku", "text", "'K7'"),
            new Param("location", "text", "'default'"),
            new Param("from", "timestamptz", "'2000-01-01T00:00:00Z'"),
            new Param("to", "timestamptz", "'2100-01-01T00:00:00Z'"),
            new Param("before", "bigint", Long.toString(Long.MAX_VALUE)),
            new Param("limit", "int", "51"));

    assertThat(plans)
        .allSatisfy(p -> assertThat(p).contains(INDEX, BY_ERA).doesNotContain(SEQ_SCAN));
    assertThat(plans.get(1)).as("the generic plan").contains("$1");
  }

  @Test
  @DisplayName("an audit of one key, or of a hundred, descends the index per key and era")
  void auditOfKeysUsesTheIndex() throws SQLException {
    long lastEra = jdbi.withHandle(h -> auditSql.lastLogId().run(Tx.on(h))) / SqlText.LOG_ERA;
    assertThat(lastEra).isEqualTo(4);
    for (int count : new int[] {1, 100}) {
      List<String> skus = IntStream.range(0, count).mapToObj(i -> "'K" + i * 7 + "'").toList();
      String locations =
          "ARRAY[" + String.join(", ", Collections.nCopies(count, "'default'")) + "]";

      List<String> plans =
          plans(
              auditSql.auditKeysThroughIndex(lastEra),
              new Param("skus", "text[]", "ARRAY[" + String.join(", ", skus) + "]"),
              new Param("locations", "text[]", locations));

      assertThat(plans)
          .as("%d keys", count)
          .allSatisfy(p -> assertThat(p).contains(INDEX, BY_ERA).doesNotContain(SEQ_SCAN));
    }
  }

  @Test
  @DisplayName("an audit descends the index while that costs less than one pass over the log")
  void auditChoosesDescentsOrOnePass() {
    // One descent per 16 entries: a small log of 500 entries, 31 keys in its one era.
    assertThat(Audit.auditThroughIndex(31, 500)).isTrue();
    assertThat(Audit.auditThroughIndex(32, 500)).isFalse();
    assertThat(Audit.auditThroughIndex(1, 0)).as("an empty log").isFalse();
    assertThat(Audit.auditThroughIndex(7_000, 12 * SqlText.LOG_ERA)).isTrue();
    // AuditTest.auditOfManyKeysReadsTheLogOnce: 20,000 keys past 11 eras go in one pass, 2 do not.
    assertThat(Audit.auditThroughIndex(20_000, 11L * SqlText.LOG_ERA)).isFalse();
    assertThat(Audit.auditThroughIndex(2, 11L * SqlText.LOG_ERA)).isTrue();
    // A large log: about 16,000 keys whatever its size.
    assertThat(Audit.auditThroughIndex(16_000, 1_000_000_000)).isTrue();
    assertThat(Audit.auditThroughIndex(16_500, 1_000_000_000)).isFalse();
  }
}
