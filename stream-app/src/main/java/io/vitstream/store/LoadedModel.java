package io.vitstream.store;

import io.vitstream.vit.VitModel;

/** A model loaded from the store with its manifest. Close it to free the model's native memory. */
public record LoadedModel(VitModel model, ModelManifest manifest) implements AutoCloseable {
  @Override
  public void close() {
    model.close();
  }
}
