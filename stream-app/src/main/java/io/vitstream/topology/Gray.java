package io.vitstream.topology;

import io.vitstream.image.RawImage;

/** The gray pixels fine-tuning learns from: the mean over an image's channels. */
final class Gray {
  private Gray() {}

  /**
   * @throws IllegalArgumentException when the image is not {@code size} x {@code size}
   */
  static byte[] of(RawImage image, int size) {
    if (image.height() != size || image.width() != size) {
      throw new IllegalArgumentException(
          "image is "
              + image.height()
              + "x"
              + image.width()
              + ", the model takes "
              + size
              + "x"
              + size);
    }
    byte[] out = new byte[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int sum = 0;
        for (int c = 0; c < image.channels(); c++) {
          sum += image.at(y, x, c);
        }
        out[y * size + x] = (byte) (sum / image.channels());
      }
    }
    return out;
  }
}
