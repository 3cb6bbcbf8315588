package io.vitstream.inference;

/**
 * Loads the model the inference topology serves. The caller owns the returned model and closes it.
 * Implementations load from a checkpoint folder ({@link CheckpointModelProvider}) or from the model
 * store.
 */
@FunctionalInterface
public interface ModelProvider {
  /**
   * Loads the model.
   *
   * @throws RuntimeException with a one-line reason when it cannot be loaded
   */
  ServingModel load();
}
