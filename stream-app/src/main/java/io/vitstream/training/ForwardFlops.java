package io.vitstream.training;

import io.vitstream.vit.HeadType;
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
    double patchEmbed = 2.0 * c.numPatches() * c.channels() * c.patchSize() * c.patchSize() * d;
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

  /** Training FLOPs of one image: {@link #TRAINING_FACTOR} x the forward. */
  public static double trainingPerImage(ViTConfig c) {
    return TRAINING_FACTOR * perImage(c);
  }
}
