package io.vitstream.app;

import ai.djl.Device;
import io.vitstream.inference.CheckpointModelProvider;
import io.vitstream.inference.ModelProvider;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which model to serve and where.
 *
 * @param checkpoint a checkpoint folder, or empty for the model store's {@code name}
 * @param name reported in predictions
 * @param version reported in predictions
 * @param device {@code cpu} or {@code gpu}
 * @param precision the model's precision
 * @param mean normalisation mean per channel (one value: every channel)
 * @param std normalisation std per channel (one value: every channel)
 */
public record ModelSettings(
    Optional<Path> checkpoint,
    String name,
    int version,
    String device,
    Precision precision,
    List<Float> mean,
    List<Float> std) {

  public ModelSettings {
    device = device.toLowerCase(Locale.ROOT);
    if (!device.equals("cpu") && !device.equals("gpu")) {
      throw new IllegalArgumentException("model.device must be cpu or gpu, got " + device);
    }
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  /** The DJL device. */
  public Device djlDevice() {
    return device.equals("gpu") ? Device.gpu() : Device.cpu();
  }

  /**
   * The provider of the configured checkpoint or, when none is configured, of {@code name} in
   * {@code store} at {@code version} (0: the promoted version), its weights checked against the
   * manifest's sha256 before the model is built.
   */
  public ModelProvider provider(ModelStore store) {
    return checkpoint
        .<ModelProvider>map(
            dir ->
                new CheckpointModelProvider(dir, name, version, djlDevice(), precision, mean, std))
        .orElseGet(
            () ->
                new StoreModelProvider(
                    store,
                    name,
                    version == 0 ? OptionalInt.empty() : OptionalInt.of(version),
                    djlDevice(),
                    precision));
  }
}
