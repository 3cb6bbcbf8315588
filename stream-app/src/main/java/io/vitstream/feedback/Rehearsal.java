package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.training.SoftTargets;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Rehearsal against forgetting: every fine-tuning run also trains on a fresh random draw from the
 * champion's original training data, so the feedback's distribution cannot crowd out the one the
 * model was built for. The pool must not be the regression set's source (the gate checks forgetting
 * on held-out original data).
 *
 * @param pool the original training images
 * @param perRun images drawn (uniformly, with replacement) for each run; 0 turns rehearsal off
 * @param seed seeds the draws; run {@code k} always draws the same images
 * @param distill how much of a drawn image's target is the champion's prediction rather than its
 *     label (0 to 1): distillation keeps the candidate's answers on original data close to the
 *     champion's, not just correct
 */
public record Rehearsal(LabeledImages pool, int perRun, long seed, double distill) {

  public Rehearsal {
    if (perRun < 0) {
      throw new IllegalArgumentException("rehearsal examples must be >= 0, got " + perRun);
    }
    if (perRun > 0 && pool.count() == 0) {
      throw new IllegalArgumentException("rehearsal needs a non-empty pool");
    }
    if (!(distill >= 0 && distill <= 1)) {
      throw new IllegalArgumentException("rehearsal distill must be in [0, 1], got " + distill);
    }
  }

  /** No rehearsal, for grayscale images. */
  public static Rehearsal none(int rows, int cols) {
    return none(rows, cols, 1);
  }

  /** No rehearsal, for images of these rows, columns and channels. */
  public static Rehearsal none(int rows, int cols, int channels) {
    return new Rehearsal(LabeledImages.empty(rows, cols, channels), 0, 0, 0);
  }

  /** The draw for run {@code run} (0-based). */
  public LabeledImages draw(long run) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + run);
    int[] indices = new int[perRun];
    for (int i = 0; i < perRun; i++) {
      indices[i] = random.nextInt(pool.count());
    }
    return pool.select(indices);
  }

  /**
   * The targets of a run that trains on {@code feedback} followed by {@code drawn}: the feedback's
   * labels, then the drawn images' labels blended with the champion's probabilities; empty (train
   * on labels) when nothing is distilled.
   *
   * @param champion the champion's probabilities for {@code drawn}, asked for only when needed
   */
  public Optional<SoftTargets> targets(
      LabeledImages feedback, LabeledImages drawn, int classes, Supplier<float[]> champion) {
    if (distill == 0 || drawn.count() == 0) {
      return Optional.empty();
    }
    SoftTargets teacher = new SoftTargets(classes, champion.get());
    return Optional.of(
        SoftTargets.oneHot(feedback, classes)
            .concat(SoftTargets.oneHot(drawn, classes).blend(teacher, distill)));
  }
}
