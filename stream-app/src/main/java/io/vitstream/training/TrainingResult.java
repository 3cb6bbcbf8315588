package io.vitstream.training;

import io.vitstream.evaluation.Evaluation;
import java.util.List;

/**
 * What a training run produced, besides the trained weights (which are in the model).
 *
 * @param history every epoch so far, including those done before a resume
 * @param finalEvaluation the whole test set, after the last epoch
 * @param trainingSeconds training time, summed over resumed runs, evaluation excluded
 * @param stoppedEarly whether the time limit stopped training before the last epoch
 */
public record TrainingResult(
    List<EpochResult> history,
    Evaluation finalEvaluation,
    double trainingSeconds,
    boolean stoppedEarly) {

  public TrainingResult {
    history = List.copyOf(history);
  }

  /** The number of epochs completed (a partial last one counts). */
  public int epochs() {
    return history.size();
  }
}
