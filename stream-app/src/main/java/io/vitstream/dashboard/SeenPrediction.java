package io.vitstream.dashboard;

import java.util.List;
import java.util.Optional;

/**
 * A prediction as the dashboard saw it.
 *
 * @param imageId the image's id
 * @param modelVersion the version that classified it
 * @param topK the best classes, highest score first; not empty
 * @param batchSize images in the forward pass it ran in
 * @param eventTimeMs when the image was published
 * @param receivedAtMs when the prediction was read; latency is the difference
 * @param truth the image's true label, when known
 */
public record SeenPrediction(
    String imageId,
    int modelVersion,
    List<Score> topK,
    int batchSize,
    long eventTimeMs,
    long receivedAtMs,
    Optional<String> truth) {
  public SeenPrediction {
    if (topK.isEmpty()) {
      throw new IllegalArgumentException("a prediction has at least one class");
    }
    topK = List.copyOf(topK);
  }

  double latencyMs() {
    return receivedAtMs - eventTimeMs;
  }
}
