package dev.inventory.examples;

/**
 * What the output goes to: a person at a terminal (progress bars, colors) or anything else (a pipe,
 * a file, a test), which gets plain text only.
 *
 * @param interactive stdout is a terminal: progress bars may redraw a line
 * @param colors ANSI colors may be used (a terminal, and {@code NO_COLOR} is not set)
 */
record Terminal(boolean interactive, boolean colors) {
  /** Plain output: for captured output, pipes and files. */
  static final Terminal PLAIN = new Terminal(false, false);

  /** Looks at the process's own stdout. */
  static Terminal detect() {
    boolean console = System.console() != null;
    String term = System.getenv("TERM");
    boolean colors = console && System.getenv("NO_COLOR") == null && !"dumb".equals(term);
    return new Terminal(console, colors);
  }

  String bold(String text) {
    return ansi("1", text);
  }

  String green(String text) {
    return ansi("1;32", text);
  }

  String red(String text) {
    return ansi("1;31", text);
  }

  String dim(String text) {
    return ansi("2", text);
  }

  private String ansi(String code, String text) {
    return colors ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }
}
