package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
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
 * timm's {@code StdConv2dSame} with {@code eps=1e-8}, as the hybrids build it: a bias-free
 * convolution whose kernel is standardised per output channel before use (weight standardisation,
 * Qiao et al. 2019; BiT), with TensorFlow's SAME padding, which pads the right and bottom edge more
 * when the total is odd. Shapes: (B, I, H, W) in, (B, O, ceil(H/s), ceil(W/s)) out.
 */
final class StdConv2d extends AbstractBlock implements TimmNamed {
  private static final byte VERSION = 1;

  /** timm's {@code _resnetv2(...)} passes {@code partial(StdConv2dSame, eps=1e-8)}. */
  static final float EPS = 1e-8f;

  private final Parameter weight;
  private final int out;
  private final int kernel;
  private final int stride;

  StdConv2d(int in, int out, int kernel, int stride) {
    super(VERSION);
    this.out = out;
    this.kernel = kernel;
    this.stride = stride;
    weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, kernel, kernel))
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    Shape ws = w.getShape();
    // (O, I, k, k) -> (O, I k k): mean and biased variance per output channel. Moved to the
    // batch's manager first, so that every array derived from it is freed with the batch.
    NDArray flat = w.reshape(out, -1);
    flat.attach(x.getManager());
    NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
    NDArray var = centred.square().mean(new int[] {1}, true);
    NDArray standardised = centred.div(var.add(EPS).sqrt()).reshape(ws);
    NDArray padded = samePad(x, kernel, stride, 0);
    return new NDList(Convolutions.conv2d(padded, standardised, null, stride, 0));
  }

  /**
   * TensorFlow's SAME padding of a (B, C, H, W) array for a square window: the output has ceil(H /
   * stride) rows, and an odd total puts the extra row and column at the bottom and right.
   *
   * @param value the padding value (0 for a convolution, -inf for a max pool)
   */
  static NDArray samePad(NDArray x, int kernel, int stride, double value) {
    Shape s = x.getShape();
    int padH = sameTotal((int) s.get(2), kernel, stride);
    int padW = sameTotal((int) s.get(3), kernel, stride);
    if (padH == 0 && padW == 0) {
      return x;
    }
    // PyTorch order: (left, right, top, bottom) of the last two axes
    return x.pad(new Shape(padW / 2, padW - padW / 2, padH / 2, padH - padH / 2), value);
  }

  private static int sameTotal(int size, int kernel, int stride) {
    int outSize = (size + stride - 1) / stride;
    return Math.max((outSize - 1) * stride + kernel - size, 0);
  }

  /** The SAME output side: ceil(size / stride). */
  static long outSize(long size, int stride) {
    return (size + stride - 1) / stride;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {
      new Shape(s.get(0), out, outSize(s.get(2), stride), outSize(s.get(3), stride))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // no child blocks
  }

  @Override
  public void collectParameters(String prefix, Map<String, Parameter> out) {
    out.put(prefix + "weight", weight);
  }
}
