package io.vitstream.bench;

import java.util.Arrays;

/**
 * The rate at which outputs arrived in the steady part of a run: the first {@code skip} share of
 * arrivals (start-up, JIT, first batches) and the last 5 % (the tail) are left out.
 *
 * @param perSecond outputs per second in the window
 * @param outputs outputs in the window
 * @param seconds the window's length
 */
public record SteadyRate(double perSecond, int outputs, double seconds) {
  static final double TAIL = 0.05;

  /**
   * @param arrivalMillis when each output arrived, wall clock in milliseconds (any order)
   * @param skip the share of the first arrivals left out, in [0, 0.9)
   */
  static SteadyRate of(long[] arrivalMillis, double skip) {
    long[] t = arrivalMillis.clone();
    Arrays.sort(t);
    int first = (int) (t.length * skip);
    int last = Math.max(first + 1, (int) (t.length * (1 - TAIL)) - 1);
    if (last >= t.length) {
      throw new IllegalArgumentException("too few outputs for a steady window: " + t.length);
    }
    double seconds = Math.max(1, t[last] - t[first]) / 1e3;
    return new SteadyRate((last - first) / seconds, last - first, seconds);
  }
}
