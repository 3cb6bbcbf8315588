package io.vitstream.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.VitModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a model's activations with reference tensors (the fixtures' expected.safetensors):
 * {@code logits}, {@code logits48} (from {@code input48}, with interpolated position embeddings),
 * {@code pooler_output}, {@code last_hidden_state}, {@code hiddenN}, {@code embeddings}, {@code
 * blockN} and {@code norm}.
 */
public final class ReferenceCheck {
  private ReferenceCheck() {}

  /**
   * One reference tensor and how far the model is from it.
   *
   * @param name the reference name
   * @param shape the reference shape, as text
   * @param maxAbsDiff the largest absolute difference, or NaN when the model cannot produce it
   */
  public record Comparison(String name, String shape, double maxAbsDiff) {
    public boolean produced() {
      return !Double.isNaN(maxAbsDiff);
    }

    public boolean within(double atol) {
      return produced() && maxAbsDiff <= atol;
    }
  }

  /** Runs {@code input} (and {@code input48} when present) and compares what can be compared. */
  public static List<Comparison> run(VitModel model, Path expectedFile) {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> expected = SafeTensors.read(expectedFile, manager);
      if (!expected.containsKey("input")) {
        throw new CheckpointException(expectedFile + " has no tensor 'input'");
      }
      Map<String, NDArray> produced = new HashMap<>();
      produced.putAll(activations(model, expected.get("input"), ""));
      if (expected.containsKey("input48")) {
        produced.putAll(activations(model, expected.get("input48"), "48"));
      }
      List<Comparison> out = new ArrayList<>();
      for (Map.Entry<String, NDArray> e : expected.entrySet()) {
        if (e.getKey().startsWith("input")) {
          continue;
        }
        NDArray ours = produced.get(e.getKey());
        NDArray ref = e.getValue();
        double diff =
            ours == null || !ours.getShape().equals(ref.getShape())
                ? Double.NaN
                : ours.sub(ref).abs().max().getFloat();
        out.add(new Comparison(e.getKey(), ref.getShape().toString(), diff));
      }
      return out;
    }
  }

  /** Every activation under all the names references use for it, with {@code suffix} appended. */
  private static Map<String, NDArray> activations(VitModel model, NDArray input, String suffix) {
    Map<String, NDArray> out = new HashMap<>();
    ActivationSink sink =
        (name, a) -> {
          NDArray f = a.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false);
          for (String alias : aliases(name)) {
            out.put(alias + suffix, f);
          }
        };
    NDArray result = model.forward(input, sink);
    String outName = model.config().numClasses() > 0 ? "logits" : "pooler_output";
    out.put(outName + suffix, result.toType(DataType.FLOAT32, false).toDevice(Device.cpu(), false));
    return out;
  }

  /** Our activation names, and HF's: hidden0 is the embeddings, hidden(i+1) is block i. */
  private static List<String> aliases(String name) {
    if (name.equals("embeddings")) {
      return List.of("embeddings", "hidden0");
    }
    if (name.equals("norm")) {
      return List.of("norm", "last_hidden_state");
    }
    if (name.equals("pre_logits")) {
      return List.of("pre_logits", "pooler_output");
    }
    if (name.startsWith("block")) {
      int i = Integer.parseInt(name.substring("block".length()));
      return List.of(name, "hidden" + (i + 1));
    }
    return List.of(name);
  }
}
