package io.vitstream.demo;

import io.vitstream.dataset.LabeledImages;
import java.util.SplittableRandom;

/** The per-image transformations behind {@link Drift}; severities are documented there. */
final class Corruptions {
  static final double BRIGHTNESS = 0.3;
  static final double CONTRAST = 0.3;
  static final double SHOT_LAMBDA = 12;
  static final int BLUR_RADIUS = 10;
  static final double BLUR_SIGMA = 3;
  static final double BLUR_MAX_DEGREES = 45;
  static final double SHEAR = 0.4;
  static final double FOG = 1.5;
  static final double FOG_DECAY = 2.0;
  static final int FOG_MAP = 256;

  private Corruptions() {}

  /** Writes the transformed {@code in} to {@code out}, drawing from {@code rng} only. */
  @FunctionalInterface
  interface Corruption {
    void apply(Image in, Image out, SplittableRandom rng);
  }

  /** One HWC image inside a larger pixel array. */
  record Image(byte[] pixels, int offset, int rows, int cols, int channels) {
    Image(byte[] pixels, int offset, LabeledImages shape) {
      this(pixels, offset, shape.rows(), shape.cols(), shape.channels());
    }

    int get(int y, int x, int c) {
      return pixels[offset + (y * cols + x) * channels + c] & 0xFF;
    }

    /** Stores {@code v} rounded and clipped to 0..255. */
    void set(int y, int x, int c, double v) {
      pixels[offset + (y * cols + x) * channels + c] =
          (byte) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Bilinear value at (y, x), zero outside. */
    double bilinear(double y, double x, int c) {
      int y0 = (int) Math.floor(y);
      int x0 = (int) Math.floor(x);
      double fy = y - y0;
      double fx = x - x0;
      return (1 - fy) * ((1 - fx) * orZero(y0, x0, c) + fx * orZero(y0, x0 + 1, c))
          + fy * ((1 - fx) * orZero(y0 + 1, x0, c) + fx * orZero(y0 + 1, x0 + 1, c));
    }

    private int orZero(int y, int x, int c) {
      return y < 0 || y >= rows || x < 0 || x >= cols ? 0 : get(y, x, c);
    }
  }

  static void invert(Image in, Image out, SplittableRandom rng) {
    forEach(in, (y, x, c) -> out.set(y, x, c, 255 - in.get(y, x, c)));
  }

  static void rotate(Image in, Image out, SplittableRandom rng) {
    // out(y, x) = in(rows - 1 - x, y): a clockwise quarter turn of a square image
    forEach(in, (y, x, c) -> out.set(y, x, c, in.get(in.rows() - 1 - x, y, c)));
  }

  /** HSV value + BRIGHTNESS with hue and saturation kept: scale the pixel by v' / v. */
  static void brightness(Image in, Image out, SplittableRandom rng) {
    for (int y = 0; y < in.rows(); y++) {
      for (int x = 0; x < in.cols(); x++) {
        int v = 0;
        for (int c = 0; c < in.channels(); c++) {
          v = Math.max(v, in.get(y, x, c));
        }
        double brighter = Math.min(255, v + 255 * BRIGHTNESS);
        for (int c = 0; c < in.channels(); c++) {
          out.set(y, x, c, v == 0 ? brighter : in.get(y, x, c) * brighter / v);
        }
      }
    }
  }

  static void contrast(Image in, Image out, SplittableRandom rng) {
    for (int c = 0; c < in.channels(); c++) {
      double sum = 0;
      for (int y = 0; y < in.rows(); y++) {
        for (int x = 0; x < in.cols(); x++) {
          sum += in.get(y, x, c);
        }
      }
      double mean = sum / (in.rows() * in.cols());
      for (int y = 0; y < in.rows(); y++) {
        for (int x = 0; x < in.cols(); x++) {
          out.set(y, x, c, (in.get(y, x, c) - mean) * CONTRAST + mean);
        }
      }
    }
  }

