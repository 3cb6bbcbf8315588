package io.vitstream.inference;

import ai.djl.Device;
import io.vitstream.checkpoint.Checkpoints;
import io.vitstream.checkpoint.LoadedCheckpoint;
import io.vitstream.image.Preprocessing;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Serves a checkpoint folder (config.json + model.safetensors, as {@link Checkpoints} reads them).
 * Checkpoints do not carry preprocessing: the input size and channels come from the model's config,
 * the normalisation from the caller. Classes without names in the checkpoint are named by index.
 *
 * @param dir the checkpoint folder
 * @param name the model name predictions report
 * @param version the model version predictions report
 * @param device where the model runs
 * @param precision FP32, or FP16 on a GPU
 * @param mean per-channel mean; one value is repeated for every channel
 * @param std per-channel std; one value is repeated for every channel
 */
public record CheckpointModelProvider(
    Path dir,
    String name,
    int version,
    Device device,
    Precision precision,
    List<Float> mean,
    List<Float> std)
    implements ModelProvider {

  @Override
  public ServingModel load() {
    precision.checkSupportedOn(device);
    LoadedCheckpoint loaded = Checkpoints.load(dir, device, precision);
    try {
      ViTConfig c = loaded.model().config();
      int classes = c.numClasses();
      List<String> labels =
          loaded.labels().size() == classes
              ? loaded.labels()
              : IntStream.range(0, classes).mapToObj(Integer::toString).toList();
      var preprocessing =
          new Preprocessing(
              c.imageSize(),
              c.channels(),
              perChannel(mean, c.channels()),
              perChannel(std, c.channels()),
              "bilinear");
      return new ServingModel(name, version, loaded.model(), labels, preprocessing);
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  private static List<Float> perChannel(List<Float> values, int channels) {
    return values.size() == 1 ? Collections.nCopies(channels, values.get(0)) : values;
  }
}
