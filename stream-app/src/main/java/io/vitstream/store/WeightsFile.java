package io.vitstream.store;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
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
   * Reads the file once, checks its sha256 against the manifest, and only then builds the model
   * from those same bytes, after checking every tensor's name and shape.
   *
   * @throws StoreException for a missing file, a checksum mismatch or a tensor that does not fit
   */
  static VitModel load(Path file, ModelManifest manifest, Device device, Precision precision) {
    String ref = manifest.name() + ":" + manifest.version();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StoreException("model " + ref + " has no weights file " + file, e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equalsIgnoreCase(manifest.sha256())) {
      throw new StoreException(
          "refusing to load model "
              + ref
              + ": sha256 of "
              + file.getFileName()
              + " is "
              + actual
              + " but the manifest says "
              + manifest.sha256()
              + " (corrupt or tampered)");
    }
    Djl.ensureConfigured();
    try (NDManager tmp = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> tensors = decode(bytes, tmp, ref);
      VitModel model = VitModel.create(manifest.vit(), device, precision);
      try {
        checkTensors(model.parameters(), tensors, ref);
        model.setWeights(tensors);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  private static Map<String, NDArray> decode(byte[] bytes, NDManager manager, String ref) {
    NDList list;
    try {
      list = NDList.decode(manager, bytes);
    } catch (RuntimeException e) {
      throw new StoreException("weights of model " + ref + " are not valid safetensors", e);
    }
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (NDArray a : list) {
      out.put(a.getName(), a);
    }
    return out;
  }

  private static void checkTensors(
      Map<String, Parameter> params, Map<String, NDArray> tensors, String ref) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray t = tensors.get(e.getKey());
      if (t == null || !t.getShape().equals(e.getValue().getShape())) {
        throw new StoreException(
            "weights of model "
                + ref
                + " do not fit its manifest's geometry: tensor '"
                + e.getKey()
                + "' is "
                + (t == null ? "missing" : t.getShape() + ", expected " + e.getValue().getShape()));
      }
    }
    for (String name : tensors.keySet()) {
      if (!params.containsKey(name)) {
        throw new StoreException(
            "weights of model " + ref + " have an unknown tensor '" + name + "'");
      }
    }
  }
}
