package io.vitstream.artifact;

import java.time.Duration;

/**
 * How model versions travel through Kafka.
 *
 * @param topic the compacted model-artifacts topic
 * @param chunkBytes bytes of weights per record, at most; lowered to fit the topic's {@code
 *     max.message.bytes}
 * @param fetchWait how long an instance waits for a version's artifact to be complete
 */
public record ArtifactSettings(String topic, int chunkBytes, Duration fetchWait) {
  public ArtifactSettings {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("the artifact topic may not be blank");
    }
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be >= 1, got " + chunkBytes);
    }
    if (fetchWait.isNegative()) {
      throw new IllegalArgumentException("fetchWait may not be negative, got " + fetchWait);
    }
  }
}
