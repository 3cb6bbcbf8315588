package io.vitstream.demo;

import java.util.SplittableRandom;

/**
 * The plasma fractal of MNIST-C's and ImageNet-C's fog: diamond-square on a wrapping square grid,
 * each new point the mean of its four neighbours plus uniform noise whose scale shrinks by {@code
 * decay} per level, then scaled to [0, 1].
 */
final class Plasma {
  private Plasma() {}

  /** A {@code size} x {@code size} map in [0, 1]; {@code size} must be a power of two. */
  static double[][] fractal(int size, double decay, SplittableRandom rng) {
    if (size < 2 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("plasma size must be a power of two, got " + size);
    }
    double[][] m = new double[size][size];
    double wibble = 100;
    for (int step = size; step >= 2; step /= 2, wibble /= decay) {
      int half = step / 2;
      // squares: each centre from the four corners around it
      for (int y = 0; y < size; y += step) {
        for (int x = 0; x < size; x += step) {
          double sum =
              m[y][x]
                  + m[(y + step) % size][x]
                  + m[y][(x + step) % size]
                  + m[(y + step) % size][(x + step) % size];
          m[y + half][x + half] = noisyMean(sum, wibble, rng);
        }
      }
      // diamonds: each edge midpoint from the two centres and two corners beside it
      for (int y = 0; y < size; y += step) {
        for (int x = 0; x < size; x += step) {
          double top =
              m[y + half][x + half]
                  + m[(y - half + size) % size][x + half]
                  + m[y][x]
                  + m[y][(x + step) % size];
          m[y][x + half] = noisyMean(top, wibble, rng);
          double left =
              m[y + half][x + half]
                  + m[y + half][(x - half + size) % size]
                  + m[y][x]
                  + m[(y + step) % size][x];
          m[y + half][x] = noisyMean(left, wibble, rng);
        }
      }
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double[] row : m) {
      for (double v : row) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    double range = max - min;
    for (double[] row : m) {
      for (int x = 0; x < size; x++) {
        row[x] = range == 0 ? 0 : (row[x] - min) / range;
      }
    }
    return m;
  }

  /** sum / 4 plus wibble * U(-wibble, wibble), as MNIST-C's {@code wibbledmean}. */
  private static double noisyMean(double sum, double wibble, SplittableRandom rng) {
    return sum / 4 + wibble * rng.nextDouble(-wibble, wibble);
  }
}
