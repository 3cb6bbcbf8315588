package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW's decoupled weight decay, {@code w -= lr * wd * w}, applied by hand before the Adam step,
 * to matrices only: as timm does, biases, LayerNorm parameters and the position and [class]
 * embeddings are not decayed. DJL's AdamW decays every parameter alike.
 */
final class DecoupledWeightDecay {
  private static final Set<String> EXEMPT = Set.of("pos_embed", "cls_token");

  private final List<NDArray> decayed;
  private final float weightDecay;

  /**
   * @param parameters the model's parameters under timm's names
   */
  DecoupledWeightDecay(Map<String, Parameter> parameters, float weightDecay) {
    this.weightDecay = weightDecay;
    this.decayed =
        parameters.entrySet().stream()
            .filter(e -> decays(e.getKey(), e.getValue().getArray()))
            .map(e -> e.getValue().getArray())
            .toList();
  }

  /** Whether the parameter of this timm name and value is decayed: matrices, not embeddings. */
  static boolean decays(String name, NDArray value) {
    return !EXEMPT.contains(name) && value.getShape().dimension() >= 2;
  }

  /** Shrinks the decayed weights in place for a step at learning rate {@code lr}. */
  void apply(float lr) {
    float keep = 1 - lr * weightDecay;
    if (keep == 1) {
      return;
    }
    for (NDArray w : decayed) {
      w.muli(keep);
    }
  }

  /** How many parameter tensors are decayed. */
  int size() {
    return decayed.size();
  }
}
