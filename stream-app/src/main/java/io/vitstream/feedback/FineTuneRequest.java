package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;

/**
 * What one fine-tuning run learns from and is judged on.
 *
 * @param fresh new labelled examples (never holdout ones)
 * @param replay examples drawn from the replay buffer, against forgetting
 * @param holdout labelled examples never trained on; the gate compares both models on them
 * @param feedback the feedback behind it, for the lineage, e.g. {@code feedback-0@0..1999}
 * @param urgent live accuracy fell: this run pre-empts a routine one that is running
 */
public record FineTuneRequest(
    LabeledImages fresh,
    LabeledImages replay,
    LabeledImages holdout,
    String feedback,
    boolean urgent) {

  /** A routine request. */
  public FineTuneRequest(
      LabeledImages fresh, LabeledImages replay, LabeledImages holdout, String feedback) {
    this(fresh, replay, holdout, feedback, false);
  }

  public FineTuneRequest {
    if (!fresh.sameShape(replay)) {
      throw new IllegalArgumentException(
          "fresh images are " + fresh.shape() + ", replay ones " + replay.shape());
    }
  }

  /** Fresh then replay examples, as one training set. */
  public LabeledImages trainingSet() {
    return fresh.concat(replay);
  }
}
