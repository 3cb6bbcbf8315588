package io.vitstream.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.vitstream.runtime.Djl;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.RouterNet;
import java.util.Arrays;
import java.util.List;

/** The router's optimisation: Adam on the weighted cross-entropy, stopped at a plateau. */
final class RouterTraining {
  /** The most training steps. */
  static final int STEPS = 400;

  /** How often, in steps, the held-out loss is checked for a plateau (first at twice this). */
  static final int CHECK_EVERY = 50;

  /** The relative gain on the best held-out loss so far that counts as progress. */
  static final double MIN_GAIN = 0.02;

  /** Checks in a row without progress after which training stops. */
  static final int PATIENCE = 2;

  /** The fewest steps a fit runs: the first check and {@link #PATIENCE} more. */
  static final int MIN_STEPS = CHECK_EVERY * (2 + PATIENCE);

  static final float LEARNING_RATE = 3e-3f;
  static final float WEIGHT_DECAY = 1e-4f;

  private RouterTraining() {}

  /**
   * Adam on the weighted cross-entropy, on random mini-batches of the training part ({@code
   * split[0]}), for at most {@link #STEPS} steps. Every {@link #CHECK_EVERY} steps from the
   * hundredth, the weighted loss on the held-out part ({@code split[1]}) is measured; training
   * stops after {@link #PATIENCE} checks in a row that did not beat the best one by {@link
   * #MIN_GAIN}. Originals and their negatives are told apart after 100 steps (the held-out loss
   * only rises after that), a quarter turn takes about 400; stopping after one such check cost a
   * quarter-turn router 4 points of drifted accuracy in one of three seeds, two checks cost none.
   *
   * @param weight and {@code target}: every example's weight and best expert
   * @param cancellation checked at every step
   * @return the steps run
   */
  static int train(
      NDList params,
      RouterBatches batches,
      int[][] split,
      float[] weight,
      int[] target,
      int experts,
      Cancellation cancellation) {
    NDManager mgr = params.get(0).getManager();
    List<NDArray> first = params.stream().map(p -> mgr.zeros(p.getShape())).toList();
    List<NDArray> second = params.stream().map(p -> mgr.zeros(p.getShape())).toList();
    double best = Double.POSITIVE_INFINITY;
    int stale = 0;
    params.forEach(p -> p.setRequiresGradient(true));
    int step = 1;
    for (; step <= STEPS; step++) {
      cancellation.check();
      try (NDManager scope = mgr.newSubManager()) {
        NDList b = batches.take(batches.sample(split[0], RouterTrainer.BATCH), scope);
        NDArray y = b.get(2).oneHot(experts);
        NDArray w = b.get(3);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logp = RouterNet.scores(b.get(0), b.get(1), params).logSoftmax(1);
          NDArray loss = logp.mul(y).sum(new int[] {1}).mul(w).sum().neg().div(w.sum());
          gc.backward(loss);
        }
        double c1 = 1 - Math.pow(0.9, step);
        double c2 = 1 - Math.pow(0.999, step);
        for (int i = 0; i < params.size(); i++) {
          NDArray p = params.get(i);
          NDArray g = p.getGradient();
          g.attach(scope);
          first.get(i).muli(0.9f).addi(g.mul(0.1f));
          second.get(i).muli(0.999f).addi(g.square().mul(0.001f));
          NDArray update =
              first.get(i).div((float) c1).div(second.get(i).div((float) c2).sqrt().add(1e-8f));
          p.muli(1 - LEARNING_RATE * WEIGHT_DECAY).subi(update.mul(LEARNING_RATE));
          g.muli(0); // PyTorch accumulates gradients over backward calls
        }
      }
      if (step >= 2 * CHECK_EVERY && step % CHECK_EVERY == 0 && step < STEPS) {
        float[] scores = scores(params, batches, split[1], mgr, experts); // no graph: grad is off
        double loss = heldOutLoss(scores, split[1], target, weight, experts);
        stale = loss < best * (1 - MIN_GAIN) ? 0 : stale + 1;
        best = Math.min(best, loss);
        if (stale == PATIENCE) {
          break;
        }
      }
    }
    params.forEach(p -> p.setRequiresGradient(false));
    return Math.min(step, STEPS);
  }

  /** The weighted cross-entropy of the router's scores on examples {@code idx}. */
  static double heldOutLoss(float[] scores, int[] idx, int[] target, float[] weight, int experts) {
    double sum = 0;
    double total = 0;
    for (int i = 0; i < idx.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int e = 0; e < experts; e++) {
        max = Math.max(max, scores[i * experts + e]);
      }
      double z = 0;
      for (int e = 0; e < experts; e++) {
        z += Math.exp(scores[i * experts + e] - max);
      }
      double nll = max + Math.log(z) - scores[i * experts + target[idx[i]]];
      sum += weight[idx[i]] * nll;
      total += weight[idx[i]];
    }
    return total == 0 ? 0 : sum / total;
  }

  /** The router's scores of examples {@code idx}, row by row. */
  static float[] scores(
      NDList params, RouterBatches batches, int[] idx, NDManager mgr, int experts) {
    Djl.disableGradOnThisThread();
    float[] out = new float[idx.length * experts];
    for (int from = 0; from < idx.length; from += RouterTrainer.BATCH) {
      int[] part = Arrays.copyOfRange(idx, from, Math.min(idx.length, from + RouterTrainer.BATCH));
      try (NDManager scope = mgr.newSubManager()) {
        NDList b = batches.take(part, scope);
        float[] s = RouterNet.scores(b.get(0), b.get(1), params).toFloatArray();
        System.arraycopy(s, 0, out, from * experts, s.length);
      }
    }
    return out;
  }
}
