package io.vitstream.feedback;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Sends a fixed fraction of labelled images to the holdout set, by a stable hash of the image id:
 * the same id always lands on the same side, in every process and language (CRC-32 of its UTF-8
 * bytes), so holdout examples are never trained on.
 */
public final class HoldoutSplit {
  private static final int BUCKETS = 10_000;
  private final int holdoutBuckets;

  /**
   * @param holdoutFraction in [0, 1): the share of ids held out
   */
  public HoldoutSplit(double holdoutFraction) {
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "holdout fraction must be in [0, 1), got " + holdoutFraction);
    }
    holdoutBuckets = (int) Math.round(holdoutFraction * BUCKETS);
  }

  /** True when the image belongs to the holdout set. */
  public boolean isHoldout(String imageId) {
    CRC32 crc = new CRC32();
    crc.update(imageId.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % BUCKETS < holdoutBuckets;
  }
}
