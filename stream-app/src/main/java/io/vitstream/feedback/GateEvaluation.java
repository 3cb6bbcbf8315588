package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.image.Preprocessing;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
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
  private Answers cachedRegression;

  /** A model's answer to every regression image, and their evaluation. */
  record Answers(int[] predicted, Evaluation evaluation) {}

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
  Evaluation championRegression(
      int championVersion, LogitModel champion, Preprocessing preprocessing) {
    return championAnswers(championVersion, champion, preprocessing).evaluation();
  }

  private synchronized Answers championAnswers(
      int championVersion, LogitModel champion, Preprocessing preprocessing) {
    if (cachedVersion != championVersion) {
      cachedRegression = answers(champion, regression, preprocessing);
      cachedVersion = championVersion;
    }
    return cachedRegression;
  }

  private Answers answers(LogitModel model, LabeledImages data, Preprocessing preprocessing) {
    long start = System.nanoTime();
    int[] predicted = evaluator.predictions(model, data, preprocessing);
    return new Answers(
        predicted,
        Evaluation.of(data, predicted, model.numClasses(), (System.nanoTime() - start) / 1e9));
  }

  /**
   * Keeps a promoted candidate's regression answers as those of the version it became (the same
   * weights give the same answers), so the next run does not measure them again.
   */
  synchronized void promoted(int version, Result judged) {
    cachedVersion = version;
    cachedRegression = judged.candidateAnswers();
  }

  /**
   * What the gate decides on, and the candidate's regression answers (for its manifest).
   *
   * @param metrics both models on both sets, paired
   * @param candidateAnswers the candidate on the regression set
   */
  record Result(GatePolicy.Metrics metrics, Answers candidateAnswers) {
    /** The candidate's regression evaluation. */
    Evaluation candidateRegression() {
      return candidateAnswers.evaluation();
    }
  }

  /**
   * Evaluates both models on the holdout and on the regression set (the champion's regression
   * answers are kept for the next run of the same champion version).
   *
   * @param championVersion the champion's version in the store
   * @param routes the candidate's router as a classifier over its experts, when the candidate is
   *     the champion's base path plus input adapters and the champion has none: a regression image
   *     it routes to expert 0 runs exactly the champion's forward pass, so it gets the champion's
   *     answer and only the others are run (after an inversion, a few of 5,000). Empty: every image
   *     is run.
   * @param preprocessing the normalisation both models take
   * @param baseline the baseline's regression accuracy, given the champion's (see {@link
   *     RegressionBaseline#accuracy})
   */
  Result evaluate(
      int championVersion,
      LogitModel champion,
      LogitModel candidate,
      Optional<LogitModel> routes,
      LabeledImages holdout,
      Preprocessing preprocessing,
      DoubleUnaryOperator baseline) {
    PairedComparison onHoldout =
        PairedComparison.of(
            evaluator.evaluate(champion, holdout, preprocessing),
            evaluator.evaluate(candidate, holdout, preprocessing));
    Answers champ = championAnswers(championVersion, champion, preprocessing);
    long start = System.nanoTime();
    Answers cand =
        routes.isPresent()
            ? routedAnswers(champ, candidate, routes.get(), preprocessing)
            : answers(candidate, regression, preprocessing);
    LOG.info(
        "gate: the candidate answered {} regression images in {} s{}",
        regression.count(),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9),
        routes.isPresent() ? " (routed, see above)" : "");
    var metrics =
        new GatePolicy.Metrics(
            onHoldout,
            PairedComparison.of(champ.evaluation(), cand.evaluation()),
            baseline.applyAsDouble(champ.evaluation().accuracy()));
    return new Result(metrics, cand);
  }

  /**
   * The champion's answers where the candidate routes to the base path, the candidate's elsewhere.
   */
  private Answers routedAnswers(
      Answers champ, LogitModel candidate, LogitModel routes, Preprocessing preprocessing) {
    long start = System.nanoTime();
    int[] route = evaluator.predictions(routes, regression, preprocessing);
    int[] own = IntStream.range(0, route.length).filter(i -> route[i] != 0).toArray();
    int[] predicted = champ.predicted().clone();
    if (own.length > 0) {
      int[] answered = evaluator.predictions(candidate, regression.select(own), preprocessing);
      for (int j = 0; j < own.length; j++) {
        predicted[own[j]] = answered[j];
      }
    }
    LOG.info(
        "gate: the candidate ran on {} of {} regression images; the rest take the path they share"
            + " with the champion, and its answers",
        own.length,
        route.length);
    return new Answers(
        predicted,
        Evaluation.of(
            regression, predicted, candidate.numClasses(), (System.nanoTime() - start) / 1e9));
  }
}
