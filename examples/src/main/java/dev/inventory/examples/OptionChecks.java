package dev.inventory.examples;

import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Checks of command-line values that picocli's types cannot express, with one wording. */
final class OptionChecks {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private OptionChecks() {}

  /** A schema the command creates: a plain lower-case SQL identifier, as the library requires. */
  static void schema(CommandLine cl, String option, String value) {
    if (!SCHEMA.matcher(value).matches()) {
      throw new ParameterException(cl, option + " must be a plain lower-case SQL identifier");
    }
  }

  static void range(CommandLine cl, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ParameterException(
          cl,
          option
              + " must be between "
              + FlashSale.count(min)
              + " and "
              + FlashSale.count(max)
              + ", but was "
              + value);
    }
  }
}