  static void shotNoise(Image in, Image out, SplittableRandom rng) {
    forEach(
        in,
        (y, x, c) ->
            out.set(
                y, x, c, 255 * poisson(rng, in.get(y, x, c) / 255.0 * SHOT_LAMBDA) / SHOT_LAMBDA));
  }

  /** Knuth's product of uniforms; fine for the small means here. */
  static int poisson(SplittableRandom rng, double mean) {
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /**
   * ImageMagick's MotionBlurImage: taps i = 0..2 * radius at integer offsets round(i * (cos a, sin
   * a)), weights exp(-i^2 / (2 sigma^2)), edge pixels repeated.
   */
  static void motionBlur(Image in, Image out, SplittableRandom rng) {
    double angle = Math.toRadians(rng.nextDouble(-BLUR_MAX_DEGREES, BLUR_MAX_DEGREES));
    int taps = 2 * BLUR_RADIUS + 1;
    int[] dx = new int[taps];
    int[] dy = new int[taps];
    double[] w = new double[taps];
    double total = 0;
    for (int i = 0; i < taps; i++) {
      dx[i] = (int) Math.round(i * Math.cos(angle));
      dy[i] = (int) Math.round(i * Math.sin(angle));
      w[i] = Math.exp(-(i * i) / (2 * BLUR_SIGMA * BLUR_SIGMA));
      total += w[i];
    }
    double sum = total;
    forEach(
        in,
        (y, x, c) -> {
          double acc = 0;
          for (int i = 0; i < taps; i++) {
            int sy = Math.max(0, Math.min(in.rows() - 1, y + dy[i]));
            int sx = Math.max(0, Math.min(in.cols() - 1, x + dx[i]));
            acc += w[i] * in.get(sy, sx, c);
          }
          out.set(y, x, c, acc / sum);
        });
  }

  /**
   * skimage's {@code warp(x, AffineTransform(shear=s))} with the centre fixed: out(y, x) = in(cy +
   * cos(s) (y - cy), x - sin(s) (y - cy)), s = +-SHEAR at random.
   */
  static void shear(Image in, Image out, SplittableRandom rng) {
    double s = rng.nextBoolean() ? SHEAR : -SHEAR;
    double cy = (in.rows() - 1) / 2.0;
    forEach(
        in,
        (y, x, c) ->
            out.set(
                y, x, c, in.bilinear(cy + Math.cos(s) * (y - cy), x - Math.sin(s) * (y - cy), c)));
  }

  /** x + FOG * plasma, rescaled by max / (max + FOG), the plasma's top-left corner. */
  static void fog(Image in, Image out, SplittableRandom rng) {
    if (in.rows() > FOG_MAP || in.cols() > FOG_MAP) {
      throw new IllegalArgumentException("fog needs images up to " + FOG_MAP + " pixels a side");
    }
    double[][] plasma = Plasma.fractal(FOG_MAP, FOG_DECAY, rng);
    int max = 0;
    for (int i = 0; i < in.rows() * in.cols() * in.channels(); i++) {
      max = Math.max(max, in.pixels()[in.offset() + i] & 0xFF);
    }
    double m = max / 255.0;
    forEach(
        in,
        (y, x, c) ->
            out.set(y, x, c, 255 * (in.get(y, x, c) / 255.0 + FOG * plasma[y][x]) * m / (m + FOG)));
  }

  static void stripe(Image in, Image out, SplittableRandom rng) {
    int band = in.cols() / 4;
    forEach(
        in,
        (y, x, c) -> {
          boolean outer = x < band || x >= in.cols() - band;
          out.set(y, x, c, outer ? 255 - in.get(y, x, c) : in.get(y, x, c));
        });
  }

  private interface PixelAction {
    void at(int y, int x, int c);
  }

  private static void forEach(Image in, PixelAction action) {
    for (int y = 0; y < in.rows(); y++) {
      for (int x = 0; x < in.cols(); x++) {
        for (int c = 0; c < in.channels(); c++) {
          action.at(y, x, c);
        }
      }
    }
  }
}
