package io.vitstream.evaluation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.ParallelBatches;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Runs a model over labelled images, batch by batch, each batch in its own native scope, on as many
 * threads as cores (at most two, see {@link ParallelBatches}): the engine keeps one intra-op thread
 * for the stream, so a pass on one thread left the other core idle. A fine-tuning run's screening,
 * its warm-up on the regression set and the gate are such passes.
 */
public final class Evaluator {
  private final int batchSize;
  private final ParallelBatches passes;

  /**
   * @param batchSize images per forward pass
   */
  public Evaluator(int batchSize) {
    this(batchSize, ParallelBatches.ofCores());
  }

  /**
   * @param batchSize images per forward pass
   * @param passes the threads that run the batches
   */
  public Evaluator(int batchSize, ParallelBatches passes) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.passes = passes;
  }

  /**
   * Classifies every image and compares with its label.
   *
   * @param preprocessing the normalisation the model was trained with
   * @throws IllegalArgumentException when the images do not fit the model
   */
  public Evaluation evaluate(VitModel model, LabeledImages data, Preprocessing preprocessing) {
    return evaluate(LogitModel.of(model), data, preprocessing);
  }

  /**
   * As {@link #evaluate(VitModel, LabeledImages, Preprocessing)}, for any classifier; the result
   * says which images were classified correctly, in the order of {@code data}.
   */
  public Evaluation evaluate(LogitModel model, LabeledImages data, Preprocessing preprocessing) {
    long start = System.nanoTime();
    int[] predicted = predictions(model, data, preprocessing);
    return Evaluation.of(data, predicted, model.numClasses(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * The class each image is given (the argmax of its logits), in the order of {@code data}: what
   * {@link #evaluate} scores, as answers that can be combined image by image.
   */
  public int[] predictions(LogitModel model, LabeledImages data, Preprocessing preprocessing) {
    int[] out = new int[data.count()];
    forEachBatch(
        model,
        data,
        preprocessing,
        (from, logits) -> {
          long[] predicted = logits.argMax(1).toLongArray();
          for (int i = 0; i < predicted.length; i++) {
            out[from + i] = (int) predicted[i];
          }
        });
    return out;
  }

  /**
   * Loads a stored version, classifies every image with the version's own preprocessing, and frees
   * the model.
   */
  public Evaluation evaluate(
      ModelStore store, String name, int version, Device device, LabeledImages data) {
    try (LoadedModel m = store.load(name, OptionalInt.of(version), device, Precision.FP32)) {
      return evaluate(m.model(), data, m.manifest().preprocessing());
    }
  }

  /**
   * The model's class probabilities (softmax) for every image, {@code count * classes} values row
   * by row; the labels are not used.
   */
  public float[] probabilities(VitModel model, LabeledImages data, Preprocessing preprocessing) {
    int classes = model.config().numClasses();
    float[] out = new float[data.count() * classes];
    forEachBatch(
        LogitModel.of(model),
        data,
        preprocessing,
        (from, logits) -> {
          float[] p = logits.softmax(1).toFloatArray();
          System.arraycopy(p, 0, out, from * classes, p.length);
        });
    return out;
  }

  private interface BatchConsumer {
    /**
     * One batch: the index of its first image and the model's (n, classes) logits. Batches run
     * concurrently, so each must write only its own rows.
     */
    void accept(int from, NDArray logits);
  }

  private void forEachBatch(
      LogitModel model, LabeledImages data, Preprocessing preprocessing, BatchConsumer consumer) {
    BatchAssembler assembler = new BatchAssembler(data, preprocessing, 0, false);
    int[] order = new int[data.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // a pixel buffer per thread, not per batch (a batch of 224 px images is 150 MB)
    Queue<float[]> buffers = new ConcurrentLinkedQueue<>();
    passes.forEach(
        (data.count() + batchSize - 1) / batchSize,
        b -> {
          int from = b * batchSize;
          int n = Math.min(batchSize, data.count() - from);
          float[] polled = buffers.poll();
          float[] buffer = polled != null ? polled : new float[batchSize * data.imageLength()];
          assembler.images(order, from, n, null, buffer);
          try (NDManager batch = model.newBatchManager()) {
            NDArray x =
                batch.create(
                    buffer, new Shape(batchSize, data.channels(), data.rows(), data.cols()));
            if (n < batchSize) {
              x = x.get("0:" + n);
            }
            consumer.accept(from, model.logits(x));
          }
          buffers.add(buffer);
        });
  }
}
