package io.vitstream.feedback;

/**
 * Rolls a new version back when its live accuracy on fresh feedback falls below its predecessor's
 * live accuracy (measured before the swap) by more than {@code maxDrop}, and the drop is
 * significant, once {@code minLabels} labelled predictions of the new version are in. The two
 * windows hold different images, so the drop's 95% interval is Newcombe's for independent
 * proportions (square-and-add of the two Wilson intervals, Newcombe 1998, method 10); its lower
 * bound must be above 0. Two windows of 100 labels have a standard error of about 0.07 on their
 * difference: without the test, a 0.05 drop threshold rolled back versions that the gate had just
 * shown to be better on paired images (brightness drift: v5 won b=0, c=9 on the holdout, then lost
 * 0.520 against 0.580 live and was rolled back).
 *
 * @param maxDrop the largest tolerated drop, in [0, 1]
 * @param minLabels labelled predictions of the new version needed to judge it
 */
public record RollbackPolicy(double maxDrop, int minLabels) {
  /** The metric of a ROLLED_BACK decision that names the version rolled back from. */
  public static final String ROLLED_BACK_VERSION = "rolled_back_version";

  public RollbackPolicy {
    if (maxDrop < 0 || maxDrop > 1 || minLabels < 1) {
      throw new IllegalArgumentException("need 0 <= maxDrop <= 1 and minLabels >= 1");
    }
  }

  /** True when the new version should be rolled back. */
  public boolean shouldRollBack(LiveAccuracy predecessor, LiveAccuracy current) {
    return current.count() >= minLabels
        && predecessor.count() > 0
        && predecessor.accuracy() - current.accuracy() > maxDrop
        && dropLowerBound(predecessor, current) > 0;
  }

  /** The lower 95% bound of {@code before}'s accuracy minus {@code now}'s (both non-empty). */
  public static double dropLowerBound(LiveAccuracy before, LiveAccuracy now) {
    return PairedComparison.newcombe(
            before.correct(), before.count(), now.correct(), now.count(), 0)
        .low();
  }
}
