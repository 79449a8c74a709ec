package dev.inventory.examples.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles and medians. */
final class Stats {
  private Stats() {}

  /** The nearest-rank percentile of sorted values; NaN if there are none. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)];
  }

  /** The median (mean of the middle two for an even count); NaN if there are none. */
  static double median(List<Double> values) {
    double[] v = values.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
