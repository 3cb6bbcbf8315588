package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.WilsonInterval;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.InputRouting;
import io.vitstream.vit.RouterNet;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fits the router of a model with input adapters. Each example's target is the expert with the
 * lowest loss on its label, and its weight is how much the other experts would cost more (capped):
 * an image both experts get right hardly matters, an original image sent to an inverting adapter
 * matters a lot. So the router learns domains from the labels alone, without being told which
 * images drifted, and a stream that mixes domains is routed per image. The {@link RouterNet} is
 * trained with Adam on the weighted cross-entropy over four fifths of the examples; the held-out
 * fifth sets how much the base expert is favoured (see {@link #baseBias}).
 */
public final class RouterTrainer {
  /** The most one example weighs, in nats of loss difference. */
  static final float WEIGHT_CAP = 4;

  /** The least one example weighs. */
  static final float WEIGHT_FLOOR = 0.05f;

  static final int BATCH = 256;

  /**
   * Without calibration images: the upper 95% Wilson bound of the share of held-out base-expert
   * images the router may cost, three quarters of the gate's default one-point tolerance. A bound
   * rather than a point share, since 800 held-out originals allowing 2 losses (0.25 %) let a router
   * through that cost 0.88 % of the regression set.
   */
  static final double MAX_ORIGINAL_LOSS_BOUND = 0.0075;

  static final float BIAS_STEP = 0.25f;
  static final float MAX_BIAS = 8;

  private final Cancellation cancellation;
  final BaseLossCache baseLosses = new BaseLossCache(); // across fits; tests read it
  private final LossPass lossPass;
  private final LabeledImages calibration;

  /**
   * @param cancellation checked at every step, so that a run can be pre-empted
   */
  public RouterTrainer(Cancellation cancellation) {
    this(cancellation, LabeledImages.empty(1, 1, 1));
  }

  /**
   * @param cancellation checked at every step, so that a run can be pre-empted
   * @param calibration original images that no fit sees, on which the base expert's raise is set
   *     (see {@link RouterCalibration}); empty: on the held-out fifth of the fit's originals
   */
  public RouterTrainer(Cancellation cancellation, LabeledImages calibration) {
    this.cancellation = cancellation;
    this.calibration = calibration;
    this.lossPass = new LossPass(baseLosses, cancellation);
  }

  /**
   * The fit.
   *
   * @param examples images used
   * @param targetCounts examples whose best expert is each expert
   * @param agreement weighted share of held-out examples the router sends to their best expert
   * @param baseBias how much the base expert's score was raised so that original images stay on it
   *     (see {@link RouterCalibration} and {@link #baseBias})
   * @param originalsLost originals the router costs at that bias (see {@link Bias})
   * @param originalsJudged the originals that bias was judged on
   * @param lossPassSeconds wall time of the pass that measures every expert's loss per example
   * @param steps the training steps run (see {@link RouterTraining#train})
   */
  public record Fitted(
      int examples,
      int[] targetCounts,
      double agreement,
      float baseBias,
      int originalsLost,
      int originalsJudged,
      double lossPassSeconds,
      int steps) {}

  /**
   * Fits {@code model}'s router in place on {@code examples}; its adapters must already be set.
   *
   * @param mirror an expert whose losses on some examples follow from the base expert's
   * @param originalsFrom the first of the examples that are original images (the gate's domain),
   *     whose losses bound the base expert's bias
   * @param originalsTo one past the last of them
   * @param seed seeds the initial weights
   */
  public Fitted fit(
      VitModel model,
      LabeledImages examples,
      Preprocessing preprocessing,
      long seed,
      Optional<MirroredExpert> mirror,
      int originalsFrom,
      int originalsTo) {
    return fit(
        model,
        examples,
        preprocessing,
        seed,
        mirror,
        originalsFrom,
        originalsTo,
        LossPass.Prior.NONE);
  }

  /**
   * Fits as above, without measuring again what {@code prior} says is known: the base expert's
   * answers on the originals (rows the examples share with earlier fits, see {@link BaseLossCache})
   * are measured once per base path and then reused.
   */
  Fitted fit(
      VitModel model,
      LabeledImages examples,
      Preprocessing preprocessing,
      long seed,
      Optional<MirroredExpert> mirror,
      int originalsFrom,
      int originalsTo,
      LossPass.Prior prior) {
    if (originalsTo <= originalsFrom) { // no original images: every example bounds the bias
      originalsFrom = 0;
      originalsTo = examples.count();
    }
    int experts = 1 + model.config().inputAdapters();
    if (experts < 2) {
      throw new IllegalArgumentException("the model has no input adapters");
    }
    int n = examples.count();
    long t0 = System.nanoTime();
    LossPass.Measured m = lossPass.measure(model, examples, preprocessing, experts, mirror, prior);
    double lossPass = (System.nanoTime() - t0) / 1e9;
    int f = m.features().length / n;
    int[] target = new int[n];
    float[] weight = new float[n];
    int[] counts = new int[experts];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int e = 1; e < experts; e++) {
        best = m.loss()[e][i] < m.loss()[best][i] ? e : best;
      }
      float next = Float.POSITIVE_INFINITY;
      for (int e = 0; e < experts; e++) {
        next = e == best ? next : Math.min(next, m.loss()[e][i]);
      }
      target[i] = best;
      weight[i] = Math.min(WEIGHT_CAP, next - m.loss()[best][i]) + WEIGHT_FLOOR;
      counts[best]++;
    }
    float[] mean = new float[f];
    float[] std = new float[f];
    standardisation(m.features(), n, f, mean, std);
    float[] z = m.features().clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        z[i * f + j] = (z[i * f + j] - mean[j]) / std[j];
      }
    }
    Djl.setSeed(seed);
    ViTConfig config = model.config();
    try (NDManager mgr = model.newBatchManager()) {
      NDList params = initialWeights(mgr, config, experts);
      RouterBatches batches =
          new RouterBatches(m.images(), z, target, weight, examples.imageLength(), f, seed, config);
      int[][] split = split(n);
      int steps =
          RouterTraining.train(params, batches, split, weight, target, experts, cancellation);
      float[] scores = RouterTraining.scores(params, batches, split[1], mgr, experts);
      Map<String, NDArray> weights = new LinkedHashMap<>();
      weights.put("router.feature_mean", mgr.create(mean));
      weights.put("router.feature_std", mgr.create(std));
      for (int i = 0; i < params.size(); i++) {
        weights.put(InputRouting.ROUTER_NAMES.get(i), params.get(i));
      }
      Bias bias;
      if (calibration.count() > 0) {
        model.setWeights(weights); // the router as fitted, with no raise, scores the calibration
        bias = RouterCalibration.bias(model, calibration, preprocessing, cancellation);
      } else {
        bias = baseBias(scores, split[1], target, m.correct(), experts, originalsFrom, originalsTo);
      }
      params
          .get(7)
          .set(new ai.djl.ndarray.index.NDIndex(0), params.get(7).getFloat(0) + bias.value());
      model.setWeights(weights);
      double agreement = agreement(scores, split[1], target, weight, experts, bias.value());
      return new Fitted(
          n, counts, agreement, bias.value(), bias.lost(), bias.originals(), lossPass, steps);
    }
  }

  /** He-normal weights for the convolutions and the hidden layer, zero biases. */
  private static NDList initialWeights(NDManager mgr, ViTConfig config, int experts) {
    NDList out = new NDList();
    for (Shape s : RouterNet.weightShapes(config, experts)) {
      if (s.dimension() == 1) {
        out.add(mgr.zeros(s));
      } else {
        long fanIn = s.dimension() == 4 ? s.get(1) * s.get(2) * s.get(3) : s.get(0);
        out.add(mgr.randomNormal(0, (float) Math.sqrt(2.0 / fanIn), s, DataType.FLOAT32));
      }
    }
    return out;
  }

  /**
   * Every fifth example is held out: [0] the ones trained on, [1] the held-out ones (the router's
   * and the adapter's split).
   */
  static int[][] split(int n) {
    int[] val = new int[n / 5];
    int[] train = new int[n - val.length];
    for (int i = 0, v = 0, t = 0; i < n; i++) {
      if (i % 5 == 4 && v < val.length) {
        val[v++] = i;
      } else {
        train[t++] = i;
      }
    }
    return new int[][] {train, val};
  }

  private static int chosen(float[] scores, int row, int experts, float bias) {
    int best = 0;
    float top = scores[row * experts] + bias;
    for (int e = 1; e < experts; e++) {
      if (scores[row * experts + e] > top) {
        top = scores[row * experts + e];
        best = e;
      }
    }
    return best;
  }

  /**
   * A raise of the base expert's score and its evidence.
   *
   * @param value the raise
   * @param lost originals the base expert gets right that the router, so raised, sends to an expert
   *     that gets them wrong
   * @param originals the originals it was judged on: {@link RouterCalibration}'s unseen ones, or
   *     the held-out fifth of a fit's originals whose best expert is the base
   */
  record Bias(float value, int lost, int originals) {}

  /**
   * The smallest raise of the base expert's score (in steps of {@link #BIAS_STEP}, at most {@link
   * #MAX_BIAS}) at which the upper 95% bound of the share of held-out base-expert original images
   * the router costs (images the base expert classifies correctly and the chosen expert does not)
   * is at most {@link #MAX_ORIGINAL_LOSS_BOUND}; when there are too few of them for that even with
   * no loss, the smallest raise that costs none. The gate judges forgetting on original images with
   * a one-point tolerance, so the router errs on the side of the champion.
   */
  static Bias baseBias(
      float[] scores,
      int[] idx,
      int[] target,
      boolean[][] correct,
      int experts,
      int originalsFrom,
      int originalsTo) {
    int originals = 0;
    for (int i : idx) {
      originals += target[i] == 0 && i >= originalsFrom && i < originalsTo ? 1 : 0;
    }
    int allowed = allowedLosses(originals, MAX_ORIGINAL_LOSS_BOUND);
    int lost = 0;
    for (float bias = 0; bias < MAX_BIAS; bias += BIAS_STEP) {
      lost = 0;
      for (int i = 0; i < idx.length; i++) {
        int row = idx[i];
        int e = chosen(scores, i, experts, bias);
        boolean original = row >= originalsFrom && row < originalsTo;
        lost += original && target[row] == 0 && correct[0][row] && !correct[e][row] ? 1 : 0;
      }
      if (lost <= allowed) {
        return new Bias(bias, lost, originals);
      }
    }
    return new Bias(MAX_BIAS, lost, originals);
  }

  /**
   * The most losses among {@code originals} whose upper 95% Wilson bound is within {@code bound}.
   */
  static int allowedLosses(int originals, double bound) {
    int allowed = 0;
    while (allowed < originals && WilsonInterval.of(allowed + 1, originals).high() <= bound) {
      allowed++;
    }
    return allowed;
  }

  private static double agreement(
      float[] scores, int[] idx, int[] target, float[] weight, int experts, float bias) {
    double agree = 0;
    double total = 0;
    for (int i = 0; i < idx.length; i++) {
      float w = weight[idx[i]];
      total += w;
      agree += chosen(scores, i, experts, bias) == target[idx[i]] ? w : 0;
    }
    return total == 0 ? 1 : agree / total;
  }

  private static void standardisation(float[] x, int n, int f, float[] mean, float[] std) {
    for (int j = 0; j < f; j++) {
      double s = 0;
      double ss = 0;
      for (int i = 0; i < n; i++) {
        double v = x[i * f + j];
        s += v;
        ss += v * v;
      }
      double mu = s / n;
      mean[j] = (float) mu;
      std[j] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, ss / n - mu * mu)));
    }
  }
}
