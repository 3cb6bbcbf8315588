package io.vitstream.vit;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * The hybrid's embedding (paper section 3.1; timm's {@code HybridEmbed}): a {@link ResNetV2}
 * backbone makes a feature map, which is cut into P x P patches (P = 1 for R50+ViT-B/16) and
 * projected linearly to width D. The [class] token, position embeddings and encoder are the pure
 * ViT's.
 *
 * <p>Shapes: B batch, C channels, H x W pixels, C' x h' x w' the feature map (h' = H / s), h x w
 * the patch grid (h = h' / P), N = hw, D width.
 */
final class HybridEmbedding extends AbstractBlock implements TokenEmbedding {
  private static final byte VERSION = 1;

  private final ResNetV2 backbone;
  private final PatchEmbedding patches;

  HybridEmbedding(ViTConfig config) {
    super(VERSION);
    backbone = addChildBlock("backbone", new ResNetV2(config.channels(), config.hybrid()));
    patches = addChildBlock("patches", new PatchEmbedding(config));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    // (B, C, H, W) -> (B, C', h', w') -> (B, N, D): the pure ViT's patches of the feature map
    return patches.forward(ps, backbone.forward(ps, inputs, training), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return patches.getOutputShapes(backbone.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    patches.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    backbone.collectParameters(prefix + "backbone.", out);
    patches.collectParameters(prefix, out); // timm's patch_embed.proj.*
  }
}
