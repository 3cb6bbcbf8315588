package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-D convolution that keeps PyTorch's CPU kernels off their NNPACK probe.
 *
 * <p>PyTorch asks NNPACK about every CPU convolution that oneDNN declines: a batch of one with a
 * small input, or a 1x1 kernel on one thread below a batch of 16. Where NNPACK cannot start (as on
 * this project's 2-core VMs, though their CPU has AVX2) libtorch 2.7 logs "Could not initialize
 * NNPACK! Reason: Unsupported hardware." at every such call, two lines per image when a hybrid or a
 * routed version serves one image at a time. So on the CPU a 1x1 stride-1 convolution runs as the
 * matrix product it is, and a batch of one runs as two copies of the image, which oneDNN takes.
 * Other shapes, and every GPU call, are {@link Conv2d#conv2d} unchanged.
 */
final class Convolutions {
  private Convolutions() {}

  /**
   * @param x (B, C, H, W)
   * @param weight (O, C, kH, kW)
   * @param bias (O), or null for none
   */
  static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
    if (!x.getDevice().isGpu()) {
      Shape w = weight.getShape();
      if (w.get(2) == 1 && w.get(3) == 1 && stride == 1 && padding == 0) {
        return pointwise(x, weight, bias);
      }
      if (x.getShape().get(0) == 1) {
        return conv(NDArrays.concat(new NDList(x, x)), weight, bias, stride, padding).get("0:1");
      }
    }
    return conv(x, weight, bias, stride, padding);
  }

  /**
   * A 1x1 convolution: (O, C) times each image's (C, H W). An op's result lives in its first
   * operand's manager, so the parameters' reshaped views move to the batch's manager before use.
   */
  private static NDArray pointwise(NDArray x, NDArray weight, NDArray bias) {
    Shape s = x.getShape();
    long out = weight.getShape().get(0);
    NDArray w = weight.reshape(out, s.get(1));
    w.attach(x.getManager());
    NDArray y = w.matMul(x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)));
    if (bias != null) {
      NDArray b = bias.reshape(1, out, 1);
      b.attach(x.getManager());
      y = y.add(b);
    }
    return y.reshape(s.get(0), out, s.get(2), s.get(3));
  }

  private static NDArray conv(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
    return Conv2d.conv2d(
            x,
            weight,
            bias,
            new Shape(stride, stride),
            new Shape(padding, padding),
            new Shape(1, 1),
            1)
        .singletonOrThrow();
  }
}
