package io.vitstream.reliability;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * An RSS series of a run of {@code images} images, in MiB: the readings at 25 % and 50 % of the
 * run, at its end and the largest, and the two medians the leak check compares, over the second
 * quarter of the run (after warm-up) and over the last quarter.
 */
record RssSummary(
    double at25, double at50, double end, double max, double secondQuarter, double lastQuarter) {

  static RssSummary of(List<RssSample> samples, int images) {
    return new RssSummary(
        first(samples, n -> n >= images / 4),
        first(samples, n -> n >= images / 2),
        samples.get(samples.size() - 1).rssMib(),
        samples.stream().mapToDouble(RssSample::rssMib).max().orElseThrow(),
        median(samples, n -> n >= images / 4 && n < images / 2),
        median(samples, n -> n >= images * 3 / 4));
  }

  /** How much the last quarter's median exceeds the second quarter's. */
  double growth() {
    return lastQuarter - secondQuarter;
  }

  private static double first(List<RssSample> samples, IntPredicate images) {
    return samples.stream().filter(s -> images.test(s.images())).findFirst().orElseThrow().rssMib();
  }

  private static double median(List<RssSample> samples, IntPredicate images) {
    double[] v =
        samples.stream()
            .filter(s -> images.test(s.images()))
            .mapToDouble(RssSample::rssMib)
            .sorted()
            .toArray();
    if (v.length == 0) {
      throw new IllegalArgumentException("no sample in that part of the run");
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
