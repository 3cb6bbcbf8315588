package io.vitstream.store;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.vitstream.checkpoint.CheckpointException;
import io.vitstream.checkpoint.SafeTensors;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A version's {@code model.safetensors}: written with its checksum, loaded only if it matches. */
final class WeightsFile {
  private WeightsFile() {}

  /** Writes the model's weights under timm's names and returns their hex sha256. */
  static String write(Path file, VitModel model) throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> tensors.put(name, p.getArray()));
    SafeTensors.write(file, tensors, Map.of("format", "pt"));
    return Sha256.hex(Files.readAllBytes(file));
  }

  /**
   * Reads the file once, checks that it is complete safetensors and that its sha256 is the
   * manifest's, and only then builds the model from those same bytes, after checking every tensor's
   * name and shape against the manifest's geometry. On failure nothing stays allocated.
   *
   * @throws StoreException for a missing, truncated, corrupt or tampered file, or one that does not
   *     fit the manifest; the message names the model, the file and the fault in one line
   */
  static VitModel load(Path file, ModelManifest manifest, Device device, Precision precision) {
    String refusal = "refusing to load model " + manifest.name() + ":" + manifest.version() + ": ";
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException(refusal + "the weights file " + file + " is missing", e);
    } catch (IOException e) {
      throw new StoreException(refusal + "cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      SafeTensors.check(file, bytes);
    } catch (CheckpointException e) {
      throw new StoreException(refusal + e.getMessage(), e);
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equalsIgnoreCase(manifest.sha256())) {
      throw new StoreException(
          refusal
              + "sha256 of "
              + file
              + " is "
              + actual
              + " but the manifest says "
              + manifest.sha256()
              + " (corrupt or tampered)");
    }
    Djl.ensureConfigured();
    try (NDManager tmp = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> tensors = SafeTensors.decode(file, bytes, tmp);
      VitModel model = VitModel.create(manifest.vit(), device, precision);
      try {
        checkTensors(model.parameters(), tensors, refusal + file);
        model.setWeights(tensors);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    } catch (CheckpointException e) {
      throw new StoreException(refusal + e.getMessage(), e);
    }
  }

  private static void checkTensors(
      Map<String, Parameter> params, Map<String, NDArray> tensors, String file) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Shape expected = e.getValue().getShape();
      NDArray t = tensors.get(e.getKey());
      if (t == null || !t.getShape().equals(expected)) {
        throw new StoreException(
            file
                + " does not fit the geometry in "
                + ModelStore.MANIFEST
                + ": tensor '"
                + e.getKey()
                + "' is "
                + (t == null ? "missing" : t.getShape() + ", expected " + expected));
      }
    }
    for (String name : tensors.keySet()) {
      if (!params.containsKey(name)) {
        throw new StoreException(
            file
                + " does not fit the geometry in "
                + ModelStore.MANIFEST
                + ": it has tensor '"
                + name
                + "', which that geometry has no place for");
      }
    }
  }
}
