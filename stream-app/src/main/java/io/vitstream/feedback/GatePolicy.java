package io.vitstream.feedback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a fine-tuned candidate replaces the champion, from paired comparisons of both on
 * the same images: a holdout (fresh labelled feedback never trained on) and a fixed regression set
 * of original images, against forgetting. A candidate is promoted iff
 *
 * <ul>
 *   <li>the holdout has at least {@code minHoldout} images, the candidate's holdout gain is at
 *       least {@code minImprovement}, and McNemar's exact test of the gain has p below {@code
 *       alpha};
 *   <li>on the regression set, the upper 95% bound of its loss against the champion is at most
 *       {@code regressionTolerance} (a non-inferiority test, so a small set cannot hide a loss),
 *       and its point loss against the baseline (the version fine-tuning started from) is at most
 *       the tolerance too, so forgetting cannot add up over a chain of promotions that each lose a
 *       little.
 * </ul>
 *
 * @param minImprovement how much the candidate must beat the champion on the holdout
 * @param regressionTolerance how much the candidate may lose on the regression set
 * @param minHoldout the fewest holdout examples a decision needs
 * @param alpha the McNemar p-value the holdout gain must fall below
 */
public record GatePolicy(
    double minImprovement, double regressionTolerance, int minHoldout, double alpha) {
  /** The McNemar level when none is given. */
  public static final double DEFAULT_ALPHA = 0.05;

  /** The regression set below which the paired test only sees large losses. */
  public static final int RECOMMENDED_REGRESSION_SIZE = 5000;

  /**
   * Accuracies are counts over a set; a loss of exactly the tolerance must not fail on rounding.
   */
  private static final double EPSILON = 1e-9;

  public GatePolicy {
    if (minImprovement < 0 || regressionTolerance < 0 || minHoldout < 1) {
      throw new IllegalArgumentException("gate margins must be >= 0 and minHoldout >= 1");
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("gate alpha must be in (0, 1], got " + alpha);
    }
  }

  /** A gate with McNemar at {@value #DEFAULT_ALPHA}. */
  public GatePolicy(double minImprovement, double regressionTolerance, int minHoldout) {
    this(minImprovement, regressionTolerance, minHoldout, DEFAULT_ALPHA);
  }

  /**
   * Both models on both sets, image by image.
   *
   * @param holdout champion and candidate on the holdout
   * @param regression champion and candidate on the regression set
   * @param baselineRegression the baseline's regression-set accuracy: the version that fine-tuning
   *     started from (the champion itself when it was not fine-tuned)
   */
  public record Metrics(
      PairedComparison holdout, PairedComparison regression, double baselineRegression) {

    public int holdoutSize() {
      return holdout.n();
    }

    public double championHoldout() {
      return holdout.championAccuracy();
    }

    public double candidateHoldout() {
      return holdout.candidateAccuracy();
    }

    public double championRegression() {
      return regression.championAccuracy();
    }

    public double candidateRegression() {
      return regression.candidateAccuracy();
    }

    /** The candidate's regression loss against the champion (champion - candidate), 95% CI. */
    public PairedComparison.Interval regressionLoss() {
      return regression.differenceInterval().negate();
    }

    /** The candidate's regression loss against the baseline (point estimate). */
    public double baselineLoss() {
      return baselineRegression - regression.candidateAccuracy();
    }

    /** The numbers for the ModelVersion event's metrics map. */
    public Map<String, Double> asMap() {
      PairedComparison.Interval gain = holdout.differenceInterval();
      PairedComparison.Interval loss = regressionLoss();
      Map<String, Double> m = new HashMap<>();
      m.put("holdout_size", (double) holdout.n());
      m.put("champion_holdout_accuracy", championHoldout());
      m.put("candidate_holdout_accuracy", candidateHoldout());
      m.put("champion_regression_accuracy", championRegression());
      m.put("candidate_regression_accuracy", candidateRegression());
      m.put("baseline_regression_accuracy", baselineRegression);
      m.put("holdout_n", (double) holdout.n());
      m.put("holdout_b", (double) holdout.championOnly());
      m.put("holdout_c", (double) holdout.candidateOnly());
      m.put("holdout_p", holdout.mcNemarP());
      m.put("holdout_log10_p", holdout.mcNemarLog10P());
      m.put("holdout_gain", holdout.difference());
      m.put("holdout_gain_low", gain.low());
      m.put("holdout_gain_high", gain.high());
      m.put("regression_n", (double) regression.n());
      m.put("regression_b", (double) regression.championOnly());
      m.put("regression_c", (double) regression.candidateOnly());
      m.put("regression_p", regression.mcNemarP());
      m.put("regression_loss", -regression.difference());
      m.put("regression_loss_low", loss.low());
      m.put("regression_loss_high", loss.high());
      m.put("regression_baseline_loss", baselineLoss());
      return m;
    }
  }

  /**
   * The decision and its reason.
   *
   * @param promote whether the candidate becomes the champion
   * @param reason one line for the ModelVersion event and the logs: the verdict, then the tests,
   *     sample sizes and intervals
   */
  public record Decision(boolean promote, String reason) {}

  /** Applies the gate. */
  public Decision decide(Metrics m) {
    PairedComparison holdout = m.holdout();
    List<String> failed = new ArrayList<>();
    if (holdout.n() < minHoldout) {
      failed.add("holdout n=" + holdout.n() + " < " + minHoldout);
    }
    double gain = holdout.difference();
    if (!(gain >= minImprovement - EPSILON)) {
      failed.add(format("holdout gain %+.4f < %.4f", gain, minImprovement));
    }
    if (!(holdout.mcNemarP() < alpha)) {
      failed.add("McNemar p=" + holdout.formatP() + " >= " + alpha);
    }
    double lossHigh = m.regressionLoss().high();
    if (!(lossHigh <= regressionTolerance + EPSILON)) {
      failed.add(format("regression loss bound %+.4f > %.4f", lossHigh, regressionTolerance));
    }
    double baselineLoss = m.baselineLoss();
    if (!(baselineLoss <= regressionTolerance + EPSILON)) {
      failed.add(
          format(
              "regression loss vs baseline %+.4f > %.4f (baseline %.4f)",
              baselineLoss, regressionTolerance, m.baselineRegression()));
    }
    String verdict = failed.isEmpty() ? "promote" : "reject: " + String.join(", ", failed);
    return new Decision(failed.isEmpty(), verdict + "; " + describe(m));
  }

  /**
   * The tests, sizes and intervals, e.g. {@code holdout n=412: gain +0.701 95% CI [+0.652, +0.744],
   * exact McNemar b=3 c=292 p=1e-82; regression n=5000: loss +0.0012 95% CI [-0.0012, +0.0036] <=
   * 0.0100, vs baseline +0.0012}.
   */
  String describe(Metrics m) {
    PairedComparison h = m.holdout();
    PairedComparison r = m.regression();
    PairedComparison.Interval gain = h.differenceInterval();
    PairedComparison.Interval loss = m.regressionLoss();
    return format(
        "holdout n=%d: gain %+.3f 95%% CI [%+.3f, %+.3f], exact McNemar b=%d c=%d p=%s;"
            + " regression n=%d: loss %+.4f 95%% CI [%+.4f, %+.4f] %s %.4f, vs baseline %+.4f",
        h.n(),
        h.difference(),
        gain.low(),
        gain.high(),
        h.championOnly(),
        h.candidateOnly(),
        h.formatP(),
        r.n(),
        -r.difference(),
        loss.low(),
        loss.high(),
        loss.high() <= regressionTolerance + EPSILON ? "<=" : ">",
        regressionTolerance,
        m.baselineLoss());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
