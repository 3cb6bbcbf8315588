package io.vitstream.feedback;

import io.vitstream.avro.ModelVersion;
import java.util.Optional;

/**
 * The result of one fine-tuning run.
 *
 * @param event the ModelVersion event it emitted: PROMOTED with the new version, or REJECTED
 *     (version 0: a rejected candidate is not stored) with the reason
 * @param metrics both models on the holdout and regression set; empty when training aborted
 * @param trainingSeconds time spent training
 */
public record FineTuneOutcome(
    ModelVersion event, Optional<GatePolicy.Metrics> metrics, double trainingSeconds) {

  /** Whether the candidate became the champion. */
  public boolean promoted() {
    return event.getStatus() == io.vitstream.avro.ModelStatus.PROMOTED;
  }
}
