package dev.inventory.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput against threads, one line per approach, one panel per workload and operation; written
 * by hand, so the benchmark needs no charting library. Threads are spaced evenly (they are usually
 * 1, 8, 32, 64); each point is the median over rounds.
 */
final class SvgChart {
  /** One per approach of the run, in its order; repeated past the last. */
  private static final String[] COLORS = {
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private static final int PANEL_W = 460;
  private static final int PANEL_H = 300;
  private static final int MARGIN_L = 70;
  private static final int MARGIN_R = 20;
  private static final int MARGIN_T = 40;
  private static final int MARGIN_B = 45;
  private static final int HEADER = 80;

  private SvgChart() {}

  static String render(
      Results results,
      Environment env,
      List<Workload> workloads,
      List<Op> ops,
      List<Integer> threads,
      List<String> approaches) {
    int columns = Math.max(workloads.size(), 1);
    int rows = Math.max(ops.size(), 1);
    int width = columns * PANEL_W;
    int height = HEADER + rows * PANEL_H + 10;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            width,
            height,
            width,
            height));
    svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    text(svg, 12, 22, 16, "start", "Inventory reservations: throughput against threads");
    text(svg, 12, 42, 11, "start", env.summary());
    text(svg, 12, 58, 11, "start", env.database() + " · " + env.startedAt());
    // legend
    int x = 12;
    for (int i = 0; i < approaches.size(); i++) {
      String color = COLORS[i % COLORS.length];
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"72\" x2=\"%d\" y2=\"72\" stroke=\"%s\" stroke-width=\"3\"/>%n",
              x,
              x + 24,
              color));
      text(svg, x + 30, 76, 12, "start", approaches.get(i));
      x += 40 + 8 * approaches.get(i).length();
    }
    for (int row = 0; row < ops.size(); row++) {
      for (int col = 0; col < workloads.size(); col++) {
        panel(
            svg,
            results,
            workloads.get(col),
            ops.get(row),
            threads,
            approaches,
            col * PANEL_W,
            HEADER + row * PANEL_H);
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void panel(
      StringBuilder svg,
      Results results,
      Workload workload,
      Op op,
      List<Integer> threads,
      List<String> approaches,
      int left,
      int top) {
    int plotW = PANEL_W - MARGIN_L - MARGIN_R;
    int plotH = PANEL_H - MARGIN_T - MARGIN_B;
    int x0 = left + MARGIN_L;
    int y0 = top + MARGIN_T;
    double max = 0;
    List<double[]> series = new ArrayList<>();
    for (String approach : approaches) {
      double[] values = new double[threads.size()];
      for (int i = 0; i < threads.size(); i++) {
        values[i] =
            Results.median(
                results.cells(
                    Results.SECTION_BENCH, workload.label, op.label, threads.get(i), approach),
                CellResult::opsPerSecond);
        if (!Double.isNaN(values[i])) {
          max = Math.max(max, values[i]);
        }
      }
      series.add(values);
    }
    double top10 = niceCeiling(max);
    text(
        svg,
        left + PANEL_W / 2,
        top + 22,
        14,
        "middle",
        workload.label + " · " + op.label + " (ops/s, median of rounds)");
    // axes and grid
    for (int t = 0; t <= 5; t++) {
      double v = top10 * t / 5;
      double y = y0 + plotH - plotH * t / 5.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              x0,
              y,
              x0 + plotW,
              y));
      text(svg, x0 - 6, (int) y + 4, 11, "end", String.format(Locale.ROOT, "%,.0f", v));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
            x0,
            y0 + plotH,
            x0 + plotW,
            y0 + plotH));
    for (int i = 0; i < threads.size(); i++) {
      text(
          svg,
          (int) xOf(i, threads.size(), x0, plotW),
          y0 + plotH + 16,
          11,
          "middle",
          threads.get(i).toString());
    }
    text(svg, x0 + plotW / 2, y0 + plotH + 34, 11, "middle", "threads");
    for (int s = 0; s < series.size(); s++) {
      double[] values = series.get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (Double.isNaN(values[i]) || top10 == 0) {
          continue;
        }
        double px = xOf(i, values.length, x0, plotW);
        double py = y0 + plotH - plotH * values[i] / top10;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %.0f ops/s at %d"
                    + " threads</title></circle>%n",
                px,
                py,
                color,
                approaches.get(s),
                values[i],
                threads.get(i)));
      }
      if (points.length() > 0) {
        svg.append(
            String.format(
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                color, points.toString().trim()));
      }
    }
  }

  private static double xOf(int i, int n, int x0, int plotW) {
    return n == 1 ? x0 + plotW / 2.0 : x0 + 15 + (plotW - 30) * i / (double) (n - 1);
  }

  private static double niceCeiling(double max) {
    if (max <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= max * 1.05) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static void text(StringBuilder svg, int x, int y, int size, String anchor, String s) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
            x,
            y,
            size,
            anchor,
            escape(s)));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
