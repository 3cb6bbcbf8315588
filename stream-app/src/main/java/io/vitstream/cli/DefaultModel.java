package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.app.AppConfig;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.ModelProvider;
import io.vitstream.inference.ServingModel;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.List;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model served when no checkpoint is configured. Integration point: the model store's
 * Fashion-MNIST model replaces the untrained stand-in below.
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
    return config.model().provider(() -> untrainedFashionMnist(config.model().djlDevice()));
  }

  /** A randomly initialised ViT of Fashion-MNIST's shape: it runs, but guesses. */
  private static ServingModel untrainedFashionMnist(Device device) {
    LOG.warn(
        "no model configured (--checkpoint): serving an UNTRAINED ViT, predictions are guesses");
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
