package dev.inventory.examples;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Checks of command-line values that picocli's types cannot express, with one wording. */
final class OptionChecks {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern PERCENT = Pattern.compile("([0-9]{1,9})%?");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9}(?:\\.[0-9]{1,3})?)(ms|s)");

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

  /** A share of a crowd, {@code 20%} (or {@code 20}): 0 to 100, in whole percent. */
  static int percent(CommandLine cl, String option, String value) {
    Matcher m = PERCENT.matcher(value.strip());
    if (!m.matches()) {
      throw new ParameterException(
          cl, option + " must be a share such as 20%, but was '" + value + "'");
    }
    int percent = Integer.parseInt(m.group(1));
    if (percent > 100) {
      throw new ParameterException(
          cl, option + " must be between 0% and 100%, but was " + percent + "%");
    }
    return percent;
  }

  /** A duration written {@code 250ms}, {@code 2s} or {@code 1.5s}, within bounds. */
  static Duration duration(
      CommandLine cl, String option, String value, Duration min, Duration max) {
    Matcher m = DURATION.matcher(value.strip());
    if (!m.matches() || (m.group(2).equals("ms") && m.group(1).contains("."))) {
      throw new ParameterException(
          cl, option + " must be a duration such as 2s, 1.5s or 250ms, but was '" + value + "'");
    }
    BigDecimal millis = new BigDecimal(m.group(1));
    if (m.group(2).equals("s")) {
      millis = millis.movePointRight(3);
    }
    Duration duration = Duration.ofMillis(millis.longValueExact());
    if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
      throw new ParameterException(
          cl,
          option
              + " must be between "
              + FlashSaleCheckout.show(min)
              + " and "
              + FlashSaleCheckout.show(max)
              + ", but was "
              + value.strip());
    }
    return duration;
  }
}
