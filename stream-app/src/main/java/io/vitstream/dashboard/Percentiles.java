package io.vitstream.dashboard;

import java.util.Arrays;

/** Nearest-rank percentiles, as the demo's summary line computes them. */
final class Percentiles {
  private Percentiles() {}

  /**
   * The smallest value with at least {@code q} of the values at or below it.
   *
   * @param values any order; not modified
   * @param q in (0, 1]
   * @return NaN when there are no values
   */
  static double nearestRank(double[] values, double q) {
    if (q <= 0 || q > 1) {
      throw new IllegalArgumentException("q must be in (0, 1], got " + q);
    }
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
  }
}
