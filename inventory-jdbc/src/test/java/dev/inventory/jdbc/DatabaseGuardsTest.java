package dev.inventory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The database itself guards the stock")
class DatabaseGuardsTest {
  private static HikariDataSource pool;
  private static String schema;
  private static Jdbi jdbi;
  private static Inventory inventory;

  @BeforeAll
  static void open() {
    pool = TestDatabase.pool(4);
    schema = TestDatabase.newSchema(DatabaseGuardsTest.class);
    inventory = JdbcInventory.builder(pool).schema(schema).build();
    jdbi = Jdbi.create(pool);
    inventory.receive(StockKey.of("GUARD"), 5, "delivery");
    inventory.reserve(ReservationRequest.builder("guard-cart").line("GUARD", 2).build());
  }

  @AfterAll
  static void close() {
    TestDatabase.dropSchema(pool, schema);
    pool.close();
  }

  private static void sql(String statement) {
    jdbi.useHandle(h -> h.execute(statement.replace("${schema}", schema)));
  }

  @Test
  @DisplayName("an UPDATE of the log is refused")
  void logRefusesUpdate() {
    assertThatThrownBy(() -> sql("UPDATE ${schema}.inventory_log SET on_hand_delta = 100"))
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageContaining("append-only");
  }

  @Test
  @DisplayName("a DELETE from the log is refused")
  void logRefusesDelete() {
    assertThatThrownBy(() -> sql("DELETE FROM ${schema}.inventory_log"))
        .hasMessageContaining("append-only");
  }

  @Test
  @DisplayName("a TRUNCATE of the log is refused")
  void logRefusesTruncate() {
    assertThatThrownBy(() -> sql("TRUNCATE ${schema}.inventory_log"))
        .hasMessageContaining("append-only");
    long rows =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM " + schema + ".inventory_log")
                    .mapTo(Long.class)
                    .one());
    assertThat(rows).isPositive();
  }

  @Test
  @DisplayName("reserving more than on-hand is refused even by hand-written SQL")
  void checkConstraintRefusesOversell() {
    assertThatThrownBy(
            () ->
                sql(
                    "UPDATE ${schema}.stock_level SET reserved = on_hand + 1"
                        + " WHERE sku = 'GUARD'"))
        .hasMessageContaining("stock_level_never_oversold");
  }

  @Test
  @DisplayName("a negative reserved count is refused even by hand-written SQL")
  void checkConstraintRefusesNegativeReserved() {
    assertThatThrownBy(() -> sql("UPDATE ${schema}.stock_level SET reserved = -1"))
        .hasMessageContaining("stock_level_never_oversold");
  }

  @Test
  @DisplayName("no SELECT ... FOR UPDATE in the main code outside the expiry sweep")
  void noLockingReadsOnTheHotPath() throws IOException {
    List<String> offenders = new ArrayList<>();
    // A statement is a String constant of a statement class: "String NAME =".
    Pattern method = Pattern.compile("String (\\w+) =");
    try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(file);
        String[] lines = text.split("\n", -1);
        int offset = 0;
        for (String line : lines) {
          String code = line.strip();
          boolean comment =
              code.startsWith("*")
                  || code.startsWith("/*")
                  || code.startsWith("//")
                  || code.startsWith("--");
          if (!comment && line.contains("FOR UPDATE")) {
            // The statement the occurrence sits in: the last "String NAME =" before it.
            Matcher m = method.matcher(text.substring(0, offset));
            String owner = "(none)";
            while (m.find()) {
              owner = m.group(1);
            }
            if (!List.of("EXPIRE_DUE", "EXPIRE_DUE_ON_KEYS", "EXPIRE_DUE_OF_BUYER")
                .contains(owner)) {
              offenders.add(file + " in " + owner + ": " + code);
            }
          }
          offset += line.length() + 1;
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
