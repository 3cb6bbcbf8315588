package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingListener;
import io.vitstream.training.TrainingResult;
import io.vitstream.training.VitTrainer;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Learns one input adapter for the images of a new domain: a copy of the champion's base path
 * (encoder and head frozen) whose patch projection and position embeddings alone are trained on the
 * fresh labels. Training starts from the best of the sixteen {@link InputSymmetry} transforms of
 * the base embedding, scored by the loss on the fresh labels before any step (in two rounds, see
 * {@link StartScreening}; the identity is one of them, so a shift that is no symmetry starts where
 * plain fine-tuning would).
 */
public final class AdapterTrainer {
  /** Fresh images scored per starting point. */
  static final int SCREEN_LIMIT = 384;

  /**
   * One-sided 95 % point of the normal, for the tests of {@link #keepsTrained} and {@link
   * #fitsAlready}.
   */
  static final double SIGNIFICANT_T = 1.645;

  /** Relative loss margin within which the simpler starting point wins. */
  static final double TIE = 0.1;

  private static final int EVAL_BATCH = 256;

  private final TrainingConfig recipe;
  private final TrainingListener listener;
  private final List<InputSymmetry> starts;
  private final Evaluator evaluator = new Evaluator(EVAL_BATCH);

  /**
   * @param recipe the adapter's training: epochs, batch, learning rate, time limit
   * @param listener sees every step (e.g. a divergence guard), and every screening pass (e.g. a
   *     pre-emption)
   * @param starts the starting points to screen; the identity alone is plain surgical fine-tuning
   */
  public AdapterTrainer(
      TrainingConfig recipe, TrainingListener listener, List<InputSymmetry> starts) {
    if (starts.isEmpty()) {
      throw new IllegalArgumentException("at least one starting point is needed");
    }
    this.recipe = recipe;
    this.listener = listener;
    this.starts = List.copyOf(starts);
  }

  /**
   * What was learned.
   *
   * @param embedding the adapter's weights
   * @param start the symmetry training started from
   * @param startLoss the mean loss on the fresh labels at the start, of the served version and the
   *     start together (per image the better one)
   * @param identityLoss the base embedding's mean loss on them
   * @param validationLoss the kept adapter's mean loss on the held-out fifth of the fresh labels
   * @param startValidationLoss the start's mean loss on them
   * @param trained whether training improved on the start (else the start is kept)
   * @param seconds wall time, screening included
   * @param epochs the training epochs run (none when the start already fits, see {@link
   *     #fitsAlready})
   * @param screened per-image losses the screening measured on the first rows of the fresh and
   *     replayed images
   */
  public record Adapted(
      PatchEmbeddingWeights embedding,
      InputSymmetry start,
      double startLoss,
      double identityLoss,
      double validationLoss,
      double startValidationLoss,
      boolean trained,
      double seconds,
      int epochs,
      Screened screened) {}

  /**
   * What the screening measured on its images (the first rows of the fresh and replayed ones), so
   * that the router's loss pass need not measure it again.
   *
   * @param identity the base expert's per-image losses; {@code null} when the identity was no start
   * @param start the start's per-image losses: the adapter's too when it was kept untrained
   */
  public record Screened(double[] identity, double[] start) {}

  /**
   * Trains an adapter.
   *
   * @param champion the serving model; only its base path is used
   * @param fresh labelled images of the new domain
   * @param preprocessing the champion's normalisation
   */
  public Adapted train(VitModel champion, LabeledImages fresh, Preprocessing preprocessing) {
    return train(
        champion,
        fresh,
        LabeledImages.empty(fresh.rows(), fresh.cols(), fresh.channels()),
        preprocessing);
  }

