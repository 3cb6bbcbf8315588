package io.vitstream.training;

import ai.djl.training.tracker.Tracker;

/**
 * Linear warm-up from 0 to the peak, then cosine decay to a floor at the last step. DJL's optimizer
 * counts updates from 1 in each process; {@code offset} adds the steps done before a resume, so a
 * resumed run continues the same schedule.
 */
final class WarmupCosineSchedule implements Tracker {
  private final float peak;
  private final float floor;
  private final long warmupSteps;
  private final long totalSteps;
  private final long offset;

  WarmupCosineSchedule(float peak, float floor, long warmupSteps, long totalSteps, long offset) {
    if (totalSteps <= 0 || warmupSteps < 0 || offset < 0) {
      throw new IllegalArgumentException("bad schedule: " + warmupSteps + "/" + totalSteps);
    }
    this.peak = peak;
    this.floor = floor;
    this.warmupSteps = Math.min(warmupSteps, totalSteps);
    this.totalSteps = totalSteps;
    this.offset = offset;
  }

  /**
   * The schedule a training config asks for: its peak and floor, its warm-up epochs, then cosine
   * decay to the end of its epochs.
   *
   * @param offset the steps done before this process (a resume)
   */
  static WarmupCosineSchedule of(TrainingConfig config, int stepsPerEpoch, long offset) {
    return new WarmupCosineSchedule(
        config.learningRate(),
        config.minLearningRate(),
        Math.round(config.warmupEpochs() * stepsPerEpoch),
        (long) config.epochs() * stepsPerEpoch,
        offset);
  }

  /** The learning rate of the 1-based global step. */
  float at(long step) {
    if (step <= warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
    return (float) (floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress)));
  }

  @Override
  public float getNewValue(int numUpdate) {
    return at(offset + numUpdate);
  }
}
