package io.vitstream.training;

import io.vitstream.vit.HeadType;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;

/**
 * The floating-point operations of one image's forward pass, counted analytically from the
 * geometry: the matrix products only (a multiply-add is 2 FLOPs); LayerNorm, softmax, GELU and the
 * residual adds are left out. A training step costs about 3x the forward (backward computes the
 * gradients of both the activations and the weights).
 *
 * <p>T is the token count (patches + [class]), D the width, M the MLP width, K the classes.
 */
public final class ForwardFlops {
  /** Training (forward + backward) per image, as a multiple of the forward. */
  public static final int TRAINING_FACTOR = 3;

  private ForwardFlops() {}

  /** Forward FLOPs of one image. */
  public static double perImage(ViTConfig c) {
    double t = c.numTokens();
    double d = c.width();
    double m = c.mlpSize();
    int inChannels = c.isHybrid() ? c.hybrid().featureChannels() : c.channels();
    double patchEmbed =
        2.0 * c.numPatches() * inChannels * c.patchSize() * c.patchSize() * d
            + (c.isHybrid() ? backbone(c.hybrid(), c.channels(), c.imageSize()) : 0);
    double qkv = 2 * t * d * 3 * d;
    double attention = 2 * (2 * t * t * d); // q k^T and weights v, over all heads
    double proj = 2 * t * d * d;
    double mlp = 2 * (2 * t * d * m);
    double head =
        c.headType() == HeadType.PRE_LOGITS
            ? 2 * d * c.preLogitsSize() + 2.0 * c.preLogitsSize() * c.numClasses()
            : 2 * d * c.numClasses();
    return patchEmbed + c.depth() * (qkv + attention + proj + mlp) + head;
  }

  /**
   * Forward FLOPs of a hybrid's ResNet backbone on one image: its convolutions only (GroupNorm,
   * ReLU, the max pool and the residual adds are left out, as LayerNorm is for the encoder).
   */
  static double backbone(HybridBackbone b, int channels, int imageSize) {
    long side = ceilHalf(imageSize); // the 7x7 stride-2 stem
    double flops = 2.0 * side * side * channels * b.stemWidth() * 49;
    side = ceilHalf(side); // the max pool
    int in = b.stemWidth();
    for (int s = 0; s < b.depths().size(); s++) {
      int out = b.widths().get(s);
      int mid = out / 4;
      for (int k = 0; k < b.depths().get(s); k++) {
        long outSide = k == 0 && s > 0 ? ceilHalf(side) : side;
        double area = (double) outSide * outSide;
        flops += 2.0 * side * side * in * mid; // conv1, 1x1, before the stride
        flops += 2 * area * mid * mid * 9 + 2 * area * mid * out; // conv2 (strided), conv3
        if (k == 0) {
          flops += 2 * area * in * out; // the shortcut projection
        }
        side = outSide;
        in = out;
      }
    }
    return flops;
  }

  private static long ceilHalf(long side) {
    return (side + 1) / 2;
  }

  /** Training FLOPs of one image: {@link #TRAINING_FACTOR} x the forward. */
  public static double trainingPerImage(ViTConfig c) {
    return TRAINING_FACTOR * perImage(c);
  }
}
