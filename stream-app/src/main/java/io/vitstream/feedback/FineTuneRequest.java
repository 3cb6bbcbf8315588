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

  /**
   * This request in place of {@code waiting}, an older one that never ran: its fresh labels are
   * kept (the newest {@code maxFresh} of both), since the trigger handed them out once; replay and
   * holdout are this request's, which are newer; it is urgent if either was.
   */
  public FineTuneRequest replacing(FineTuneRequest waiting, int maxFresh) {
    if (!waiting.fresh.sameShape(fresh)) {
      return this; // taken while the model had another input size: those labels cannot be used
    }
    LabeledImages both = waiting.fresh.concat(fresh);
    LabeledImages kept = both.slice(Math.max(0, both.count() - maxFresh), both.count());
    return new FineTuneRequest(
        kept,
        replay,
        holdout,
        feedback + "; with " + waiting.fresh.count() + " labels of a request it replaced",
        urgent || waiting.urgent);
  }

  /** Fresh then replay examples, as one training set. */
  public LabeledImages trainingSet() {
    return fresh.concat(replay);
  }
}
