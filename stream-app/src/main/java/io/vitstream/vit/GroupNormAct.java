package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * timm's {@code GroupNormAct(num_groups=32)}: GroupNorm (Wu and He, 2018) with a per-channel scale
 * and shift, eps 1e-5, then an optional ReLU. Shapes: (B, C, H, W) in and out.
 */
final class GroupNormAct extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  /** PyTorch's GroupNorm default. */
  static final float EPS = 1e-5f;

  private final Parameter gamma;
  private final Parameter beta;
  private final int channels;
  private final boolean relu;

  GroupNormAct(int channels, boolean relu) {
    super(VERSION);
    this.channels = channels;
    this.relu = relu;
    gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .build());
    beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    // (B, C, H, W) -> (B, G, C/G H W): statistics per image and group
    NDArray grouped = x.reshape(s.get(0), HybridBackbone.GROUPS, -1);
    NDArray centred = grouped.sub(grouped.mean(new int[] {2}, true));
    NDArray var = centred.square().mean(new int[] {2}, true);
    NDArray normed = centred.div(var.add(EPS).sqrt()).reshape(s);
    // (C) -> (1, C, 1, 1), moved to the batch's manager (they would otherwise stay in the model's)
    NDArray scale = ps.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
    scale.attach(x.getManager());
    NDArray shift = ps.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
    shift.attach(x.getManager());
    NDArray y = normed.mul(scale).add(shift);
    return new NDList(relu ? Activation.relu(y) : y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // no child blocks
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    out.put(prefix + "weight", gamma);
    out.put(prefix + "bias", beta);
  }
}
