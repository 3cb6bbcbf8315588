package io.vitstream.training;

/** Receives a training run's progress; the CLI draws a progress bar from it. */
public interface TrainingListener {
  /** Ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** After each optimizer step. */
  default void onStep(StepProgress progress) {}

  /** After each epoch's evaluation and checkpoint. */
  default void onEpoch(EpochResult result) {}

  /**
   * Between passes of a run's work outside its optimizer steps (e.g. the screening of an adapter's
   * starts); may throw to stop the run, as {@link Cancellation} does.
   */
  default void onPass() {}
}
