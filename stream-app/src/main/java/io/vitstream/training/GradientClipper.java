package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Clips gradients to a global L2 norm, as in the paper's fine-tuning. DJL's {@code optClipGrad}
 * clamps each value from above only, which is not this.
 */
final class GradientClipper {
  private final float maxNorm;

  GradientClipper(float maxNorm) {
    this.maxNorm = maxNorm;
  }

  /**
   * Scales every gradient in place (frozen parameters have none) so that their global norm is at
   * most the maximum.
   *
   * @return the global norm before clipping
   */
  float clip(Collection<Parameter> parameters) {
    // getGradient() returns a new handle in the model's manager: attach each to a scope we close.
    try (NDManager scope = NDManager.newBaseManager()) {
      List<NDArray> grads = new ArrayList<>();
      NDArray sumSq = null;
      for (Parameter p : parameters) {
        if (!p.requiresGradient()) {
          continue; // frozen: no gradient to clip
        }
        NDArray g = p.getArray().getGradient();
        g.attach(scope);
        grads.add(g);
        NDArray sq = g.square().sum();
        sumSq = sumSq == null ? sq : sumSq.add(sq);
      }
      if (sumSq == null) {
        return 0;
      }
      float norm = (float) Math.sqrt(sumSq.getFloat());
      if (!Float.isFinite(norm)) {
        throw new NonFiniteGradientException(norm);
      }
      if (norm > maxNorm) {
        float scale = maxNorm / (norm + 1e-6f);
        for (NDArray g : grads) {
          g.muli(scale);
        }
      }
      return norm;
    }
  }
}
