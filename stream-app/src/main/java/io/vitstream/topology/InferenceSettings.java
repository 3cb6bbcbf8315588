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
 * @param maxRecordBytes the largest record value the topology may produce (the smaller of the
 *     producer's {@code max.request.size} and the output topics' {@code max.message.bytes}, less
 *     room for the key and headers)
 * @param deadLetterValueBytes the most of an original value a dead letter keeps
 */
public record InferenceSettings(
    TopicNames topics,
    BatchPolicy batch,
    int maxImageBytes,
    int maxImageSide,
    int topK,
    int maxRecordBytes,
    int deadLetterValueBytes) {
  public InferenceSettings {
    if (maxImageBytes < 1 || maxImageSide < 1 || topK < 1) {
      throw new IllegalArgumentException("image limits and top-k must be positive");
    }
    if (deadLetterValueBytes < 0
        || maxRecordBytes < new DeadLetters(deadLetterValueBytes).maxLetterBytes()) {
      throw new IllegalArgumentException(
          "the record limit ("
              + maxRecordBytes
              + " bytes) must hold a dead letter of "
              + deadLetterValueBytes
              + " original bytes");
    }
  }

  /** A copy with another record limit (e.g. the output topics' own, read at start-up). */
  public InferenceSettings withMaxRecordBytes(int bytes) {
    return new InferenceSettings(
        topics, batch, maxImageBytes, maxImageSide, topK, bytes, deadLetterValueBytes);
  }
}