  /**
   * Trains an adapter on a request's labels: the newest ({@code fresh}) and older replayed ones.
   * Both are screened; a symmetry trains on the images of its domain among them, the identity on
   * the fresh ones (the newest labels are where a drift shows first).
   */
  public Adapted train(
      VitModel champion, LabeledImages fresh, LabeledImages replay, Preprocessing preprocessing) {
    long start = System.nanoTime();
    var config = champion.config().withInputAdapters(0);
    try (VitModel work = VitModel.create(config, champion.device(), Precision.FP32);
        NDManager tmp = work.newBatchManager()) {
      work.setWeights(basePath(champion));
      PatchEmbeddingWeights base = PatchEmbeddingWeights.read(work.parameters(), "");
      LabeledImages screen = fresh.concat(replay).limit(SCREEN_LIMIT);
      int k = config.numClasses();
      double[] served = losses(evaluator.probabilities(champion, screen, preprocessing), screen, k);
      StartScreening.Scores scores =
          new StartScreening(evaluator, StartScreening.FIRST_ROUND, listener::onPass)
              .score(
                  work,
                  base,
                  starts,
                  screen,
                  served,
                  champion.config().inputAdapters() == 0,
                  preprocessing,
                  tmp);
      double[] losses = scores.losses();
      double[][] each = scores.each();
      int chosen = simplest(losses);
      InputSymmetry best = starts.get(chosen);
      double bestLoss = losses[chosen];
      int identity = starts.indexOf(InputSymmetry.IDENTITY);
      double identityLoss = identity >= 0 ? losses[identity] : Double.NaN;
      Screened screened = new Screened(identity >= 0 ? each[identity] : null, each[chosen]);
      PatchEmbeddingWeights startWeights = best.transform(base, preprocessing);
      work.setWeights(startWeights.arrays("", tmp));
      work.parameters()
          .forEach(
              (name, p) ->
                  p.freeze(
                      !name.equals(PatchEmbeddingWeights.WEIGHT)
                          && !name.equals(PatchEmbeddingWeights.BIAS)
                          && !name.equals(PatchEmbeddingWeights.POSITIONS)));
      Split split = Split.of(domain(screen, served, each[chosen], best, fresh.count()));
      double[] startLosses = validationLosses(work, split, preprocessing, k);
      double startValidation = mean(startLosses);
      if (fitsAlready(best, startLosses, servedOwnLosses(served, each[chosen]))) {
        return new Adapted(
            startWeights,
            best,
            bestLoss,
            identityLoss,
            startValidation,
            startValidation,
            false,
            (System.nanoTime() - start) / 1e9,
            0,
            screened);
      }
      // a small domain trains in smaller batches rather than not at all
      TrainingConfig fitted =
          recipe.toBuilder()
              .batchSize(Math.max(1, Math.min(recipe.batchSize(), split.train().count())))
              .build();
      TrainingResult result =
          new VitTrainer(fitted, listener)
              .fit(work, split.train(), split.validation(), preprocessing, Optional.empty());
      PatchEmbeddingWeights trained = PatchEmbeddingWeights.read(work.parameters(), "");
      double[] trainedLosses = validationLosses(work, split, preprocessing, k);
      double trainedLoss = mean(trainedLosses);
      boolean keepTrained = keepsTrained(best, trainedLosses, startLosses);
      return new Adapted(
          keepTrained ? trained : startWeights,
          best,
          bestLoss,
          identityLoss,
          keepTrained ? trainedLoss : startValidation,
          startValidation,
          keepTrained,
          (System.nanoTime() - start) / 1e9,
          result.epochs(),
          screened);
    }
  }

  /** The per-image losses of {@code work} on the held-out fifth. */
  private double[] validationLosses(
      VitModel work, Split split, Preprocessing preprocessing, int classes) {
    return losses(
        evaluator.probabilities(work, split.validation(), preprocessing),
        split.validation(),
        classes);
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / Math.max(1, values.length);
  }

  /**
   * Whether a start is kept without training: a symmetry (an exact solution for its drift) whose
   * held-out losses on its domain are not significantly above the served version's on its own
   * domain in the same request, by a one-sided Welch t-test at 5 % (t <= 1.645). An exact symmetry
   * serves its domain as the served version serves its own, so the two samples then come from one
   * distribution: the held-out part is tens of images, and a margin on the means (10 % before) sent
   * exact starts to 10 epochs of training they then kept (a third of the first run after a drift).
   * Training would seldom beat such a start significantly (see {@link #keepsTrained}).
   *
   * @param startLosses the start's per-image losses on its held-out images
   * @param reference the served version's per-image losses on its own domain; fewer than {@code 2 *
   *     MIN_DOMAIN} when unknown
   */
  static boolean fitsAlready(InputSymmetry start, double[] startLosses, double[] reference) {
    if (start.equals(InputSymmetry.IDENTITY)
        || startLosses.length < 2
        || reference.length < 2 * MIN_DOMAIN) {
      return false;
    }
    double excess = mean(startLosses) - mean(reference);
    double se =
        Math.sqrt(
            variance(startLosses) / startLosses.length + variance(reference) / reference.length);
    return excess <= 0 || (se > 0 && excess / se <= SIGNIFICANT_T);
  }

  /** The sample variance (n - 1). */
  private static double variance(double[] values) {
    double m = mean(values);
    double ss = 0;
    for (double v : values) {
      ss += (v - m) * (v - m);
    }
    return ss / Math.max(1, values.length - 1);
  }

