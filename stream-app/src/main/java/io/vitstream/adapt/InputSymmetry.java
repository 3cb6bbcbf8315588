package io.vitstream.adapt;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A symmetry of the input: one of the eight turns and flips of a square image (the dihedral group),
 * optionally with the intensities inverted (255 - p). Applied to a patch embedding it gives the
 * embedding that sees a transformed image exactly as the original one saw the untransformed image:
 * the kernel and the grid of position embeddings are transformed like the image (a permutation
 * keeps inner products), and an inversion negates the kernel and moves the bias by the kernel's
 * response to the normalised white image. These are the starting points from which an adapter is
 * fine-tuned: cameras get mounted turned or mirrored, and sensors and film can be negative.
 *
 * @param turn the geometric part
 * @param inverted whether intensities are inverted
 */
public record InputSymmetry(Turn turn, boolean inverted) {
  /** The eight symmetries of a square, each as where an output pixel (y, x) is read from. */
  public enum Turn {
    IDENTITY,
    ROTATE_90,
    ROTATE_180,
    ROTATE_270,
    FLIP_HORIZONTAL,
    FLIP_VERTICAL,
    TRANSPOSE,
    ANTI_TRANSPOSE;

    /**
     * The source index (row-major) of output pixel (y, x) of an n x n image; ROTATE_90 is a
     * clockwise quarter turn.
     */
    int source(int y, int x, int n) {
      int last = n - 1;
      return switch (this) {
        case IDENTITY -> y * n + x;
        case ROTATE_90 -> (last - x) * n + y;
        case ROTATE_180 -> (last - y) * n + (last - x);
        case ROTATE_270 -> x * n + (last - y);
        case FLIP_HORIZONTAL -> y * n + (last - x);
        case FLIP_VERTICAL -> (last - y) * n + x;
        case TRANSPOSE -> x * n + y;
        case ANTI_TRANSPOSE -> (last - x) * n + (last - y);
      };
    }

    /** Applies the turn to each n x n plane of {@code planes} (planes of n*n values in a row). */
    float[] apply(float[] planes, int n) {
      float[] out = new float[planes.length];
      int plane = n * n;
      for (int o = 0; o < planes.length; o += plane) {
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            out[o + y * n + x] = planes[o + source(y, x, n)];
          }
        }
      }
      return out;
    }
  }

  /** Whether applying it twice gives the image back (all but the quarter turns). */
  public boolean isInvolution() {
    return turn != Turn.ROTATE_90 && turn != Turn.ROTATE_270;
  }

  /** The symmetry that undoes this one: a quarter turn the other way, else itself. */
  public InputSymmetry inverse() {
    return switch (turn) {
      case ROTATE_90 -> new InputSymmetry(Turn.ROTATE_270, inverted);
      case ROTATE_270 -> new InputSymmetry(Turn.ROTATE_90, inverted);
      default -> this;
    };
  }

  /** The identity: the base embedding itself. */
  public static final InputSymmetry IDENTITY = new InputSymmetry(Turn.IDENTITY, false);

  /** All sixteen, the identity first. */
  public static List<InputSymmetry> all() {
    List<InputSymmetry> out = new ArrayList<>();
    for (boolean inverted : new boolean[] {false, true}) {
      for (Turn t : Turn.values()) {
        out.add(new InputSymmetry(t, inverted));
      }
    }
    return out;
  }

  /**
   * The transformed copy of square images (labels kept): what a camera with this symmetry would
   * have sent.
   */
  public LabeledImages apply(LabeledImages data) {
    int n = data.rows();
    if (data.cols() != n) {
      throw new IllegalArgumentException("symmetries need square images, got " + data.shape());
    }
    int c = data.channels();
    int len = data.imageLength();
    byte[] src = data.pixels();
    byte[] out = new byte[src.length];
    for (int i = 0; i < data.count(); i++) {
      int o = i * len;
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          int from = o + turn.source(y, x, n) * c;
          int to = o + (y * n + x) * c;
          for (int ch = 0; ch < c; ch++) {
            int v = src[from + ch] & 0xFF;
            out[to + ch] = (byte) (inverted ? 255 - v : v);
          }
        }
      }
    }
    return new LabeledImages(data.count(), n, n, c, out, data.labels().clone());
  }

  /**
   * The embedding for transformed images.
   *
   * @param base the base embedding
   * @param preprocessing the normalisation (mean and std per channel of pixel / 255)
   */
  public PatchEmbeddingWeights transform(PatchEmbeddingWeights base, Preprocessing preprocessing) {
    int d = base.width();
    int c = base.channels();
    int p = base.patchSize();
    float[] weight = turn.apply(base.weight(), p); // (D, C, P, P): D*C planes of P x P
    float[] bias = base.bias().clone();
    if (inverted) {
      // (255 - v)/255 normalised is -x + (1 - 2m)/s: negate the kernel, add W.c to the bias
      for (int k = 0; k < d; k++) {
        for (int ch = 0; ch < c; ch++) {
          double white = (1 - 2 * preprocessing.mean().get(ch)) / preprocessing.std().get(ch);
          int o = (k * c + ch) * p * p;
          for (int i = 0; i < p * p; i++) {
            bias[k] += (float) (weight[o + i] * white);
            weight[o + i] = -weight[o + i];
          }
        }
      }
    }
    return new PatchEmbeddingWeights(d, c, p, weight, bias, turnPositions(base));
  }

  /** The [class] position stays; the grid of the others turns like the image. */
  private float[] turnPositions(PatchEmbeddingWeights base) {
    int d = base.width();
    int g = base.gridSize();
    float[] pos = base.positions();
    float[] out = pos.clone();
    for (int y = 0; y < g; y++) {
      for (int x = 0; x < g; x++) {
        int from = 1 + turn.source(y, x, g);
        System.arraycopy(pos, from * d, out, (1 + y * g + x) * d, d);
      }
    }
    return out;
  }

  /** For lineage and logs, e.g. {@code rotate-90+invert}. */
  @Override
  public String toString() {
    String t = turn.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return inverted ? t + "+invert" : t;
  }
}
