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
 * Splits an image into P x P patches and embeds each one linearly: x_p E in the paper, which is a
 * convolution with kernel = stride = P.
 *
 * <p>Shapes: B batch, C channels, H x W pixels, h x w patch grid, N = hw patches, D width.
 */
final class PatchEmbedding extends AbstractBlock implements TokenEmbedding {
  private static final byte VERSION = 1;

  private final Conv2d proj;
  private final int width;
  private final int patch;

  PatchEmbedding(ViTConfig config) {
    super(VERSION);
    width = config.width();
    patch = config.patchSize();
    proj =
        addChildBlock(
            "proj",
            Conv2d.builder()
                .setKernelShape(new Shape(patch, patch))
                .optStride(new Shape(patch, patch))
                .setFilters(width)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    // the block's own parameters, through the convolution that keeps libtorch off NNPACK
    NDArray x = inputs.singletonOrThrow();
    var device = x.getDevice();
    NDArray grid =
        Convolutions.conv2d(
            x,
            ps.getValue(proj.getParameters().get("weight"), device, training),
            ps.getValue(proj.getParameters().get("bias"), device, training),
            patch,
            0); // (B, D, h, w)
    Shape s = grid.getShape();
    // (B, D, h, w) -> (B, D, N) -> (B, N, D)
    return new NDList(grid.reshape(s.get(0), width, s.get(2) * s.get(3)).transpose(0, 2, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape grid = proj.getOutputShapes(inputShapes)[0];
    return new Shape[] {new Shape(grid.get(0), grid.get(2) * grid.get(3), width)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    proj.initialize(manager, dataType, inputShapes);
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    TimmNamed.collectCore(proj, prefix + "proj.", out);
  }
}
