package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.Cli.Run;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs the {@code checkout} walk-through against the test database and checks where it ends. */
class CheckoutCommandTest {
  private static final String URL = Cli.testDatabaseUrl();
  private static final Pattern LEVEL =
      Pattern.compile("^\\s+([A-Z0-9-]+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$", Pattern.MULTILINE);
  private static final Pattern SCHEMA = Pattern.compile("schema (checkout_[0-9]+)");

  private static Run run;

  @BeforeAll
  static void walkThrough() {
    run = Cli.run("checkout", "--url", URL);
  }

  @Test
  @DisplayName("ends with the expected stock: 1 lamp, 4 bulbs and 1 shade sold, nothing held")
  void endsWithTheExpectedLevels() {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    String end = run.out().substring(run.out().lastIndexOf("At the end"));
    Map<String, List<Long>> levels = new LinkedHashMap<>();
    Matcher m = LEVEL.matcher(end);
    while (m.find()) {
      levels.put(
          m.group(1),
          List.of(
              Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
    }
    assertThat(levels)
        .containsExactly(
            Map.entry("BULB-E27", List.of(36L, 0L, 36L)),
            Map.entry("LAMP-OAK", List.of(7L, 0L, 7L)),
            Map.entry("SHADE-LINEN", List.of(4L, 0L, 4L)));
  }

  @Test
  @DisplayName("walks the three carts through their lifecycles, in order")
  void narratesTheLifecycles() {
    assertThat(run.out())
        .containsSubsequence(
            "cart-alice HELD until",
            "inventory.amend(cart-alice",
            "cart-alice HELD until",
            "inventory.extend(cart-alice, 15 min)",
            "(no new log entries: no stock moved)",
            "cart-alice CONFIRMED",
            "CONFIRM",
            "cart-bob HELD until",
            "the sweeper expired 1 hold; inventory.findReservation(cart-bob) -> cart-bob EXPIRED",
            "EXPIRE",
            "cart-carol HELD until",
            "cart-carol RELEASED",
            "RELEASE",
            "At the end",
            "gives exactly these levels");
  }

  @Test
  @DisplayName("prints each step's new log entries, with the level after and the change")
  void printsTheLog() {
    assertThat(run.out())
        .containsPattern("RESERVE\\s+BULB-E27\\s+40\\s+2 \\(\\+2\\)\\s+cart-alice")
        .containsPattern("AMEND\\s+SHADE-LINEN\\s+5\\s+1 \\(\\+1\\)\\s+cart-alice")
        .containsPattern("CONFIRM\\s+BULB-E27\\s+36 \\(-4\\)\\s+0 \\(-4\\)\\s+cart-alice")
        .containsPattern("EXPIRE\\s+LAMP-OAK\\s+7\\s+0 \\(-2\\)\\s+cart-bob")
        .containsPattern("RELEASE\\s+SHADE-LINEN\\s+4\\s+0 \\(-1\\)\\s+cart-carol");
  }

  @Test
  @DisplayName("drops its schema afterwards")
  void dropsItsSchema() throws SQLException {
    Matcher m = SCHEMA.matcher(run.out());
    assertThat(m.find()).as(run.toString()).isTrue();
    assertThat(schemaExists(m.group(1))).isFalse();
  }

  @Test
  @DisplayName("with --keep keeps its schema, with the whole log in it")
  void keepsItsSchema() throws SQLException {
    Run kept = Cli.run("checkout", "--url", URL, "--keep");

    assertThat(kept.exitCode()).as(kept.toString()).isZero();
    Matcher m = SCHEMA.matcher(kept.out());
    assertThat(m.find()).isTrue();
    String schema = m.group(1);
    assertThat(kept.out()).contains("Kept schema(s) " + schema + " (--keep).");
    try (Connection c = DriverManager.getConnection(URL);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".inventory_log")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(16);
      }
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static boolean schemaExists(String schema) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }
}
