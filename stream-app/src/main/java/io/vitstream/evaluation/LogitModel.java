package io.vitstream.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
}
