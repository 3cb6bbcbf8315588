package io.vitstream.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.VitModel;

/** A classifier that {@link Evaluator} can run: images in, logits out, in inference mode. */
public interface LogitModel {
  /** The number of classes K. */
  int numClasses();

  /** A manager for one batch: create the input in it, run {@link #logits}, read, then close. */
  NDManager newBatchManager();

  /**
   * @param images (B, C, H, W) float32
   * @return (B, K) logits, in the images' manager
   */
  NDArray logits(NDArray images);

  /** A ViT as a classifier: its forward pass, recording no activations. */
  static LogitModel of(VitModel model) {
    return new LogitModel() {
      @Override
      public int numClasses() {
        return model.config().numClasses();
      }

      @Override
      public NDManager newBatchManager() {
        return model.newBatchManager();
      }

      @Override
      public NDArray logits(NDArray images) {
        return model.forward(images, ActivationSink.NONE);
      }
    };
  }
}
