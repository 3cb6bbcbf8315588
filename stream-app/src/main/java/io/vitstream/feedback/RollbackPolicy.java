package io.vitstream.feedback;

/**
 * Rolls a new version back when its live accuracy on fresh feedback falls below its predecessor's
 * live accuracy (measured before the swap) by {@code maxDrop}, once {@code minLabels} labelled
 * predictions of the new version are in.
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
  public boolean shouldRollBack(double predecessorLive, LiveAccuracy current) {
    return current.count() >= minLabels
        && !Double.isNaN(predecessorLive)
        && predecessorLive - current.accuracy() > maxDrop;
  }
}
