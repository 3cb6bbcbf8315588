package io.vitstream.training;

import ai.djl.ndarray.NDArray;

/**
 * Soft distillation from a teacher, as in DeiT without the distillation token: each training target
 * becomes {@code (1 - weight) * label + weight * softmax(teacher(x))}, with the teacher run in
 * inference mode on the very augmented batch the student sees ("consistent teaching", Beyer et al.,
 * CVPR 2022).
 *
 * @param teacher a trained teacher on the student's device
 * @param weight the teacher's share of each target, in (0, 1]
 */
public record Distillation(ConvTeacher teacher, float weight) {
  public Distillation {
    checkWeight("distillation weight", weight);
  }

  /**
   * Refuses a teacher's share outside (0, 1], before any teacher exists.
   *
   * @param name how the caller calls the weight, e.g. its flag
   */
  public static void checkWeight(String name, float weight) {
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1], got " + weight);
    }
  }

  /**
   * Blends the teacher's probabilities for {@code images} into the (B, K) target rows in place.
   *
   * @param images the batch, (B, C, H, W); the teacher's output lives in its manager
   */
  void blendInto(NDArray images, float[] targets) {
    float[] p = teacher.logits(images).softmax(1).toFloatArray();
    if (p.length != targets.length) {
      throw new IllegalArgumentException(
          "the teacher gave " + p.length + " values for " + targets.length + " targets");
    }
    for (int i = 0; i < p.length; i++) {
      targets[i] = (1 - weight) * targets[i] + weight * p[i];
    }
  }
}
