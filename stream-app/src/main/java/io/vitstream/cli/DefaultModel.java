package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.app.AppConfig;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.ModelProvider;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model served when no checkpoint is configured: the promoted {@code fashion-mnist} version of
 * the repository's model store, or, when the store has none, an untrained stand-in.
 */
final class DefaultModel {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultModel.class);

  /** Fashion-MNIST class names, in label order. */
  static final List<String> FASHION_MNIST_LABELS =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private DefaultModel() {}

  /** The configured checkpoint if any, else the default model. */
  static ModelProvider provider(AppConfig config) {
    return config
        .model()
        .provider(() -> fromStore(config.model().djlDevice(), config.model().precision()));
  }

  /** The store's promoted Fashion-MNIST model (checksum verified), else the stand-in. */
  private static ServingModel fromStore(Device device, Precision precision) {
    ModelStore store = ModelStore.open(CliPaths.defaultStore());
    if (store.promoted(FashionMnist.NAME).isEmpty()) {
      return untrainedFashionMnist(device);
    }
    LoadedModel loaded = store.load(FashionMnist.NAME, OptionalInt.empty(), device, precision);
    try {
      ModelManifest m = loaded.manifest();
      LOG.info("serving {}:{} from {}", m.name(), m.version(), store.root());
      return new ServingModel(m.name(), m.version(), loaded.model(), m.labels(), m.preprocessing());
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  /** A randomly initialised ViT of Fashion-MNIST's shape: it runs, but guesses. */
  private static ServingModel untrainedFashionMnist(Device device) {
    LOG.warn(
        "no model configured (--checkpoint) and none promoted in the model store: serving an"
            + " UNTRAINED ViT, predictions are guesses");
    ViTConfig c =
        ViTConfig.builder()
            .imageSize(28)
            .patchSize(7)
            .channels(1)
            .width(64)
            .depth(2)
            .heads(4)
            .numClasses(10)
            .build();
    VitModel model = VitModel.create(c, device, Precision.FP32);
    List<String> labels = IntStream.range(0, 10).mapToObj(FASHION_MNIST_LABELS::get).toList();
    return new ServingModel(
        "untrained-fashion-mnist", 0, model, labels, Preprocessing.fashionMnist());
  }
}
