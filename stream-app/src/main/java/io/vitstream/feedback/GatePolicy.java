package io.vitstream.feedback;

import java.util.Locale;

/**
 * Decides whether a fine-tuned candidate replaces the champion. Both are evaluated on the same
 * holdout (fresh labelled data never trained on) and on a fixed regression set from the original
 * test data, against forgetting. The regression check is anchored: a candidate may lose at most the
 * tolerance against the champion and against the baseline (the version fine-tuning started from),
 * so forgetting cannot add up over a chain of promotions that each lose a little.
 *
 * @param minImprovement how much the candidate must beat the champion on the holdout
 * @param regressionTolerance how much the candidate may lose on the regression set, against the
 *     better of the champion and the baseline
 * @param minHoldout the fewest holdout examples a decision needs
 */
public record GatePolicy(double minImprovement, double regressionTolerance, int minHoldout) {
  /**
   * Accuracies are counts over a set; a loss of exactly the tolerance must not fail on rounding.
   */
  private static final double EPSILON = 1e-9;

  public GatePolicy {
    if (minImprovement < 0 || regressionTolerance < 0 || minHoldout < 1) {
      throw new IllegalArgumentException("gate margins must be >= 0 and minHoldout >= 1");
    }
  }

  /**
   * Accuracies of both models on both sets.
   *
   * @param holdoutSize examples in the holdout
   * @param championHoldout the champion's holdout accuracy
   * @param candidateHoldout the candidate's holdout accuracy
   * @param championRegression the champion's regression-set accuracy
   * @param candidateRegression the candidate's regression-set accuracy
   * @param baselineRegression the baseline's regression-set accuracy: the version that fine-tuning
   *     started from (the champion itself when it was not fine-tuned)
   */
  public record Metrics(
      int holdoutSize,
      double championHoldout,
      double candidateHoldout,
      double championRegression,
      double candidateRegression,
      double baselineRegression) {

    /** The regression accuracy a candidate is measured against. */
    public double regressionReference() {
      return Math.max(championRegression, baselineRegression);
    }
  }

  /**
   * The decision and its reason.
   *
   * @param promote whether the candidate becomes the champion
   * @param reason one line for the ModelVersion event and the logs
   */
  public record Decision(boolean promote, String reason) {}

  /** Applies the gate. */
  public Decision decide(Metrics m) {
    if (m.holdoutSize() < minHoldout) {
      return new Decision(false, "holdout of " + m.holdoutSize() + " < " + minHoldout);
    }
    double gain = m.candidateHoldout() - m.championHoldout();
    double loss = m.regressionReference() - m.candidateRegression();
    if (gain < minImprovement - EPSILON) {
      return new Decision(
          false, String.format(Locale.ROOT, "holdout gain %+.4f < %.4f", gain, minImprovement));
    }
    if (loss > regressionTolerance + EPSILON) {
      return new Decision(
          false,
          String.format(
              Locale.ROOT,
              "regression loss %.4f > %.4f (against %.4f)",
              loss,
              regressionTolerance,
              m.regressionReference()));
    }
    return new Decision(
        true, String.format(Locale.ROOT, "holdout gain %+.4f, regression loss %.4f", gain, loss));
  }
}
