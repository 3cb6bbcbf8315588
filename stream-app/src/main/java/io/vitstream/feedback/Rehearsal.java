package io.vitstream.feedback;

import io.vitstream.dataset.LabeledImages;
import java.util.SplittableRandom;

/**
 * Rehearsal against forgetting: every fine-tuning run also trains on a fresh random draw from the
 * champion's original training data, so the feedback's distribution cannot crowd out the one the
 * model was built for. The pool must not be the regression set's source (the gate checks forgetting
 * on held-out original data).
 *
 * @param pool the original training images
 * @param perRun images drawn (uniformly, with replacement) for each run; 0 turns rehearsal off
 * @param seed seeds the draws; run {@code k} always draws the same images
 */
public record Rehearsal(LabeledImages pool, int perRun, long seed) {

  public Rehearsal {
    if (perRun < 0) {
      throw new IllegalArgumentException("rehearsal examples must be >= 0, got " + perRun);
    }
    if (perRun > 0 && pool.count() == 0) {
      throw new IllegalArgumentException("rehearsal needs a non-empty pool");
    }
  }

  /** No rehearsal. */
  public static Rehearsal none(int rows, int cols) {
    return new Rehearsal(new LabeledImages(0, rows, cols, new byte[0], new byte[0]), 0, 0);
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
}
