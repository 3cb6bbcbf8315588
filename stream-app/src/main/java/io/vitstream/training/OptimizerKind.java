package io.vitstream.training;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Locale;

/**
 * The optimizer of a run. Weight decay is never DJL's: {@link DecoupledWeightDecay} applies it to
 * the matrices only, for either kind.
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

  Optimizer build(ParameterTracker learningRate) {
    return switch (this) {
      case ADAMW ->
          Optimizer.adamW().optLearningRateTracker(learningRate).optWeightDecays(0).build();
      case SGD ->
          Optimizer.sgd()
              .setLearningRateTracker(learningRate)
              .optMomentum(0.9f)
              .optWeightDecays(0)
              .build();
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
