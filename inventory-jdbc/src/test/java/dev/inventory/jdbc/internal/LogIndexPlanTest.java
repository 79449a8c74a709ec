package dev.inventory.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.jdbc.JdbcInventory;
import dev.inventory.jdbc.TestDatabase;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
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
  private static final OffsetDateTime EVER_FROM =
      OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final OffsetDateTime EVER_TO =
      OffsetDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;
  private static StockOpsSql sql;

  /** 50,000 entries over 1,000 keys in the first era, as many three eras on, then ANALYZE. */
  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(2);
    schema = TestDatabase.newSchema(LogIndexPlanTest.class);
    JdbcInventory.builder(pool).schema(schema).build();
    jdbi = Jdbi.create(pool);
    sql = new StockOpsSql(schema);
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
        "SELECT setval('" + schema + ".inventory_log_id_seq', " + 4 * StockOpsSql.LOG_ERA + ")",
        fill,
        "ANALYZE " + schema + ".inventory_log");
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  private static String plan(String statement, java.util.function.Consumer<Query> binds) {
    return jdbi.withHandle(
        h -> {
          Query q = h.createQuery("EXPLAIN " + statement);
          binds.accept(q);
          return String.join("\n", q.mapTo(String.class).list());
        });
  }

  @Test
  @DisplayName("a history page descends the index era by era")
  void historyUsesTheIndex() {
    String plan =
        plan(
            sql.history(),
            q ->
                q.bind("sku", "K7")
                    .bind("location", "default")
                    .bind("from", EVER_FROM)
                    .bind("to", EVER_TO)
                    .bind("before", Long.MAX_VALUE)
                    .bind("limit", 51));

    assertThat(plan).contains(INDEX).doesNotContain("Seq Scan on inventory_log");
  }

  @Test
  @DisplayName("an audit of one key, or of a hundred, descends the index per key and era")
  void auditOfKeysUsesTheIndex() {
    for (int count : new int[] {1, 100}) {
      List<String> skus = IntStream.range(0, count).mapToObj(i -> "K" + i * 7).toList();
      List<String> locations = skus.stream().map(s -> "default").toList();
      long lastEra =
          jdbi.withHandle(h -> h.createQuery(sql.lastLogId()).mapTo(Long.class).one())
              / StockOpsSql.LOG_ERA;

      String plan =
          plan(
              sql.auditKeysThroughIndex(),
              q ->
                  q.bindArray("skus", String.class, skus)
                      .bindArray("locations", String.class, locations)
                      .bind("lastEra", lastEra));

      assertThat(lastEra).isEqualTo(4);
      assertThat(plan).as("%d keys", count).contains(INDEX);
      assertThat(plan).as("%d keys", count).doesNotContain("Seq Scan on inventory_log");
    }
  }

  @Test
  @DisplayName("an audit descends the index while that costs less than one pass over the log")
  void auditChoosesDescentsOrOnePass() {
    // A small log: up to 100,000 descents.
    assertThat(PostgresStockLedger.auditThroughIndex(100_000, 500)).isTrue();
    assertThat(PostgresStockLedger.auditThroughIndex(100_001, 500)).isFalse();
    assertThat(PostgresStockLedger.auditThroughIndex(7_000, 12 * StockOpsSql.LOG_ERA)).isTrue();
    // A large log: one descent per 16 entries, about 16,000 keys whatever its size.
    assertThat(PostgresStockLedger.auditThroughIndex(16_000, 1_000_000_000)).isTrue();
    assertThat(PostgresStockLedger.auditThroughIndex(16_500, 1_000_000_000)).isFalse();
  }
}
