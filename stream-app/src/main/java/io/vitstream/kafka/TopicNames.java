package io.vitstream.kafka;

import java.util.List;

/**
 * The app's topic names.
 *
 * @param images input: ImageEvent by image id
 * @param predictions output: Prediction by image id
 * @param feedback true labels: Feedback by image id
 * @param modelVersions model lifecycle events by model name (compacted)
 * @param deadLetters refused records: DeadLetter by original key
 * @param modelArtifacts model versions' files in chunks: ModelArtifact by {@code
 *     <model>/<version>/<part>} (compacted)
 */
public record TopicNames(
    String images,
    String predictions,
    String feedback,
    String modelVersions,
    String deadLetters,
    String modelArtifacts) {
  public static final String IMAGES = "images";
  public static final String PREDICTIONS = "predictions";
  public static final String FEEDBACK = "feedback";
  public static final String MODEL_VERSIONS = "model-versions";
  public static final String DEAD_LETTERS = "dead-letters";
  public static final String MODEL_ARTIFACTS = "model-artifacts";

  public TopicNames {
    for (String t :
        List.of(images, predictions, feedback, modelVersions, deadLetters, modelArtifacts)) {
      if (t == null || t.isBlank()) {
        throw new IllegalArgumentException("topic names may not be blank");
      }
    }
  }

  /** images, predictions, feedback, model-versions, dead-letters, model-artifacts. */
  public static TopicNames defaults() {
    return new TopicNames(
        IMAGES, PREDICTIONS, FEEDBACK, MODEL_VERSIONS, DEAD_LETTERS, MODEL_ARTIFACTS);
  }

  /** Every name, in the order of the components. */
  public List<String> all() {
    return List.of(images, predictions, feedback, modelVersions, deadLetters, modelArtifacts);
  }
}
