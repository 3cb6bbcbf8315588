package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
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
  private final Conv2d proj;
  private final int width;

  HybridEmbedding(ViTConfig config) {
    super(VERSION);
    width = config.width();
    int p = config.patchSize();
    backbone = addChildBlock("backbone", new ResNetV2(config.channels(), config.hybrid()));
    proj =
        addChildBlock(
            "proj",
            Conv2d.builder()
                .setKernelShape(new Shape(p, p))
                .optStride(new Shape(p, p))
                .setFilters(width)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList features = backbone.forward(ps, inputs, training); // (B, C', h', w')
    NDArray grid = proj.forward(ps, features, training).singletonOrThrow(); // (B, D, h, w)
    Shape s = grid.getShape();
    // (B, D, h, w) -> (B, D, N) -> (B, N, D)
    return new NDList(grid.reshape(s.get(0), width, s.get(2) * s.get(3)).transpose(0, 2, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape grid = proj.getOutputShapes(backbone.getOutputShapes(inputShapes))[0];
    return new Shape[] {new Shape(grid.get(0), grid.get(2) * grid.get(3), width)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    backbone.initialize(manager, dataType, inputShapes);
    proj.initialize(manager, dataType, backbone.getOutputShapes(inputShapes));
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    backbone.collectParameters(prefix + "backbone.", out);
    TimmNamed.collectCore(proj, prefix + "proj.", out);
  }
}
