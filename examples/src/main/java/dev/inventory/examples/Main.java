package dev.inventory.examples;

import dev.inventory.InventoryUnavailableException;
import dev.inventory.examples.bench.BenchCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code java -jar examples/target/inventory-examples.jar <command>}: the demos and the benchmark.
 */
@Command(
    name = "inventory-examples",
    mixinStandardHelpOptions = true,
    version = "inventory-examples 0.1.0-SNAPSHOT",
    description = {
      "Demos and benchmark of the inventory reservation library: stock that is never oversold.",
      "",
      "Runs on an embedded PostgreSQL unless --url or INVENTORY_JDBC_URL names a server.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    subcommands = {
      FlashSaleCommand.class,
      CheckoutCommand.class,
      BenchCommand.class,
      ReportCommand.class,
      StockBenchCommand.class,
      TenantsBenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Try: java -jar examples/target/inventory-examples.jar flash-sale",
      "     java -jar examples/target/inventory-examples.jar checkout",
      "     java -jar examples/target/inventory-examples.jar bench --help",
      "     java -jar examples/target/inventory-examples.jar report",
      "     java -jar examples/target/inventory-examples.jar flash-sale --help"
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Terminal terminal;

  private Main(Terminal terminal) {
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    // One line per record for the library's System.Logger output (the sweeper's, for one).
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
    }
    Terminal terminal = Terminal.detect();
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(terminal, out, err, args));
  }

  /** Runs a command line on stdout and stderr and returns its exit code, as {@code main} would. */
  public static int run(String... args) {
    return run(
        Terminal.PLAIN, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * Runs a command line and returns its exit code; output goes to {@code out}, errors to {@code
   * err}, in plain text (no colors, no progress bar). Tests call this instead of {@code main}.
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(Terminal.PLAIN, out, err, args);
  }

  static int run(Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine =
        new CommandLine(new Main(terminal))
            .setOut(out)
            .setErr(err)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setColorScheme(
                CommandLine.Help.defaultColorScheme(terminal.colors() ? Ansi.ON : Ansi.OFF))
            .setParameterExceptionHandler(Main::badUsage)
            .setExecutionExceptionHandler((e, cmd, parseResult) -> failed(e, cmd.getErr()));
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  Terminal terminal() {
    return terminal;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing command: flash-sale or checkout (see --help)");
  }

  /** Bad options: the problem in one line, suggestions if any, and where to find help. */
  private static int badUsage(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.isUnknownOption()
        && !cmd.getSubcommands().isEmpty()
        && !unmatched.getUnmatched().isEmpty()) {
      message =
          "Unknown command '"
              + unmatched.getUnmatched().get(0)
              + "'; the commands are "
              + String.join(", ", List.copyOf(cmd.getSubcommands().keySet()));
    }
    err.println("error: " + message);
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** A failure while running: a clear line for the expected ones, a stack trace for the rest. */
  private static int failed(Exception e, PrintWriter err) {
    if (e instanceof ExampleDatabase.UnreachableException
        || e instanceof InventoryUnavailableException) {
      err.println("error: " + e.getMessage());
    } else {
      err.println("error: " + e);
      e.printStackTrace(err);
    }
    return 1;
  }
}
