package io.vitstream.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.vitstream.vit.VitModel;
import java.util.Random;

/**
 * Seeded test data, so every run sees the same numbers. Weights are like the fixtures': weights and
 * biases ~ N(0, 0.1²), LayerNorm scales 1 + N(0, 0.1²); biases are non-zero on purpose, so that no
 * mapping mistake hides behind a zero.
 */
public final class Seeded {
  private Seeded() {}

  /** Overwrites every parameter of an initialised float32 block. */
  public static void weights(Block block, long seed) {
    Random random = new Random(seed);
    for (Parameter p : block.getParameters().values()) {
      double mean = p.getName().equals("gamma") ? 1 : 0;
      p.getArray().set(normal(random, p.getShape(), mean, 0.1));
    }
  }

  /** Overwrites every parameter of a float32 model. */
  public static void weights(VitModel model, long seed) {
    weights(model.block(), seed);
  }

  /** Float32 values ~ N(0, 1) of the given shape, in {@code manager}. */
  public static NDArray normal(NDManager manager, Shape shape, long seed) {
    return manager.create(normal(new Random(seed), shape, 0, 1), shape);
  }

  private static float[] normal(Random random, Shape shape, double mean, double std) {
    float[] values = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (mean + std * random.nextGaussian());
    }
    return values;
  }
}
