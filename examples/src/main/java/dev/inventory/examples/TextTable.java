package dev.inventory.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small aligned text table: numbers are right-aligned, text left-aligned, columns two spaces
 * apart. Cells may be any object; a {@link Number} or {@link Right} cell right-aligns its column.
 */
final class TextTable {
  private final String[] headers;
  private final boolean[] right;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = headers.clone();
    this.right = new boolean[headers.length];
  }

  /** A text cell that aligns right, like a number (for "1,234 ops/s"). */
  record Right(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  TextTable row(Object... cells) {
    if (cells.length != headers.length) {
      throw new IllegalArgumentException(
          "a row needs " + headers.length + " cells, but has " + cells.length);
    }
    String[] texts = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      Object cell = cells[i];
      texts[i] = cell == null ? "" : cell.toString();
      if (cell instanceof Number || cell instanceof Right) {
        right[i] = true;
      }
    }
    rows.add(texts);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Writes the header, then the rows, each line starting with {@code indent}. */
  void print(PrintWriter out, String indent) {
    int[] widths = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      widths[i] = headers[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    out.println(line(indent, headers, widths));
    for (String[] row : rows) {
      out.println(line(indent, row, widths));
    }
  }

  private String line(String indent, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append("  ");
      }
      String pad = " ".repeat(widths[i] - cells[i].length());
      line.append(right[i] ? pad + cells[i] : cells[i] + pad);
    }
    return line.toString().stripTrailing();
  }

  @Override
  public String toString() {
    return Arrays.deepToString(rows.toArray());
  }
}
