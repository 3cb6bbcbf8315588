package io.vitstream.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.VitModel;

/** Runs a model over labelled images, batch by batch, each batch in its own native scope. */
public final class Evaluator {
  private final int batchSize;

  /**
   * @param batchSize images per forward pass
   */
  public Evaluator(int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * Classifies every image and compares with its label.
   *
   * @param preprocessing the normalisation the model was trained with
   * @throws IllegalArgumentException when the images do not fit the model
   */
  public Evaluation evaluate(VitModel model, LabeledImages data, Preprocessing preprocessing) {
    int classes = model.config().numClasses();
    int[][] confusion = new int[classes][classes];
    BatchAssembler assembler = new BatchAssembler(data, preprocessing, 0, false);
    int[] order = new int[data.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    float[] pixels = new float[batchSize * data.imageLength()];
    long start = System.nanoTime();
    for (int from = 0; from < data.count(); from += batchSize) {
      int n = Math.min(batchSize, data.count() - from);
      assembler.images(order, from, n, null, pixels);
      int[] labels = assembler.labels(order, from, n);
      try (NDManager batch = model.newBatchManager()) {
        NDArray x = batch.create(pixels, new Shape(batchSize, 1, data.rows(), data.cols()));
        if (n < batchSize) {
          x = x.get("0:" + n);
        }
        long[] predicted = model.forward(x, ActivationSink.NONE).argMax(1).toLongArray();
        for (int i = 0; i < n; i++) {
          if (labels[i] >= classes) {
            throw new IllegalArgumentException(
                "label " + labels[i] + " outside the model's classes");
          }
          confusion[labels[i]][(int) predicted[i]]++;
        }
      }
    }
    return Evaluation.of(confusion, (System.nanoTime() - start) / 1e9);
  }
}
