package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.image.Preprocessing;
import java.util.function.DoubleUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs champion and candidate over the gate's holdout and regression set and pairs their results
 * image by image, for {@link GatePolicy}. Any {@link LogitModel} can be judged.
 */
final class GateEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(GateEvaluation.class);

  private final Evaluator evaluator;
  private final LabeledImages regression;
  private int cachedVersion = -1;
  private Evaluation cachedRegression;

  /**
   * @param evaluator runs the models
   * @param regression the fixed original images against forgetting; a warning is logged when it has
   *     fewer than {@link GatePolicy#RECOMMENDED_REGRESSION_SIZE}
   */
  GateEvaluation(Evaluator evaluator, LabeledImages regression) {
    this.evaluator = evaluator;
    this.regression = regression;
    if (regression.count() < GatePolicy.RECOMMENDED_REGRESSION_SIZE) {
      LOG.warn(
          "the gate's regression set has {} images (< {}): its paired test can only rule out"
              + " large losses, so candidates are rejected more often",
          regression.count(),
          GatePolicy.RECOMMENDED_REGRESSION_SIZE);
    }
  }

  /**
   * The champion's regression evaluation, measured once per version: its answers do not change
   * between runs. Call it while idle to take it off the first run's critical path.
   */
  synchronized Evaluation championRegression(
      int championVersion, LogitModel champion, Preprocessing preprocessing) {
    if (cachedVersion != championVersion) {
      cachedRegression = evaluator.evaluate(champion, regression, preprocessing);
      cachedVersion = championVersion;
    }
    return cachedRegression;
  }

  /**
   * Keeps a promoted candidate's regression evaluation as that of the version it became (the same
   * weights give the same answers), so the next run does not measure it again.
   */
  synchronized void promoted(int version, Evaluation candidateRegression) {
    cachedVersion = version;
    cachedRegression = candidateRegression;
  }

  /**
   * What the gate decides on, and the candidate's regression evaluation (for its manifest).
   *
   * @param metrics both models on both sets, paired
   * @param candidateRegression the candidate on the regression set
   */
  record Result(GatePolicy.Metrics metrics, Evaluation candidateRegression) {}

  /**
   * Evaluates both models on the holdout and on the regression set (the champion's regression
   * evaluation is kept for the next run of the same champion version).
   *
   * @param championVersion the champion's version in the store
   * @param preprocessing the normalisation both models take
   * @param baseline the baseline's regression accuracy, given the champion's (see {@link
   *     RegressionBaseline#accuracy})
   */
  Result evaluate(
      int championVersion,
      LogitModel champion,
      LogitModel candidate,
      LabeledImages holdout,
      Preprocessing preprocessing,
      DoubleUnaryOperator baseline) {
    PairedComparison onHoldout =
        PairedComparison.of(
            evaluator.evaluate(champion, holdout, preprocessing),
            evaluator.evaluate(candidate, holdout, preprocessing));
    Evaluation champRegression = championRegression(championVersion, champion, preprocessing);
    Evaluation candRegression = evaluator.evaluate(candidate, regression, preprocessing);
    var metrics =
        new GatePolicy.Metrics(
            onHoldout,
            PairedComparison.of(champRegression, candRegression),
            baseline.applyAsDouble(champRegression.accuracy()));
    return new Result(metrics, candRegression);
  }
}
