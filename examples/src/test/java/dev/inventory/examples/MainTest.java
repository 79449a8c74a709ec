package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.examples.Cli.Run;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  @DisplayName("--help lists the commands and exits 0")
  void helpListsTheCommands() {
    Run run = Cli.run("--help");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("Usage: inventory-examples")
        .contains("flash-sale")
        .contains("checkout")
        .contains("INVENTORY_JDBC_URL");
  }

  @Test
  @DisplayName("each command's --help lists its options")
  void commandHelpListsTheOptions() {
    Run flashSale = Cli.run("flash-sale", "--help");
    Run checkout = Cli.run("checkout", "--help");

    assertThat(flashSale.exitCode()).isZero();
    assertThat(flashSale.out())
        .contains("--units=N", "--buyers=M", "--threads=T", "--quantity=Q", "--url=JDBC_URL")
        .contains("--json", "--naive=WRITE", "Exit codes:");
    assertThat(checkout.exitCode()).isZero();
    assertThat(checkout.out()).contains("--url=JDBC_URL", "--keep");
  }

  @Test
  @DisplayName("an unknown command exits 2, names it and suggests the closest")
  void unknownCommand() {
    Run run = Cli.run("flashsale");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: Unknown command 'flashsale'; the commands are flash-sale, checkout, bench,"
                + " report, stock-bench, tenants-bench, help")
        .contains("Did you mean: inventory-examples flash-sale?")
        .contains("Try 'inventory-examples --help'");
    assertThat(run.out()).isEmpty();
  }

  @Test
  @DisplayName("no command at all exits 2 and says what to type")
  void missingCommand() {
    Run run = Cli.run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing command: flash-sale or checkout");
  }

  @Test
  @DisplayName("an unknown option exits 2 and names it")
  void unknownOption() {
    Run run = Cli.run("flash-sale", "--unit", "5");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("error: Unknown options: '--unit'")
        .contains("Possible solutions: --units");
  }
}
