package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds {@link DeadLetter}s. */
final class DeadLetters {
  /** The value could not be read as an ImageEvent. */
  static final String DESERIALIZE = "deserialize";

  /** The ImageEvent holds no usable image. */
  static final String DECODE = "decode";

  private DeadLetters() {}

  /**
   * Where a refused record came from, and its bytes.
   *
   * @param key the original key's bytes, or null
   * @param value the original value's bytes, or null
   */
  record Source(String topic, int partition, long offset, byte[] key, byte[] value) {}

  /**
   * @param reason why, in one line (only the first line is kept)
   * @param imageId null when unknown
   * @param error the exception behind the reason, or null
   * @param nowMs the wall-clock time of the refusal
   */
  static DeadLetter of(
      String reason, String stage, Source source, String imageId, Throwable error, long nowMs) {
    return DeadLetter.newBuilder()
        .setReason(oneLine(reason))
        .setStage(stage)
        .setSourceTopic(source.topic() == null ? "" : source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setImageId(imageId)
        .setOriginalKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
        .setOriginalValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
        .setExceptionClass(error == null ? null : error.getClass().getName())
        .setEventTime(Instant.ofEpochMilli(nowMs))
        .build();
  }

  private static String oneLine(String reason) {
    if (reason == null || reason.isBlank()) {
      return "unknown error";
    }
    return reason.lines().findFirst().orElse(reason);
  }
}
