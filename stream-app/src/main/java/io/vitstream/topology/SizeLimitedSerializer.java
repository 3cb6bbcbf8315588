package io.vitstream.topology;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serializer that refuses a value larger than its topic accepts, before it reaches the producer.
 * The refusal is a {@link DeadLetterHandler.TooLargeException}, which Streams hands to the
 * production handler, so one oversized record becomes a dead letter; a send the broker rejects
 * would instead abort the transaction and stop the client.
 */
final class SizeLimitedSerializer<T> implements Serializer<T> {
  private final Serializer<T> inner;
  private final int maxBytes;

  SizeLimitedSerializer(Serializer<T> inner, int maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
    this.inner = inner;
    this.maxBytes = maxBytes;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return check(topic, inner.serialize(topic, data));
  }

  @Override
  public byte[] serialize(String topic, Headers headers, T data) {
    return check(topic, inner.serialize(topic, headers, data));
  }

  private byte[] check(String topic, byte[] bytes) {
    if (bytes != null && bytes.length > maxBytes) {
      throw new DeadLetterHandler.TooLargeException(
          "record of "
              + bytes.length
              + " bytes exceeds the "
              + maxBytes
              + "-byte limit of "
              + topic);
    }
    return bytes;
  }
}
