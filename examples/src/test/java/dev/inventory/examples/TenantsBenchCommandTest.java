package dev.inventory.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code tenants-bench} on tiny sizes against the test database, so that the command the
 * README's tenants section quotes cannot rot; its figures are not checked.
 */
@DisplayName("the tenants-bench command")
class TenantsBenchCommandTest {
  @Test
  @DisplayName("creates tenants, times them, and drops everything it created")
  void runs() {
    Cli.Run run =
        Cli.run(
            "tenants-bench",
            "--url",
            Cli.testDatabaseUrl(),
            "--prefix",
            "tb_" + ProcessHandle.current().pid(),
            "--tenants",
            "2",
            "--skus",
            "5",
            "--threads",
            "2",
            "--pool",
            "2",
            "--duration",
            "200ms",
            "--rounds",
            "1");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("With 1 tenant:", "create (migrate V1-V13, grant its role)")
        .contains("With 2 tenants:", "spread over 2 tenants", "migrateAll");
  }

  @Test
  @DisplayName("bad options are usage errors")
  void badOptions() {
    Cli.Run tenants = Cli.run("tenants-bench", "--tenants", "0");
    assertThat(tenants.exitCode()).isEqualTo(2);
    assertThat(tenants.err()).contains("--tenants must be between 1 and 2,000, but was 0");
  }
}
