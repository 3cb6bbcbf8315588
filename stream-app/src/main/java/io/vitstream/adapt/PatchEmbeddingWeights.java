package io.vitstream.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The input embedding of a ViT as plain arrays: the patch projection (D, C, P, P), its bias (D) and
 * the position embeddings (1, 1 + N, D). An input adapter is one of these.
 *
 * @param width D
 * @param channels C
 * @param patchSize P
 * @param weight (D, C, P, P) row-major
 * @param bias (D)
 * @param positions (1, 1 + N, D) row-major, the [class] position first
 */
public record PatchEmbeddingWeights(
    int width, int channels, int patchSize, float[] weight, float[] bias, float[] positions) {
  static final String WEIGHT = "patch_embed.proj.weight";
  static final String BIAS = "patch_embed.proj.bias";
  static final String POSITIONS = "pos_embed";

  public PatchEmbeddingWeights {
    if (weight.length != width * channels * patchSize * patchSize
        || bias.length != width
        || positions.length % width != 0) {
      throw new IllegalArgumentException("inconsistent patch embedding shapes");
    }
  }

  /** Patches per side of the position grid. */
  public int gridSize() {
    return (int) Math.round(Math.sqrt(positions.length / (double) width - 1));
  }

  /** Reads the embedding under {@code prefix} (e.g. "" or "adapters.1.") from a model's params. */
  public static PatchEmbeddingWeights read(Map<String, Parameter> params, String prefix) {
    NDArray w = params.get(prefix + WEIGHT).getArray();
    Shape s = w.getShape();
    return new PatchEmbeddingWeights(
        (int) s.get(0),
        (int) s.get(1),
        (int) s.get(2),
        w.toFloatArray(),
        params.get(prefix + BIAS).getArray().toFloatArray(),
        params.get(prefix + POSITIONS).getArray().toFloatArray());
  }

  /** The arrays under {@code prefix}, made in {@code manager}, for {@code VitModel.setWeights}. */
  public Map<String, NDArray> arrays(String prefix, NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put(
        prefix + WEIGHT, manager.create(weight, new Shape(width, channels, patchSize, patchSize)));
    out.put(prefix + BIAS, manager.create(bias, new Shape(width)));
    out.put(
        prefix + POSITIONS,
        manager.create(positions, new Shape(1, positions.length / width, width)));
    return out;
  }
}
