package io.vitstream.training;

/**
 * Global-norm gradient clipping, as in the paper's fine-tuning: every gradient is scaled by the
 * same factor so that their global L2 norm is at most the maximum. DJL's {@code optClipGrad} clamps
 * each value from above only, which is not this. The norm comes from {@link
 * FusedOptimizer#gradientNorm}, and the factor goes into the update as its gradient rescale.
 */
final class GradientClipper {
  private final float maxNorm;

  GradientClipper(float maxNorm) {
    this.maxNorm = maxNorm;
  }

  /**
   * The factor for gradients of global norm {@code norm}: 1 at or below the maximum.
   *
   * @throws NonFiniteGradientException when the norm is NaN or infinite
   */
  float scale(float norm) {
    if (!Float.isFinite(norm)) {
      throw new NonFiniteGradientException(norm);
    }
    return norm > maxNorm ? maxNorm / (norm + 1e-6f) : 1;
  }
}
