package dev.inventory.examples;

import dev.inventory.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar examples/target/inventory-examples.jar <command>}: the demos and the benchmark.
 */
@Command(
    name = "inventory-examples",
    mixinStandardHelpOptions = true,
    version = "inventory-examples 0.1.0-SNAPSHOT",
    description = "Demos and benchmark of the inventory reservation library.",
    subcommands = {CommandLine.HelpCommand.class, BenchCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
  }
}