  /**
   * The served version's per-image losses on the screened images it explains better than the start
   * (its own domain: the labels from before a drift); none when fewer than {@code 2 * MIN_DOMAIN}.
   */
  static double[] servedOwnLosses(double[] served, double[] start) {
    double[] own = new double[served.length];
    int n = 0;
    for (int i = 0; i < served.length; i++) {
      if (served[i] <= start[i]) {
        own[n++] = served[i];
      }
    }
    return n >= 2 * MIN_DOMAIN ? Arrays.copyOf(own, n) : new double[0];
  }

  /**
   * Whether the trained adapter replaces its start. A symmetry start is an exact solution for its
   * drift, and the held-out fifth is small (tens of images, some from another domain), so training
   * must beat it significantly: a one-sided paired t-test of the per-image loss differences at 5 %
   * (t > 1.645). From the identity, training is the point, and any gain counts.
   *
   * @param trained the trained adapter's losses on the held-out images
   * @param start the start's losses on the same images
   */
  static boolean keepsTrained(InputSymmetry symmetry, double[] trained, double[] start) {
    if (symmetry.equals(InputSymmetry.IDENTITY)) {
      return mean(trained) <= mean(start);
    }
    int n = trained.length;
    if (n < 2) {
      return false;
    }
    double[] gain = new double[n];
    for (int i = 0; i < n; i++) {
      gain[i] = start[i] - trained[i];
    }
    double m = mean(gain);
    double se = Math.sqrt(variance(gain) / n);
    return m > 0 && (se == 0 || m / se > SIGNIFICANT_T);
  }

  /**
   * Every fifth fresh image is held out to choose between the trained adapter and its start (a
   * start that already fits, like an exact symmetry, can be made worse by training on a few hundred
   * labels).
   */
  record Split(LabeledImages train, LabeledImages validation) {
    static Split of(LabeledImages fresh) {
      int[][] idx = RouterTrainer.split(fresh.count());
      return new Split(fresh.select(idx[0]), fresh.select(idx[1]));
    }
  }

  /** The champion's weights without its adapters and router. */
  static Map<String, NDArray> basePath(VitModel model) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    model
        .parameters()
        .forEach(
            (name, p) -> {
              if (!name.startsWith("adapters.") && !name.startsWith("router.")) {
                out.put(name, p.getArray());
              }
            });
    return out;
  }

  /**
   * The first starting point whose loss is within {@link #TIE} of the lowest: the starts are listed
   * simplest first, and two symmetries can fit almost equally when the images are nearly symmetric
   * themselves (a quarter turn and a quarter turn plus a mirror, for garments that are mirror
   * images of themselves).
   */
  static int simplest(double[] losses) {
    double min = Double.POSITIVE_INFINITY;
    for (double l : losses) {
      min = Math.min(min, l);
    }
    for (int i = 0; i < losses.length; i++) {
      if (losses[i] <= min * (1 + TIE)) {
        return i;
      }
    }
    throw new IllegalStateException("no finite loss");
  }

  /** The fewest examples an adapter trains on; with fewer in its domain it takes them all. */
  static final int MIN_DOMAIN = 16;

  /**
   * The mean loss of the version the candidate would be: per image the lower of the served
   * version's loss and this start's (the router picks the better expert).
   */
  static double mixture(double[] served, double[] start) {
    double sum = 0;
    for (int i = 0; i < served.length; i++) {
      sum += Math.min(served[i], start[i]);
    }
    return sum / Math.max(1, served.length);
  }

  /**
   * The fresh images of the start's domain, which the adapter trains on: those it explains better
   * than the served version (a request can mix domains, e.g. labels from before and after a drift);
   * all of them for the identity or when fewer than {@link #MIN_DOMAIN} are.
   */
  static LabeledImages domain(
      LabeledImages screen, double[] served, double[] start, InputSymmetry symmetry, int fresh) {
    if (symmetry.equals(InputSymmetry.IDENTITY)) {
      return fresh >= MIN_DOMAIN ? screen.limit(fresh) : screen;
    }
    int[] idx = new int[screen.count()];
    int n = 0;
    for (int i = 0; i < screen.count(); i++) {
      if (start[i] < served[i]) {
        idx[n++] = i;
      }
    }
    return n < MIN_DOMAIN ? screen : screen.select(Arrays.copyOf(idx, n));
  }

  /** Per-image cross-entropy of probability rows against the labels. */
  static double[] losses(float[] probabilities, LabeledImages data, int classes) {
    double[] out = new double[data.count()];
    for (int i = 0; i < out.length; i++) {
      out[i] = -Math.log(Math.max(1e-12, probabilities[i * classes + data.label(i)]));
    }
    return out;
  }
}
