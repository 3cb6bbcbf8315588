package io.vitstream.training;

import java.util.Locale;

/**
 * The optimizer of a run, applied by {@link FusedOptimizer}. Weight decay is decoupled and applies
 * to the matrices only, for either kind.
 */
public enum OptimizerKind {
  /** Adam with decoupled weight decay: the from-scratch recipe. */
  ADAMW,
  /** SGD with momentum 0.9: the paper's fine-tuning recipe. */
  SGD;

  /** Parses {@code adamw} or {@code sgd} (any case); throws naming the accepted values. */
  public static OptimizerKind parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown optimizer '" + text + "': adamw or sgd", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
