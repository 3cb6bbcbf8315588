package io.vitstream.inference;

import java.util.List;

/** One batch of preprocessed images to top-k classes: the forward pass a topology runs. */
@FunctionalInterface
public interface Classifier {
  /**
   * @param model the model that runs the batch (its lease is the caller's)
   * @param inputs 1 to the max batch size of preprocessed images, each {@code model.inputLength()}
   *     floats
   */
  BatchClassifier.Result classify(ServingModel model, List<float[]> inputs);
}
