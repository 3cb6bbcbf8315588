package io.vitstream.dataset;

import java.util.Arrays;

/**
 * 8-bit grayscale images with their class labels, row-major, one image after another.
 *
 * @param count number of images
 * @param rows height of each image
 * @param cols width of each image
 * @param pixels {@code count * rows * cols} unsigned bytes
 * @param labels {@code count} class indices
 */
public record LabeledImages(int count, int rows, int cols, byte[] pixels, byte[] labels) {

  public LabeledImages {
    if (count < 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("bad shape " + count + "x" + rows + "x" + cols);
    }
    if ((long) count * rows * cols != pixels.length || labels.length != count) {
      throw new IllegalArgumentException(
          count
              + " images need "
              + (long) count * rows * cols
              + " pixels and "
              + count
              + " labels");
    }
  }

  /** Pixels per image. */
  public int imageLength() {
    return rows * cols;
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** The unsigned pixel of image {@code i} at row y, column x. */
  public int pixel(int i, int y, int x) {
    return pixels[(i * rows + y) * cols + x] & 0xFF;
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
        Arrays.copyOf(pixels, limit * imageLength()),
        Arrays.copyOf(labels, limit));
  }

  /** These images followed by {@code other}'s, which must be the same size. */
  public LabeledImages concat(LabeledImages other) {
    if (other.rows != rows || other.cols != cols) {
      throw new IllegalArgumentException(
          "cannot join " + rows + "x" + cols + " and " + other.rows + "x" + other.cols + " images");
    }
    byte[] p = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
    System.arraycopy(other.pixels, 0, p, pixels.length, other.pixels.length);
    byte[] l = Arrays.copyOf(labels, count + other.count);
    System.arraycopy(other.labels, 0, l, count, other.count);
    return new LabeledImages(count + other.count, rows, cols, p, l);
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
    return new LabeledImages(indices.length, rows, cols, p, l);
  }
}
