package io.vitstream.vit;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate activations during a forward pass ({@code embeddings}, {@code
 * blockN}, {@code norm}, {@code pre_logits}). The arrays belong to the forward's memory scope.
 */
@FunctionalInterface
public interface ActivationSink {
  /** A sink that keeps nothing. */
  ActivationSink NONE = (name, activation) -> {};

  /** Called once per named activation, in forward order. */
  void accept(String name, NDArray activation);
}
