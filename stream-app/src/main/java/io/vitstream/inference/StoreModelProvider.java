package io.vitstream.inference;

import ai.djl.Device;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a version of a model in the {@link ModelStore}, its weights checked against the manifest's
 * sha256 before the model is built; labels and preprocessing come from the manifest.
 *
 * @param store the model store
 * @param name the model's name
 * @param version the version; empty for the promoted one
 * @param device where the model runs
 * @param precision FP32, or FP16 on a GPU
 */
public record StoreModelProvider(
    ModelStore store, String name, OptionalInt version, Device device, Precision precision)
    implements ModelProvider {
  private static final Logger LOG = LoggerFactory.getLogger(StoreModelProvider.class);

  @Override
  public ServingModel load() {
    LoadedModel loaded = store.load(name, version, device, precision);
    try {
      ModelManifest m = loaded.manifest();
      LOG.info(
          "model {} v{} loaded from the store (sha256 {})",
          m.name(),
          m.version(),
          m.sha256().substring(0, Math.min(12, m.sha256().length())));
      return new ServingModel(m.name(), m.version(), loaded.model(), m.labels(), m.preprocessing());
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }
}
