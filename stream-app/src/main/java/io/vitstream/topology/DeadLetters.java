package io.vitstream.topology;

import io.vitstream.avro.DeadLetter;
import io.vitstream.store.Sha256;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter}s that stay small: a letter carries at most {@code maxValueBytes} of the
 * original value, with the original's length and SHA-256, so that refusing a huge record can never
 * produce a record too large to send.
 */
public final class DeadLetters {
  /** The value could not be read as an ImageEvent. */
  static final String DESERIALIZE = "deserialize";

  /** The ImageEvent holds no usable image. */
  static final String DECODE = "decode";

  /** A processor failed on the record. */
  static final String PROCESS = "process";

  /** A record made from it could not be produced. */
  static final String PRODUCE = "produce";

  /** The default of {@code dead.letter.value.max.bytes}. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 65_536;

  /** Room for a letter's other fields: reason, topic, key, ids. */
  static final int ENVELOPE_BYTES = 8_192;

  private final int maxValueBytes;

  /**
   * @param maxValueBytes the most of an original value a letter keeps, at least 0
   */
  public DeadLetters(int maxValueBytes) {
    if (maxValueBytes < 0) {
      throw new IllegalArgumentException("maxValueBytes must be >= 0, got " + maxValueBytes);
    }
    this.maxValueBytes = maxValueBytes;
  }

  /** The most bytes a letter's value holds once encoded. */
  public int maxLetterBytes() {
    return maxValueBytes + 2 * ENVELOPE_BYTES;
  }

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
  DeadLetter of(
      String reason, String stage, Source source, String imageId, Throwable error, long nowMs) {
    byte[] value = source.value();
    return DeadLetter.newBuilder()
        .setReason(oneLine(reason))
        .setStage(stage)
        .setSourceTopic(source.topic() == null ? "" : source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setImageId(cut(imageId))
        .setOriginalKey(source.key() == null ? null : ByteBuffer.wrap(prefix(source.key(), 1024)))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(prefix(value, maxValueBytes)))
        .setOriginalSize(value == null ? null : (long) value.length)
        .setOriginalSha256(value == null ? null : Sha256.hex(value))
        .setExceptionClass(error == null ? null : error.getClass().getName())
        .setEventTime(Instant.ofEpochMilli(nowMs))
        .build();
  }

  private static byte[] prefix(byte[] bytes, int max) {
    return bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
  }

  private static String cut(String s) {
    return s == null || s.length() <= 512 ? s : s.substring(0, 512) + "...";
  }

  private static String oneLine(String reason) {
    if (reason == null || reason.isBlank()) {
      return "unknown error";
    }
    return cut(reason.lines().findFirst().orElse(reason));
  }
}
