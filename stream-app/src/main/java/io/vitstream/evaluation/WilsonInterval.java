package io.vitstream.evaluation;

/**
 * The 95% Wilson score interval of a proportion (Wilson 1927), without continuity correction: it
 * stays inside [0, 1] and is not empty at 0 or n successes, where the normal approximation fails.
 *
 * @param low the lower bound
 * @param high the upper bound
 */
public record WilsonInterval(double low, double high) {
  /** The two-sided 95% normal quantile. */
  public static final double Z95 = 1.959963984540054;

  /** The interval of {@code x} successes in {@code n} trials (n > 0). */
  public static WilsonInterval of(int x, int n) {
    if (n <= 0 || x < 0 || x > n) {
      throw new IllegalArgumentException("need 0 <= x <= n and n > 0, got " + x + " of " + n);
    }
    double p = (double) x / n;
    double z2 = Z95 * Z95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new WilsonInterval(Math.max(0, centre - half), Math.min(1, centre + half));
  }
}
