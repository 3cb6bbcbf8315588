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
import java.util.Optional;

/**
 * timm's non-pre-activation {@code Bottleneck} of {@code resnetv2.py} (ResNet v1.5, the stride on
 * the 3x3 conv), which the hybrids use ({@code preact=False}); not the BiT {@code
 * PreActBottleneck}. The first block of a stage projects the shortcut with a strided 1x1 conv and a
 * GroupNorm ({@code downsample}).
 *
 * <pre>
 * y = relu(norm3(conv3(norm2(conv2(norm1(conv1(x)))))) + shortcut(x))   norm1, norm2 with ReLU
 * </pre>
 *
 * <p>Shapes: (B, I, H, W) in, (B, O, H/s, W/s) out; the bottleneck width is O/4.
 */
final class Bottleneck extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  private final StdConv2d conv1;
  private final GroupNormAct norm1;
  private final StdConv2d conv2;
  private final GroupNormAct norm2;
  private final StdConv2d conv3;
  private final GroupNormAct norm3;
  private final Optional<StdConv2d> downConv;
  private final Optional<GroupNormAct> downNorm;

  Bottleneck(int in, int out, int stride, boolean downsample) {
    super(VERSION);
    int mid = HybridBackbone.bottleneckWidth(out);
    downConv =
        downsample
            ? Optional.of(addChildBlock("downsample_conv", new StdConv2d(in, out, 1, stride)))
            : Optional.empty();
    downNorm =
        downsample
            ? Optional.of(addChildBlock("downsample_norm", new GroupNormAct(out, false)))
            : Optional.empty();
    conv1 = addChildBlock("conv1", new StdConv2d(in, mid, 1, 1));
    norm1 = addChildBlock("norm1", new GroupNormAct(mid, true));
    conv2 = addChildBlock("conv2", new StdConv2d(mid, mid, 3, stride));
    norm2 = addChildBlock("norm2", new GroupNormAct(mid, true));
    conv3 = addChildBlock("conv3", new StdConv2d(mid, out, 1, 1));
    norm3 = addChildBlock("norm3", new GroupNormAct(out, false));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList shortcut = inputs;
    if (downConv.isPresent()) {
      shortcut = downNorm.get().forward(ps, downConv.get().forward(ps, inputs, training), training);
    }
    NDList x = norm1.forward(ps, conv1.forward(ps, inputs, training), training);
    x = norm2.forward(ps, conv2.forward(ps, x, training), training);
    x = norm3.forward(ps, conv3.forward(ps, x, training), training);
    NDArray sum = x.singletonOrThrow().add(shortcut.singletonOrThrow());
    return new NDList(Activation.relu(sum));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv3.getOutputShapes(conv2.getOutputShapes(conv1.getOutputShapes(inputShapes)));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    downConv.ifPresent(c -> c.initialize(manager, dataType, inputShapes));
    downNorm.ifPresent(
        n -> n.initialize(manager, dataType, downConv.get().getOutputShapes(inputShapes)));
    Shape[] s = inputShapes;
    for (StdConv2d conv : new StdConv2d[] {conv1, conv2, conv3}) {
      conv.initialize(manager, dataType, s);
      s = conv.getOutputShapes(s);
    }
    norm1.initialize(manager, dataType, conv1.getOutputShapes(inputShapes));
    Shape[] afterConv2 = conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
    norm2.initialize(manager, dataType, afterConv2);
    norm3.initialize(manager, dataType, conv3.getOutputShapes(afterConv2));
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    downConv.ifPresent(c -> c.collectParameters(prefix + "downsample.conv.", out));
    downNorm.ifPresent(n -> n.collectParameters(prefix + "downsample.norm.", out));
    conv1.collectParameters(prefix + "conv1.", out);
    norm1.collectParameters(prefix + "norm1.", out);
    conv2.collectParameters(prefix + "conv2.", out);
    norm2.collectParameters(prefix + "norm2.", out);
    conv3.collectParameters(prefix + "conv3.", out);
    norm3.collectParameters(prefix + "norm3.", out);
  }
}
