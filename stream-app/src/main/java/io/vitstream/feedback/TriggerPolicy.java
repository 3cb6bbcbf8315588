package io.vitstream.feedback;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * When to fine-tune: after {@code newLabels} new training labels, after {@code interval} with at
 * least {@code minLabels} new ones, or when live accuracy falls {@code accuracyDrop} below the
 * champion's accuracy at promotion (with at least {@code minLabels} new ones to learn from, and
 * {@code minHoldoutMisses} new holdout images the champion got wrong to judge the candidate on).
 *
 * <p>The last condition is the gate's power: a paired exact McNemar test cannot find a gain on
 * fewer discordant images than {@code log2(2 / alpha)} (6 at alpha 0.05), so a run started before
 * the holdout holds that many new champion errors is rejected whatever it learned, and the next run
 * starts only after it. So while live accuracy is down no run fires, not even for the label count,
 * until that evidence is there, and every run that fires then is urgent.
 *
 * @param newLabels labels that fire a run on their own
 * @param interval elapsed time that fires a run
 * @param accuracyDrop drop of live accuracy, in [0, 1], that fires a run
 * @param minLabels the fewest new labels any run needs
 * @param minHoldoutMisses the fewest new holdout images the champion got wrong that an
 *     accuracy-triggered run needs
 */
public record TriggerPolicy(
    int newLabels, Duration interval, double accuracyDrop, int minLabels, int minHoldoutMisses) {

  public TriggerPolicy {
    if (newLabels < 1 || minLabels < 1 || minLabels > newLabels) {
      throw new IllegalArgumentException("need 1 <= minLabels <= newLabels");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    if (!(accuracyDrop > 0 && accuracyDrop <= 1)) {
      throw new IllegalArgumentException("accuracy drop must be in (0, 1]");
    }
    if (minHoldoutMisses < 0) {
      throw new IllegalArgumentException("min holdout misses must be >= 0");
    }
  }

  /** A policy whose accuracy trigger needs no holdout evidence. */
  public TriggerPolicy(int newLabels, Duration interval, double accuracyDrop, int minLabels) {
    this(newLabels, interval, accuracyDrop, minLabels, 0);
  }

  /**
   * The reason to fire now, or empty.
   *
   * @param labelsSinceLastRun training labels that arrived since the last run
   * @param sinceLastRun time since the last run (or since start)
   * @param baseline the champion's accuracy when it was promoted (its gate accuracy)
   * @param live the champion's live accuracy; NaN when unknown
   * @param holdoutMisses holdout images the champion got wrong since the last run
   */
  public Optional<String> reason(
      int labelsSinceLastRun,
      Duration sinceLastRun,
      double baseline,
      double live,
      int holdoutMisses) {
    if (dropped(baseline, live)) {
      return labelsSinceLastRun >= minLabels && holdoutMisses >= minHoldoutMisses
          ? Optional.of(
              String.format(
                  Locale.ROOT,
                  "live accuracy %.3f fell below %.3f (%d new holdout misses)",
                  live,
                  baseline,
                  holdoutMisses))
          : Optional.empty();
    }
    if (labelsSinceLastRun >= newLabels) {
      return Optional.of(labelsSinceLastRun + " new labels");
    }
    if (labelsSinceLastRun >= minLabels && sinceLastRun.compareTo(interval) >= 0) {
      return Optional.of(sinceLastRun.toSeconds() + " s elapsed");
    }
    return Optional.empty();
  }

  /**
   * Whether live accuracy fell by the trigger's drop: a run for this reason is urgent and pre-empts
   * a routine one.
   */
  public boolean dropped(double baseline, double live) {
    return !Double.isNaN(live) && baseline - live >= accuracyDrop;
  }
}
