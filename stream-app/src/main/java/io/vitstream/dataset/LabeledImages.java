package io.vitstream.dataset;

import java.util.Arrays;

/**
 * 8-bit images with their class labels, one image after another, each row-major with its channels
 * interleaved (HWC, as {@code RawImage}): grayscale images have one channel, RGB ones three.
 *
 * @param count number of images
 * @param rows height of each image
 * @param cols width of each image
 * @param channels 1 (gray) or 3 (RGB)
 * @param pixels {@code count * rows * cols * channels} unsigned bytes
 * @param labels {@code count} class indices
 */
public record LabeledImages(
    int count, int rows, int cols, int channels, byte[] pixels, byte[] labels) {

  public LabeledImages {
    if (count < 0 || rows <= 0 || cols <= 0 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(
          "bad shape " + count + "x" + rows + "x" + cols + "x" + channels);
    }
    if ((long) count * rows * cols * channels != pixels.length || labels.length != count) {
      throw new IllegalArgumentException(
          count
              + " images need "
              + (long) count * rows * cols * channels
              + " pixels and "
              + count
              + " labels");
    }
  }

  /** Grayscale images. */
  public LabeledImages(int count, int rows, int cols, byte[] pixels, byte[] labels) {
    this(count, rows, cols, 1, pixels, labels);
  }

  /** No images of this shape. */
  public static LabeledImages empty(int rows, int cols, int channels) {
    return new LabeledImages(0, rows, cols, channels, new byte[0], new byte[0]);
  }

  /** Bytes per image. */
  public int imageLength() {
    return rows * cols * channels;
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** The unsigned pixel of image {@code i} at row y, column x, in its first channel. */
  public int pixel(int i, int y, int x) {
    return pixel(i, y, x, 0);
  }

  /** The unsigned value of image {@code i} at row y, column x, channel c. */
  public int pixel(int i, int y, int x, int c) {
    return pixels[((i * rows + y) * cols + x) * channels + c] & 0xFF;
  }

  /** Whether images of {@code other} have this shape (rows, columns and channels). */
  public boolean sameShape(LabeledImages other) {
    return other.rows == rows && other.cols == cols && other.channels == channels;
  }

  /** The shape of one image, e.g. {@code 28x28x1}. */
  public String shape() {
    return rows + "x" + cols + "x" + channels;
  }

  /** Images [from, to). */
  public LabeledImages slice(int from, int to) {
    if (from < 0 || to < from || to > count) {
      throw new IllegalArgumentException("bad slice [" + from + ", " + to + ") of " + count);
    }
    return new LabeledImages(
        to - from,
        rows,
        cols,
        channels,
        Arrays.copyOfRange(pixels, from * imageLength(), to * imageLength()),
        Arrays.copyOfRange(labels, from, to));
  }

  /** The first {@code limit} images (all of them when there are fewer). */
  public LabeledImages limit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    if (limit >= count) {
      return this;
    }
    return new LabeledImages(
        limit,
        rows,
        cols,
        channels,
        Arrays.copyOf(pixels, limit * imageLength()),
        Arrays.copyOf(labels, limit));
  }

  /** These images followed by {@code other}'s, which must be the same shape. */
  public LabeledImages concat(LabeledImages other) {
    if (!sameShape(other)) {
      throw new IllegalArgumentException(
          "cannot join " + shape() + " and " + other.shape() + " images");
    }
    byte[] p = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
    System.arraycopy(other.pixels, 0, p, pixels.length, other.pixels.length);
    byte[] l = Arrays.copyOf(labels, count + other.count);
    System.arraycopy(other.labels, 0, l, count, other.count);
    return new LabeledImages(count + other.count, rows, cols, channels, p, l);
  }

  /** The images at these indices, in this order (an index may repeat). */
  public LabeledImages select(int[] indices) {
    int n = imageLength();
    byte[] p = new byte[indices.length * n];
    byte[] l = new byte[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int j = indices[i];
      if (j < 0 || j >= count) {
        throw new IllegalArgumentException("index " + j + " out of " + count + " images");
      }
      System.arraycopy(pixels, j * n, p, i * n, n);
      l[i] = labels[j];
    }
    return new LabeledImages(indices.length, rows, cols, channels, p, l);
  }
}
