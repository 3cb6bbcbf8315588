package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import java.util.Arrays;

/**
 * What one fine-tuning run learns from and is judged on.
 *
 * @param fresh new labelled examples (never holdout ones)
 * @param replay examples drawn from the replay buffer, against forgetting
 * @param holdout labelled examples never trained on; the gate compares both models on them
 * @param feedback the feedback behind it, for the lineage, e.g. {@code feedback-0@0..1999}
 */
public record FineTuneRequest(
    LabeledImages fresh, LabeledImages replay, LabeledImages holdout, String feedback) {

  public FineTuneRequest {
    if (fresh.rows() != replay.rows() || fresh.cols() != replay.cols()) {
      throw new IllegalArgumentException("fresh and replay images differ in size");
    }
  }

  /** Fresh then replay examples, as one training set. */
  public LabeledImages trainingSet() {
    byte[] pixels = Arrays.copyOf(fresh.pixels(), fresh.pixels().length + replay.pixels().length);
    System.arraycopy(replay.pixels(), 0, pixels, fresh.pixels().length, replay.pixels().length);
    byte[] labels = Arrays.copyOf(fresh.labels(), fresh.count() + replay.count());
    System.arraycopy(replay.labels(), 0, labels, fresh.count(), replay.count());
    return new LabeledImages(
        fresh.count() + replay.count(), fresh.rows(), fresh.cols(), pixels, labels);
  }
}
