package io.vitstream.app;

import io.vitstream.dataset.LabeledImages;

/** The transformation applied after the drift point. */
public enum Drift {
  /** 255 - p. */
  INVERT,
  /** 90 degrees clockwise. */
  ROTATE;

  /** The transformed copy of {@code data}. */
  public LabeledImages apply(LabeledImages data) {
    int rows = data.rows();
    int cols = data.cols();
    int len = data.imageLength();
    byte[] src = data.pixels();
    byte[] out = new byte[src.length];
    for (int n = 0; n < data.count(); n++) {
      int o = n * len;
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
          if (this == INVERT) {
            out[o + y * cols + x] = (byte) (255 - (src[o + y * cols + x] & 0xFF));
          } else {
            // out(y, x) = in(rows - 1 - x, y): a clockwise quarter turn of a square image
            out[o + y * cols + x] = src[o + (rows - 1 - x) * cols + y];
          }
        }
      }
    }
    return new LabeledImages(data.count(), rows, cols, out, data.labels().clone());
  }
}
