package io.vitstream.training;

/**
 * A step's loss was NaN or infinite (a learning rate far too high, or an input that is not finite),
 * so training stops before that step's backward pass and update. A checkpoint, if any, still holds
 * the last completed epoch.
 */
public final class NonFiniteLossException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  NonFiniteLossException(float loss, int epoch, int step) {
    super(
        "the loss is "
            + loss
            + " at epoch "
            + epoch
            + ", step "
            + step
            + "; training stopped before applying it (lower the learning rate, or check the"
            + " inputs for NaN)");
  }
}
