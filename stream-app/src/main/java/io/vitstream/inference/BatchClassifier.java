package io.vitstream.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.vit.ActivationSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies a batch of preprocessed images in one forward pass. The batch is padded with zeros to
 * a fixed shape, every array lives in a per-batch manager closed before returning, and gradient
 * recording is off (the model's forward sees to that on each calling thread). Safe to call from
 * several threads on one shared model.
 */
public final class BatchClassifier implements Classifier {
  private final BatchShapes shapes;
  private final int topK;

  /**
   * @param shapes the batch shapes to pad to
   * @param topK classes reported per image, at least 1 (capped at the model's classes)
   */
  public BatchClassifier(BatchShapes shapes, int topK) {
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
    this.shapes = shapes;
    this.topK = topK;
  }

  /**
   * The result of one batch.
   *
   * @param topK per input, in input order: the best classes, highest score first
   * @param paddedSize the batch shape the forward ran with
   * @param forwardMillis wall time of the forward pass, including the copy in and out
   */
  public record Result(List<List<TopK>> topK, int paddedSize, double forwardMillis) {}

  /**
   * Runs one forward pass.
   *
   * @param inputs 1 to {@code shapes.max()} preprocessed images, each {@code model.inputLength()}
   *     floats
   * @throws IllegalArgumentException for a wrong batch size or input length
   */
  @Override
  public Result classify(ServingModel model, List<float[]> inputs) {
    int n = inputs.size();
    int padded = shapes.padTo(n);
    int len = model.inputLength();
    float[] flat = new float[padded * len]; // rows past n stay zero: padding
    for (int i = 0; i < n; i++) {
      float[] in = inputs.get(i);
      if (in.length != len) {
        throw new IllegalArgumentException(
            "input "
                + i
                + " has "
                + in.length
                + " floats, model "
                + model.name()
                + " takes "
                + len);
      }
      System.arraycopy(in, 0, flat, i * len, len);
    }
    int s = model.preprocessing().size();
    int c = model.preprocessing().channels();
    long t0 = System.nanoTime();
    float[] probs;
    try (NDManager batch = model.model().newBatchManager()) {
      NDArray x = batch.create(flat, new Shape(padded, c, s, s));
      NDArray logits = model.model().forward(x, ActivationSink.NONE); // (B, K)
      probs = logits.toType(DataType.FLOAT32, false).softmax(1).toFloatArray();
    }
    double millis = (System.nanoTime() - t0) / 1e6;
    int classes = model.labels().size();
    List<List<TopK>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(top(model, Arrays.copyOfRange(probs, i * classes, (i + 1) * classes)));
    }
    return new Result(out, padded, millis);
  }

  /**
   * Runs every batch shape once, so that no request pays for a first-shape allocation.
   *
   * @return the forward time of the largest shape, in milliseconds
   */
  public double warmUp(ServingModel model) {
    double largest = 0;
    for (int size : shapes.sizes()) {
      List<float[]> zeros = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        zeros.add(new float[model.inputLength()]);
      }
      largest = classify(model, zeros).forwardMillis();
    }
    return largest;
  }

  private List<TopK> top(ServingModel model, float[] p) {
    return TopK.of(p, model.labels(), topK);
  }
}
