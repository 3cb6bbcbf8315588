package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ModelSettings;
import io.vitstream.inference.ModelProvider;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model served when no checkpoint is configured: {@code model.name} from the repository's model
 * store, at {@code model.version} or, when that is 0, the promoted version. The store checks the
 * weights' sha256 before anything is built.
 */
final class DefaultModel {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultModel.class);

  private DefaultModel() {}

  /** The configured checkpoint if any, else the store's model. */
  static ModelProvider provider(AppConfig config) {
    return config.model().provider(() -> fromStore(config.model()));
  }

  private static ServingModel fromStore(ModelSettings settings) {
    ModelStore store = ModelStore.open(CliPaths.defaultStore());
    OptionalInt version =
        settings.version() == 0 ? OptionalInt.empty() : OptionalInt.of(settings.version());
    LoadedModel loaded =
        store.load(settings.name(), version, settings.djlDevice(), settings.precision());
    try {
      ModelManifest m = loaded.manifest();
      LOG.info("serving {}:{} from {}", m.name(), m.version(), store.root());
      return new ServingModel(m.name(), m.version(), loaded.model(), m.labels(), m.preprocessing());
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }
}
