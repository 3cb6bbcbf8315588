package io.vitstream.training;

/**
 * A gradient became NaN or infinite, so the step would corrupt the weights; training stops, and can
 * resume from the last checkpoint with a lower learning rate.
 */
public final class NonFiniteGradientException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  NonFiniteGradientException(float norm) {
    super(
        "the gradient norm is "
            + norm
            + "; the step was not applied (resume from the last checkpoint with a lower learning"
            + " rate)");
  }
}
