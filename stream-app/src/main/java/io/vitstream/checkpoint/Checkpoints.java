package io.vitstream.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.HeadType;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads ViT checkpoint folders (config.json + model.safetensors) written by HF transformers, timm
 * or vitstream, and saves them in timm's layout.
 *
 * <p>A load checks every tensor's presence and shape before any weight is copied, so a broken
 * checkpoint yields one message naming the tensor and never a half-loaded model.
 */
public final class Checkpoints {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";

  private Checkpoints() {}

  /** Reads a folder's config.json and tensor names and tells what it holds. */
  public static CheckpointLayout layout(Path dir, Map<String, NDArray> tensors) {
    Json json = Json.read(dir.resolve(CONFIG));
    Map<String, long[]> shapes = new HashMap<>();
    tensors.forEach((k, v) -> shapes.put(k, v.getShape().getShape()));
    try {
      if (json.string("model_type", "").equals("vit")) {
        return HfVitLayout.read(json, shapes);
      }
      if (json.string("model_type", "").equals("vit-hybrid")) {
        return HfHybridLayout.read(json, shapes);
      }
      if (TimmVitLayout.matches(json)) {
        return TimmVitLayout.read(json, tensors.keySet(), shapes);
      }
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(json.file() + ": " + e.getMessage(), e);
    }
    throw new CheckpointException(
        json.file()
            + " is neither an HF ViT (model_type: vit) nor a timm ViT (library: timm,"
            + " architecture or kwargs)");
  }

  /**
   * Loads a checkpoint folder.
   *
   * @param dir a folder with config.json and model.safetensors
   * @throws CheckpointException naming the missing, unexpected or mis-shaped tensor, or the bad
   *     file
   */
  public static LoadedCheckpoint load(Path dir, Device device, Precision precision) {
    Djl.ensureConfigured();
    try (NDManager tmp = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> tensors = SafeTensors.read(dir.resolve(WEIGHTS), tmp);
      CheckpointLayout layout = layout(dir, tensors);
      VitModel model = VitModel.create(layout.config(), device, precision);
      try {
        model.setWeights(collect(layout, model.parameters(), tensors));
        return new LoadedCheckpoint(model, layout.labels(), layout.format());
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
  }

  /** Maps and checks every tensor; concatenates HF's q, k, v into timm's fused qkv. */
  private static Map<String, NDArray> collect(
      CheckpointLayout layout, Map<String, Parameter> params, Map<String, NDArray> tensors) {
    Map<String, NDArray> weights = new LinkedHashMap<>();
    Set<String> used = new HashSet<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      TensorSource source = layout.sourceOf().apply(e.getKey());
      Shape expected = partShape(e.getValue().getShape(), source.sources().size());
      NDList parts = new NDList();
      for (String name : source.sources()) {
        NDArray t = tensors.get(name);
        if (t == null) {
          throw new CheckpointException(
              "missing tensor '" + name + "' in " + WEIGHTS + " (" + layout.format() + " ViT)");
        }
        if (!t.getShape().equals(expected)) {
          throw new CheckpointException(
              "tensor '"
                  + name
                  + "' has shape "
                  + t.getShape()
                  + ", expected "
                  + expected
                  + " for the geometry in "
                  + CONFIG);
        }
        parts.add(t);
        used.add(name);
      }
      weights.put(e.getKey(), parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0));
    }
    for (String name : tensors.keySet()) {
      if (!used.contains(name)) {
        throw new CheckpointException(
            "unexpected tensor '"
                + name
                + "' in "
                + WEIGHTS
                + ": it has no place in the "
                + layout.format()
                + " ViT that "
                + CONFIG
                + " describes");
      }
    }
    return weights;
  }

  private static Shape partShape(Shape whole, int parts) {
    long[] dims = whole.getShape().clone();
    dims[0] /= parts;
    return new Shape(dims);
  }

  /**
   * Saves a model as a timm checkpoint folder: config.json with timm's {@code VisionTransformer}
   * kwargs, and model.safetensors under timm's parameter names. Files are written atomically.
   */
  public static void save(VitModel model, List<String> labels, Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    model.parameters().forEach((name, p) -> tensors.put(name, p.getArray()));
    SafeTensors.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
    writeAtomically(dir.resolve(CONFIG), timmConfig(model.config(), labels));
  }

  static String timmConfig(ViTConfig c, List<String> labels) {
    JsonObject kwargs = new JsonObject();
    kwargs.addProperty("img_size", c.imageSize());
    kwargs.addProperty("patch_size", c.patchSize());
    kwargs.addProperty("in_chans", c.channels());
    kwargs.addProperty("num_classes", c.numClasses());
    kwargs.addProperty("embed_dim", c.width());
    kwargs.addProperty("depth", c.depth());
    kwargs.addProperty("num_heads", c.heads());
    kwargs.addProperty("mlp_ratio", (double) c.mlpSize() / c.width());
    kwargs.addProperty("qkv_bias", c.qkvBias());
    kwargs.addProperty("drop_rate", c.dropout());
    kwargs.addProperty("global_pool", "token");
    if (c.headType() == HeadType.PRE_LOGITS) {
      kwargs.addProperty("representation_size", c.preLogitsSize());
    }
    JsonObject root = new JsonObject();
    root.addProperty("library", "timm");
    root.addProperty("class", "timm.models.vision_transformer.VisionTransformer");
    root.add("kwargs", kwargs);
    if (c.isHybrid()) {
      // timm builds a hybrid's backbone in code (HybridEmbed over ResNetV2); this says which one
      root.add(TimmVitLayout.HYBRID_BACKBONE, TimmVitLayout.backboneJson(c.hybrid()));
    }
    root.addProperty("num_classes", c.numClasses());
    root.addProperty("layer_norm_eps", c.layerNormEps());
    root.addProperty("gelu", "exact");
    root.addProperty("pool", "cls token");
    JsonArray names = new JsonArray();
    labels.forEach(names::add);
    root.add("label_names", names);
    return new GsonBuilder().setPrettyPrinting().create().toJson(root);
  }

  /** Writes a text file through a temp file and an atomic rename. */
  public static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".part");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
