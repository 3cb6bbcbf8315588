package io.vitstream.feedback;

import io.vitstream.training.Cancellation;
import io.vitstream.training.StepProgress;
import io.vitstream.training.TrainingListener;

/**
 * Stops a run whose loss grows far above where it started (a loss that is not finite stops the
 * trainer itself).
 */
final class DivergenceGuard implements TrainingListener {
  /** A run aborts when the loss exceeds this multiple of the first step's loss. */
  static final double DIVERGENCE_FACTOR = 4;

  private final Cancellation cancellation;
  private double first = Double.NaN;

  /**
   * @param cancellation also checked at every step
   */
  DivergenceGuard(Cancellation cancellation) {
    this.cancellation = cancellation;
  }

  @Override
  public void onStep(StepProgress p) {
    cancellation.check();
    if (Double.isNaN(first)) {
      first = p.loss();
    } else if (p.loss() > DIVERGENCE_FACTOR * first) {
      throw new IllegalStateException(
          "loss diverged from " + first + " to " + p.loss() + " at step " + p.step());
    }
  }
}
