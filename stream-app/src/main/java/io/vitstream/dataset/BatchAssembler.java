package io.vitstream.dataset;

import io.vitstream.image.Preprocessing;
import java.util.Random;

/**
 * Turns 8-bit images into a normalised (B, C, H, W) float batch, with optional augmentation done in
 * Java: a random crop of the zero-padded image (a shift of up to {@code padding} pixels each way,
 * filled with background) and a random horizontal flip.
 */
public final class BatchAssembler {
  private final LabeledImages data;

  /** Per channel, the normalised value of each byte. */
  private final float[][] lookup;

  private final int padding;
  private final boolean flip;

  /**
   * @param data the images; their size must be the preprocessing's size
   * @param preprocessing the images' channels, with the mean and std to normalise each with
   * @param padding crop padding (0 = none)
   * @param flip whether to flip half of the images
   */
  public BatchAssembler(
      LabeledImages data, Preprocessing preprocessing, int padding, boolean flip) {
    if (preprocessing.channels() != data.channels()
        || data.rows() != preprocessing.size()
        || data.cols() != preprocessing.size()) {
      throw new IllegalArgumentException(
          "images are "
              + data.rows()
              + "x"
              + data.cols()
              + "x"
              + data.channels()
              + " but the model expects "
              + preprocessing.size()
              + "x"
              + preprocessing.size()
              + "x"
              + preprocessing.channels());
    }
    this.data = data;
    this.padding = padding;
    this.flip = flip;
    lookup = new float[data.channels()][256];
    for (int c = 0; c < lookup.length; c++) {
      float mean = preprocessing.mean().get(c);
      float std = preprocessing.std().get(c);
      for (int v = 0; v < 256; v++) {
        lookup[c][v] = (v / 255f - mean) / std;
      }
    }
  }

  /**
   * Writes images {@code order[from .. from + count)} into {@code out}, (count, C, H, W).
   *
   * @param rng augmentation randomness; unused when there is no augmentation
   */
  public void images(int[] order, int from, int count, Random rng, float[] out) {
    int h = data.rows();
    int w = data.cols();
    int plane = h * w;
    int channels = data.channels();
    for (int b = 0; b < count; b++) {
      int img = order[from + b];
      int dy = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0;
      int dx = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0;
      boolean mirror = flip && rng.nextBoolean();
      for (int c = 0; c < channels; c++) {
        float[] values = lookup[c];
        int base = (b * channels + c) * plane; // HWC bytes -> CHW floats
        for (int y = 0; y < h; y++) {
          int sy = y + dy;
          for (int x = 0; x < w; x++) {
            int sx = (mirror ? w - 1 - x : x) + dx;
            boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
            out[base + y * w + x] = values[inside ? data.pixel(img, sy, sx, c) : 0];
          }
        }
      }
    }
  }

  /** The number of images. */
  public int count() {
    return data.count();
  }

  /** The height of an image. */
  public int rows() {
    return data.rows();
  }

  /** The width of an image. */
  public int cols() {
    return data.cols();
  }

  /** The channels of an image. */
  public int channels() {
    return data.channels();
  }

  /** The labels of images {@code order[from .. from + count)}. */
  public int[] labels(int[] order, int from, int count) {
    int[] out = new int[count];
    for (int b = 0; b < count; b++) {
      out[b] = data.label(order[from + b]);
    }
    return out;
  }
}
