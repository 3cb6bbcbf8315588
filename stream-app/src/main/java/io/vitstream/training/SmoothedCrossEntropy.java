package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy against dense target distributions (one-hot or label-smoothed), averaged
 * over the batch. Labels: (B, K) probabilities; predictions: (B, K) logits.
 */
final class SmoothedCrossEntropy extends Loss {

  SmoothedCrossEntropy() {
    super("SmoothedCrossEntropy");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logProbs = predictions.singletonOrThrow().logSoftmax(1);
    return logProbs.mul(labels.singletonOrThrow()).sum(new int[] {1}).neg().mean();
  }

  /** Writes the smoothed target of one label into row {@code row} of a (B, K) array. */
  static void writeTarget(float[] targets, int row, int label, int classes, float smoothing) {
    float off = smoothing / classes;
    for (int k = 0; k < classes; k++) {
      targets[row * classes + k] = off;
    }
    targets[row * classes + label] += 1 - smoothing;
  }
}
