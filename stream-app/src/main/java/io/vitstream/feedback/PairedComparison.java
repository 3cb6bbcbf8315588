package io.vitstream.feedback;

import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.WilsonInterval;
import java.util.BitSet;
import java.util.Locale;

/**
 * A champion and a candidate classified the same n images: the paired 2x2 table of right and wrong,
 * the difference of their accuracies (candidate - champion) with a 95% confidence interval, and
 * McNemar's exact test.
 *
 * <p>The interval is Newcombe's hybrid score interval for paired proportions (Newcombe 1998, Stat
 * Med 17:2635, method 10): a Wilson score interval for each accuracy, combined by square-and-add
 * with the continuity-corrected correlation of the pair. It has no closed-form failures at b = c =
 * 0 or at accuracies of 0 or 1, stays within [-1, 1], and keeps close to 95% coverage at small
 * discordant counts, where the Wald interval collapses to a point. The test is exact: under the
 * null the b + c discordant images split as Binomial(b + c, 1/2); the two-sided p-value doubles the
 * smaller tail and is summed in log space so that b + c in the thousands does not underflow.
 *
 * @param bothRight images both classified correctly (a)
 * @param championOnly images only the champion classified correctly (b)
 * @param candidateOnly images only the candidate classified correctly (c)
 * @param bothWrong images both got wrong (d)
 */
public record PairedComparison(int bothRight, int championOnly, int candidateOnly, int bothWrong) {
  /** The standard normal quantile of 0.975: two-sided 95% intervals. */
  static final double Z95 = WilsonInterval.Z95;

  private static final double LN2 = Math.log(2);

  public PairedComparison {
    if (bothRight < 0 || championOnly < 0 || candidateOnly < 0 || bothWrong < 0) {
      throw new IllegalArgumentException("paired counts must be >= 0");
    }
  }

  /**
   * A confidence interval.
   *
   * @param low lower bound
   * @param high upper bound
   */
  public record Interval(double low, double high) {
    /** The interval of the negated quantity. */
    public Interval negate() {
      return new Interval(-high, -low);
    }
  }

  /** Pairs two evaluations of the same images, image by image. */
  public static PairedComparison of(Evaluation champion, Evaluation candidate) {
    if (champion.count() != candidate.count()) {
      throw new IllegalArgumentException(
          "paired evaluations need the same images, got "
              + champion.count()
              + " and "
              + candidate.count());
    }
    return of(champion.correct(), candidate.correct(), champion.count());
  }

  /** Pairs the correct images (bits 0..n-1) of two classifiers on the same n images. */
  public static PairedComparison of(BitSet champion, BitSet candidate, int n) {
    BitSet both = (BitSet) champion.clone();
    both.and(candidate);
    BitSet championOnly = (BitSet) champion.clone();
    championOnly.andNot(candidate);
    BitSet candidateOnly = (BitSet) candidate.clone();
    candidateOnly.andNot(champion);
    int a = both.get(0, n).cardinality();
    int b = championOnly.get(0, n).cardinality();
    int c = candidateOnly.get(0, n).cardinality();
    return new PairedComparison(a, b, c, n - a - b - c);
  }

  /** The number of images. */
  public int n() {
    return bothRight + championOnly + candidateOnly + bothWrong;
  }

  /** The champion's accuracy, (a + b) / n; NaN when n = 0. */
  public double championAccuracy() {
    return ratio(bothRight + championOnly);
  }

  /** The candidate's accuracy, (a + c) / n; NaN when n = 0. */
  public double candidateAccuracy() {
    return ratio(bothRight + candidateOnly);
  }

  /** Candidate minus champion accuracy, (c - b) / n; NaN when n = 0. */
  public double difference() {
    return ratio(candidateOnly - championOnly);
  }

