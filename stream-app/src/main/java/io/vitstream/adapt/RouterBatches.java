package io.vitstream.adapt;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.vit.ViTConfig;
import java.util.SplittableRandom;

/** Mini-batches of the examples: images, standardised statistics, targets and weights. */
final class RouterBatches {
  final float[] images;
  final float[] stats;
  final int[] target;
  final float[] weight;
  final int imageLength;
  final int features;
  final ViTConfig config;
  final SplittableRandom random;

  RouterBatches(
      float[] images,
      float[] stats,
      int[] target,
      float[] weight,
      int imageLength,
      int features,
      long seed,
      ViTConfig config) {
    this.images = images;
    this.stats = stats;
    this.target = target;
    this.weight = weight;
    this.imageLength = imageLength;
    this.features = features;
    this.config = config;
    this.random = new SplittableRandom(seed);
  }

  int count() {
    return target.length;
  }

  /** Examples {@code idx}: (images, statistics, targets, weights) in {@code mgr}. */
  NDList take(int[] idx, NDManager mgr) {
    int b = idx.length;
    float[] x = new float[b * imageLength];
    float[] s = new float[b * features];
    int[] t = new int[b];
    float[] w = new float[b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(images, idx[i] * imageLength, x, i * imageLength, imageLength);
      System.arraycopy(stats, idx[i] * features, s, i * features, features);
      t[i] = target[idx[i]];
      w[i] = weight[idx[i]];
    }
    int side = config.imageSize();
    return new NDList(
        mgr.create(x, new Shape(b, config.channels(), side, side)),
        mgr.create(s, new Shape(b, features)),
        mgr.create(t).toType(DataType.INT64, false),
        mgr.create(w));
  }

  int[] sample(int[] from, int size) {
    int[] idx = new int[Math.min(size, from.length)];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from[random.nextInt(from.length)];
    }
    return idx;
  }
}
