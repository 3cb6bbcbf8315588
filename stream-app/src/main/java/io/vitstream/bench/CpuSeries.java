package io.vitstream.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A process's cumulative CPU ticks sampled over wall-clock time, so that the CPU it used in any
 * window can be read afterwards (linear between samples). Not thread-safe: one sampler adds.
 */
final class CpuSeries {
  private final List<long[]> samples = new ArrayList<>();

  /** Adds a sample; times must not go backwards. */
  void add(long atMillis, long ticks) {
    if (!samples.isEmpty() && atMillis < samples.get(samples.size() - 1)[0]) {
      throw new IllegalArgumentException("samples must come in time order");
    }
    samples.add(new long[] {atMillis, ticks});
  }

  /**
   * The mean number of cores used in [{@code fromMillis}, {@code toMillis}]: 1.0 is one core busy
   * all the time.
   *
   * @throws IllegalArgumentException when the window is not inside the sampled span
   */
  double cores(long fromMillis, long toMillis) {
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException("empty window " + fromMillis + ".." + toMillis);
    }
    double ticks = ticksAt(toMillis) - ticksAt(fromMillis);
    return ticks / ProcStat.TICKS_PER_SECOND / ((toMillis - fromMillis) / 1e3);
  }

  private double ticksAt(long t) {
    if (samples.size() < 2 || t < samples.get(0)[0] || t > samples.get(samples.size() - 1)[0]) {
      throw new IllegalArgumentException("time " + t + " outside the sampled span");
    }
    for (int i = 1; i < samples.size(); i++) {
      long[] a = samples.get(i - 1);
      long[] b = samples.get(i);
      if (t <= b[0]) {
        double share = b[0] == a[0] ? 1 : (double) (t - a[0]) / (b[0] - a[0]);
        return a[1] + share * (b[1] - a[1]);
      }
    }
    throw new IllegalStateException("unreachable");
  }
}
