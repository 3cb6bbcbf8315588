package io.vitstream.training;

import io.vitstream.dataset.LabeledImages;
import java.util.Arrays;

/**
 * Training targets as probability rows, one per training image, in place of one-hot labels: how a
 * teacher's predictions enter training (distillation).
 *
 * @param classes probabilities per row
 * @param values {@code count * classes} probabilities, row by row; each row sums to 1
 */
public record SoftTargets(int classes, float[] values) {

  public SoftTargets {
    if (classes <= 0 || values.length % classes != 0) {
      throw new IllegalArgumentException(
          values.length + " target values do not make rows of " + classes + " classes");
    }
  }

  /** One-hot rows for the images' labels. */
  public static SoftTargets oneHot(LabeledImages images, int classes) {
    float[] v = new float[images.count() * classes];
    for (int i = 0; i < images.count(); i++) {
      if (images.label(i) >= classes) {
        throw new IllegalArgumentException(
            "label " + images.label(i) + " outside " + classes + " classes");
      }
      SmoothedCrossEntropy.writeTarget(v, i, images.label(i), classes, 0);
    }
    return new SoftTargets(classes, v);
  }

  /** Rows. */
  public int count() {
    return values.length / classes;
  }

  /** Row by row, {@code weight * teacher + (1 - weight) * this}. */
  public SoftTargets blend(SoftTargets teacher, double weight) {
    if (teacher.classes != classes || teacher.count() != count()) {
      throw new IllegalArgumentException(
          "cannot blend " + count() + "x" + classes + " with " + teacher.count() + "x" + classes);
    }
    if (!(weight >= 0 && weight <= 1)) {
      throw new IllegalArgumentException("blend weight must be in [0, 1], got " + weight);
    }
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (weight * teacher.values[i] + (1 - weight) * values[i]);
    }
    return new SoftTargets(classes, v);
  }

  /** These rows followed by {@code other}'s. */
  public SoftTargets concat(SoftTargets other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException(
          "cannot join rows of " + classes + " and " + other.classes + " classes");
    }
    float[] v = Arrays.copyOf(values, values.length + other.values.length);
    System.arraycopy(other.values, 0, v, values.length, other.values.length);
    return new SoftTargets(classes, v);
  }

  /** Copies row {@code row} into row {@code outRow} of a (B, classes) array. */
  void copyRow(int row, float[] out, int outRow) {
    System.arraycopy(values, row * classes, out, outRow * classes, classes);
  }
}