  /** The 95% Newcombe (method 10) interval of {@link #difference()}; NaN bounds when n = 0. */
  public Interval differenceInterval() {
    int n = n();
    if (n == 0) {
      return new Interval(Double.NaN, Double.NaN);
    }
    int candRight = bothRight + candidateOnly;
    int champRight = bothRight + championOnly;
    return newcombe(candRight, n, champRight, n, correlation(n, candRight, champRight));
  }

  /**
   * The 95% Newcombe (method 10) interval of x1/n1 - x2/n2: the two Wilson intervals combined by
   * square-and-add with the correlation {@code phi} of the two proportions (0 for independent
   * samples, e.g. two windows of different images).
   */
  static Interval newcombe(int x1, int n1, int x2, int n2, double phi) {
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    Interval w1 = wilson(x1, n1);
    Interval w2 = wilson(x2, n2);
    double low1 = p1 - w1.low();
    double high1 = w1.high() - p1;
    double low2 = p2 - w2.low();
    double high2 = w2.high() - p2;
    double d = p1 - p2;
    double low = d - root(low1 * low1 - 2 * phi * low1 * high2 + high2 * high2);
    double high = d + root(high1 * high1 - 2 * phi * high1 * low2 + low2 * low2);
    return new Interval(Math.max(-1, low), Math.min(1, high));
  }

  /** McNemar's exact two-sided p-value, as log10 (0 when b = c = 0). */
  public double mcNemarLog10P() {
    int m = championOnly + candidateOnly;
    int k = Math.min(championOnly, candidateOnly);
    if (m == 0) {
      return 0;
    }
    // log P(X = j) for X ~ Binomial(m, 1/2), from P(X = 0) = 2^-m by the ratio (m - j + 1) / j
    double term = -m * LN2;
    double max = term;
    double[] terms = new double[k + 1];
    terms[0] = term;
    for (int j = 1; j <= k; j++) {
      term += Math.log((double) (m - j + 1) / j);
      terms[j] = term;
      max = Math.max(max, term);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    double lnP = Math.min(0, LN2 + max + Math.log(sum));
    return lnP / Math.log(10);
  }

  /** McNemar's exact two-sided p-value; 0 when it is below the smallest double. */
  public double mcNemarP() {
    return Math.pow(10, mcNemarLog10P());
  }

  /** The p-value in a few characters: "0.213", "0.0042", "2e-84", "3e-1505". */
  public String formatP() {
    double log10 = mcNemarLog10P();
    if (log10 >= -3) {
      return String.format(Locale.ROOT, "%.3g", Math.pow(10, log10));
    }
    int exponent = (int) Math.floor(log10);
    long mantissa = Math.round(Math.pow(10, log10 - exponent));
    if (mantissa == 10) {
      mantissa = 1;
      exponent++;
    }
    return mantissa + "e" + exponent;
  }

  private double ratio(int count) {
    int n = n();
    return n == 0 ? Double.NaN : (double) count / n;
  }

  /** The Wilson score interval of x successes in n, without continuity correction. */
  static Interval wilson(int x, int n) {
    WilsonInterval w = WilsonInterval.of(x, n);
    return new Interval(w.low(), w.high());
  }

  /**
   * Newcombe's continuity-corrected estimate of the correlation of the two accuracies: (ad - bc -
   * n/2) / sqrt(margins) when ad - bc exceeds n/2, 0 from 0 up to n/2, (ad - bc) / sqrt(margins)
   * below 0, and 0 when a margin is empty.
   */
  private double correlation(int n, int candRight, int champRight) {
    double margins = (double) candRight * (n - candRight) * (double) champRight * (n - champRight);
    if (margins == 0) {
      return 0;
    }
    double ad = (double) bothRight * bothWrong - (double) championOnly * candidateOnly;
    if (ad > n / 2.0) {
      return (ad - n / 2.0) / Math.sqrt(margins);
    }
    return ad >= 0 ? 0 : ad / Math.sqrt(margins);
  }

  private static double root(double x) {
    return Math.sqrt(Math.max(0, x));
  }
}
