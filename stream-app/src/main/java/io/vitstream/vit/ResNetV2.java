package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The backbone of timm's hybrids ({@code _resnetv2} in {@code vision_transformer_hybrid.py}):
 * {@code ResNetV2(preact=False, stem_type='same', conv_layer=StdConv2dSame(eps=1e-8))} without its
 * head and final norm. The stem is a 7x7 stride-2 {@link StdConv2d}, a {@link GroupNormAct} with
 * ReLU and a 3x3 stride-2 max pool with SAME (-inf) padding; the stages are {@link Bottleneck}s.
 *
 * <p>Names as in timm: {@code stem.conv}, {@code stem.norm}, {@code stages.S.blocks.K.conv1}, ...;
 * a stem-only backbone is timm's bare stem, so its names are {@code conv} and {@code norm}.
 *
 * <p>Shapes: (B, C, H, W) in, (B, C', H/s, W/s) out, s the {@link HybridBackbone#featureStride()}.
 */
final class ResNetV2 extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  private final HybridBackbone spec;
  private final StdConv2d stemConv;
  private final GroupNormAct stemNorm;
  private final List<List<Bottleneck>> stages = new ArrayList<>();

  ResNetV2(int channels, HybridBackbone spec) {
    super(VERSION);
    this.spec = spec;
    stemConv = addChildBlock("stem_conv", new StdConv2d(channels, spec.stemWidth(), 7, 2));
    stemNorm = addChildBlock("stem_norm", new GroupNormAct(spec.stemWidth(), true));
    int in = spec.stemWidth();
    for (int s = 0; s < spec.depths().size(); s++) {
      int out = spec.widths().get(s);
      List<Bottleneck> blocks = new ArrayList<>();
      for (int k = 0; k < spec.depths().get(s); k++) {
        int stride = k == 0 && s > 0 ? 2 : 1;
        blocks.add(addChildBlock("stage" + s + "_" + k, new Bottleneck(in, out, stride, k == 0)));
        in = out;
      }
      stages.add(blocks);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList x = stemNorm.forward(ps, stemConv.forward(ps, inputs, training), training);
    x = new NDList(maxPool(x.singletonOrThrow()));
    for (List<Bottleneck> stage : stages) {
      for (Bottleneck block : stage) {
        x = block.forward(ps, x, training);
      }
    }
    return x;
  }

  /** timm's {@code MaxPool2dSame(3, 2)}: SAME padding with -inf, so padding never wins. */
  private static NDArray maxPool(NDArray x) {
    NDArray padded = StdConv2d.samePad(x, 3, 2, Double.NEGATIVE_INFINITY);
    return Pool.maxPool2d(padded, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
  }

  private static Shape[] pooled(Shape[] s) {
    Shape x = s[0];
    return new Shape[] {
      new Shape(x.get(0), x.get(1), StdConv2d.outSize(x.get(2), 2), StdConv2d.outSize(x.get(3), 2))
    };
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = pooled(stemConv.getOutputShapes(inputShapes));
    for (List<Bottleneck> stage : stages) {
      for (Bottleneck block : stage) {
        s = block.getOutputShapes(s);
      }
    }
    return s;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    stemConv.initialize(manager, dataType, inputShapes);
    Shape[] s = stemConv.getOutputShapes(inputShapes);
    stemNorm.initialize(manager, dataType, s);
    s = pooled(s);
    for (List<Bottleneck> stage : stages) {
      for (Bottleneck block : stage) {
        block.initialize(manager, dataType, s);
        s = block.getOutputShapes(s);
      }
    }
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    String stem = spec.depths().isEmpty() ? prefix : prefix + "stem.";
    stemConv.collectParameters(stem + "conv.", out);
    stemNorm.collectParameters(stem + "norm.", out);
    for (int s = 0; s < stages.size(); s++) {
      for (int k = 0; k < stages.get(s).size(); k++) {
        stages.get(s).get(k).collectParameters(prefix + "stages." + s + ".blocks." + k + ".", out);
      }
    }
  }
}
