package io.vitstream.training;

import java.util.List;

/**
 * Where a run stands, saved with each checkpoint so that {@code --resume} continues it.
 *
 * @param epoch epochs completed
 * @param step optimizer steps done (the schedule's position)
 * @param trainingSeconds training time so far
 * @param history the completed epochs
 */
record TrainingState(int epoch, long step, double trainingSeconds, List<EpochResult> history) {
  TrainingState {
    history = List.copyOf(history);
  }

  static TrainingState fresh() {
    return new TrainingState(0, 0, 0, List.of());
  }
}
