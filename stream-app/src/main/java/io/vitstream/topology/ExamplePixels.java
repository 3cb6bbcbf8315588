package io.vitstream.topology;

import io.vitstream.image.RawImage;

/**
 * The pixels fine-tuning learns from, in the model's channels: for a grayscale model the mean over
 * an image's channels; for an RGB model the image's own (a gray image repeated in each channel).
 */
final class ExamplePixels {
  private ExamplePixels() {}

  /**
   * @return {@code size * size * channels} bytes, HWC
   * @throws IllegalArgumentException when the image is not {@code size} x {@code size}
   */
  static byte[] of(RawImage image, int size, int channels) {
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
    return channels == 1 ? gray(image, size) : rgb(image, size);
  }

  private static byte[] gray(RawImage image, int size) {
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

  private static byte[] rgb(RawImage image, int size) {
    if (image.channels() == 3) {
      return image.pixels().clone();
    }
    byte[] out = new byte[size * size * 3];
    for (int i = 0; i < size * size; i++) {
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = image.pixels()[i];
    }
    return out;
  }
}
