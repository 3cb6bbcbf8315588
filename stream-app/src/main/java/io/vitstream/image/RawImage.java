package io.vitstream.image;

/**
 * Decoded 8-bit pixels, row-major, channels interleaved (HWC).
 *
 * @param height rows
 * @param width columns
 * @param channels 1 (gray) or 3 (RGB)
 * @param pixels {@code height * width * channels} unsigned bytes
 */
public record RawImage(int height, int width, int channels, byte[] pixels) {

  /**
   * Checks the shape against the pixel count.
   *
   * @throws BadImageException when the pixels do not match the shape or the channels are not 1/3
   */
  public RawImage {
    if (height <= 0 || width <= 0) {
      throw new BadImageException("bad image shape " + height + "x" + width);
    }
    if (channels != 1 && channels != 3) {
      throw new BadImageException("wrong channel count " + channels + ": expected 1 or 3");
    }
    if ((long) height * width * channels != pixels.length) {
      throw new BadImageException(
          "shape "
              + height
              + "x"
              + width
              + "x"
              + channels
              + " does not match "
              + pixels.length
              + " pixel bytes");
    }
  }

  /** The unsigned value at row y, column x, channel c. */
  public int at(int y, int x, int c) {
    return pixels[(y * width + x) * channels + c] & 0xFF;
  }
}
