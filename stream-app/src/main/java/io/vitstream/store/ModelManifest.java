package io.vitstream.store;

import io.vitstream.image.Preprocessing;
import io.vitstream.vit.ViTConfig;
import java.util.List;
import java.util.Objects;

/**
 * Everything known about one model version, stored as {@code manifest.json} next to its weights.
 *
 * @param name the model's name
 * @param version the version, from 1
 * @param parentVersion the version it was fine-tuned from; 0 for a model trained from scratch
 * @param createdAt creation time, ISO-8601 UTC
 * @param vit the geometry
 * @param labels class names, by output index
 * @param preprocessing how images become input
 * @param metrics how well it does
 * @param provenance how it was made
 * @param sha256 hex SHA-256 of {@code model.safetensors}
 */
public record ModelManifest(
    String name,
    int version,
    int parentVersion,
    String createdAt,
    ViTConfig vit,
    List<String> labels,
    Preprocessing preprocessing,
    Metrics metrics,
    Provenance provenance,
    String sha256) {

  public ModelManifest {
    labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
  }

  /**
   * Test metrics.
   *
   * @param testAccuracy accuracy on the test split
   * @param evaluatedImages test images evaluated
   * @param perClassAccuracy recall of each class, by label index
   * @param confusionMatrix counts, {@code [true][predicted]}
   * @param curve accuracy after each training epoch
   */
  public record Metrics(
      double testAccuracy,
      int evaluatedImages,
      List<Double> perClassAccuracy,
      List<List<Integer>> confusionMatrix,
      List<CurvePoint> curve) {
    public Metrics {
      perClassAccuracy = List.copyOf(perClassAccuracy);
      confusionMatrix = confusionMatrix.stream().map(List::copyOf).toList();
      curve = List.copyOf(curve);
    }
  }

  /**
   * One epoch of the training curve.
   *
   * @param epoch 1-based
   * @param trainLoss mean training loss
   * @param trainAccuracy training accuracy (augmented images)
   * @param testAccuracy test accuracy after the epoch
   * @param seconds cumulative training seconds at the end of the epoch
   */
  public record CurvePoint(
      int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double seconds) {}

  /**
   * How the version was made.
   *
   * @param dataset the training data set
   * @param epochs epochs trained
   * @param seed the random seed
   * @param command the command line that trained it; a run resumed by later commands lists each,
   *     oldest first, one per line
   * @param trainingSeconds training time, evaluation excluded
   * @param feedback the feedback that fine-tuned it; "none" for a model trained from a data set
   */
  public record Provenance(
      String dataset,
      int epochs,
      long seed,
      String command,
      double trainingSeconds,
      String feedback) {}
}
