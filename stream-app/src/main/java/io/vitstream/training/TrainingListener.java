package io.vitstream.training;

/** Receives a training run's progress; the CLI draws a progress bar from it. */
public interface TrainingListener {
  /** Ignores everything. */
  TrainingListener NONE = new TrainingListener() {};

  /** After each optimizer step. */
  default void onStep(StepProgress progress) {}

  /** After each epoch's evaluation and checkpoint. */
  default void onEpoch(EpochResult result) {}
}
