package io.vitstream.topology;

import io.vitstream.batching.BatchPolicy;
import io.vitstream.kafka.TopicNames;

/**
 * What the inference topology needs, frozen.
 *
 * @param topics topic names
 * @param batch when a micro-batch is flushed
 * @param maxImageBytes the largest accepted image payload
 * @param maxImageSide the largest accepted width or height, checked before decoding
 * @param topK classes reported per prediction
 */
public record InferenceSettings(
    TopicNames topics, BatchPolicy batch, int maxImageBytes, int maxImageSide, int topK) {
  public InferenceSettings {
    if (maxImageBytes < 1 || maxImageSide < 1 || topK < 1) {
      throw new IllegalArgumentException("image limits and top-k must be positive");
    }
  }
}
