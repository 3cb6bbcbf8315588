package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * The router of the {@link InputRouting input adapters}: a small network that scores, per image,
 * which expert should embed it. It reads two things: image statistics (per patch: mean and spread;
 * per image: mean, spread and the mean absolute horizontal and vertical differences), standardised
 * with stored statistics, and two strided 3x3 convolutions over the image itself, which see
 * orientation and texture that statistics miss. Both feed one hidden ReLU layer and the scores.
 *
 * <p>The same functions serve inference (weights from the model's parameters) and the router's
 * training (weights being learned), so the two cannot drift apart. Every result lives in the
 * images' manager.
 */
public final class RouterNet {
  /** Hidden units of the scoring layer. */
  public static final int HIDDEN = 64;

  /** Channels of the two convolutions. */
  static final int CONV1 = 8;

  static final int CONV2 = 16;

  /** The convolutions' output is average-pooled to at most this many cells per side. */
  static final int GRID = 7;

  private static final float EPS = 1e-6f;

  /** Per channel: two mirror asymmetries and three second moments of the object's mass. */
  static final int SHAPE_FEATURES = 5;

  private RouterNet() {}

  /** The statistics' width. */
  public static int statisticsCount(ViTConfig config) {
    return config.channels() * (2 * config.numPatches() + 4 + SHAPE_FEATURES);
  }

  /** The convolutions' output width. */
  public static int convolutionCount(ViTConfig config) {
    int side = pooledSide(config.imageSize());
    return CONV2 * side * side;
  }

  /** The scoring layer's input width. */
  public static int inputCount(ViTConfig config) {
    return statisticsCount(config) + convolutionCount(config);
  }

  private static int convSide(int size) {
    return (size + 1) / 2; // 3x3, stride 2, padding 1
  }

  private static int poolKernel(int size) {
    return Math.max(1, convSide(convSide(size)) / GRID);
  }

  private static int pooledSide(int size) {
    return convSide(convSide(size)) / poolKernel(size);
  }

  /** The shapes of the weights, in the order {@link #scores} takes them. */
  public static Shape[] weightShapes(ViTConfig config, int experts) {
    int c = config.channels();
    return new Shape[] {
      new Shape(CONV1, c, 3, 3),
      new Shape(CONV1),
      new Shape(CONV2, CONV1, 3, 3),
      new Shape(CONV2),
      new Shape(inputCount(config), HIDDEN),
      new Shape(HIDDEN),
      new Shape(HIDDEN, experts),
      new Shape(experts)
    };
  }

  /**
   * The image statistics.
   *
   * @param images (B, C, H, W), normalised, at the config's size
   * @return (B, statisticsCount)
   */
  public static NDArray statistics(NDArray images, ViTConfig config) {
    Shape s = images.getShape();
    long b = s.get(0);
    long c = s.get(1);
    int g = config.gridSize();
    int p = config.patchSize();
    // (B, C, g, P, g, P) -> (B, C, g, g, P*P): one row of pixels per patch
    NDArray patches =
        images.reshape(b, c, g, p, g, p).transpose(0, 1, 2, 4, 3, 5).reshape(b, c, g, g, p * p);
    NDArray mean = patches.mean(new int[] {4});
    NDArray std = spread(patches.square().mean(new int[] {4}), mean);
    NDArray flat = images.reshape(b, c, -1);
    NDArray globalMean = flat.mean(new int[] {2});
    NDArray globalStd = spread(flat.square().mean(new int[] {2}), globalMean);
    NDArray dx = images.get(":, :, :, 1:").sub(images.get(":, :, :, :-1")).abs().reshape(b, c, -1);
    NDArray dy = images.get(":, :, 1:, :").sub(images.get(":, :, :-1, :")).abs().reshape(b, c, -1);
    return NDArrays.concat(
        new NDList(
            mean.reshape(b, -1),
            std.reshape(b, -1),
            globalMean,
            globalStd,
            dx.mean(new int[] {2}),
            dy.mean(new int[] {2}),
            shape(images)),
        1);
  }

  /**
   * How the object sits: its asymmetry under a left-right and an up-down mirror, and the second
   * moments of its mass (the distance of each pixel from the image's border mean) along y, along x
   * and across, in units of the side squared. A turned garment swaps its mirror axis and its
   * elongation.
   *
   * @return (B, C * 5)
   */
  static NDArray shape(NDArray images) {
    Shape s = images.getShape();
    long b = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    NDArray lr = images.sub(images.flip(3)).abs().reshape(b, c, -1).mean(new int[] {2});
    NDArray ud = images.sub(images.flip(2)).abs().reshape(b, c, -1).mean(new int[] {2});
    NDArray border =
        NDArrays.concat(
                new NDList(
                    images.get(":, :, 0, :"),
                    images.get(":, :, -1, :"),
                    images.get(":, :, :, 0"),
                    images.get(":, :, :, -1")),
                2)
            .mean(new int[] {2})
            .reshape(b, c, 1, 1);
    NDArray mass = images.sub(border).abs().add(EPS); // (B, C, H, W)
    NDArray total = mass.reshape(b, c, -1).sum(new int[] {2}).reshape(b, c, 1, 1);
    NDArray p = mass.div(total);
    var m = images.getManager();
    NDArray ys = m.arange(0f, (float) h).div((float) h).reshape(1, 1, h, 1);
    NDArray xs = m.arange(0f, (float) w).div((float) w).reshape(1, 1, 1, w);
    NDArray my = p.mul(ys).reshape(b, c, -1).sum(new int[] {2}).reshape(b, c, 1, 1);
    NDArray mx = p.mul(xs).reshape(b, c, -1).sum(new int[] {2}).reshape(b, c, 1, 1);
    NDArray dy = ys.sub(my).broadcast(b, c, h, w);
    NDArray dx = xs.sub(mx).broadcast(b, c, h, w);
    NDArray vy = p.mul(dy.square()).reshape(b, c, -1).sum(new int[] {2});
    NDArray vx = p.mul(dx.square()).reshape(b, c, -1).sum(new int[] {2});
    NDArray cxy = p.mul(dx.mul(dy)).reshape(b, c, -1).sum(new int[] {2});
    return NDArrays.concat(new NDList(lr, ud, vy.mul(10), vx.mul(10), cxy.mul(10)), 1); // (B, 5C)
  }

  private static NDArray spread(NDArray meanOfSquares, NDArray mean) {
    return meanOfSquares.sub(mean.square()).maximum(0).add(EPS).sqrt();
  }

  /**
   * The experts' scores.
   *
   * @param images (B, C, H, W), normalised
   * @param standardised the statistics, standardised, (B, statisticsCount)
   * @param w the weights in {@link #weightShapes} order
   * @return (B, experts)
   */
  public static NDArray scores(NDArray images, NDArray standardised, NDList w) {
    NDArray x = conv(images, w.get(0), w.get(1));
    x = conv(x, w.get(2), w.get(3));
    int k = poolKernel((int) images.getShape().get(2));
    if (k > 1) {
      x = Pool.avgPool2d(x, new Shape(k, k), new Shape(k, k), new Shape(0, 0), false, true);
    }
    NDArray joined =
        NDArrays.concat(new NDList(standardised, x.reshape(x.getShape().get(0), -1)), 1);
    return joined.matMul(w.get(4)).add(w.get(5)).maximum(0).matMul(w.get(6)).add(w.get(7));
  }

  private static NDArray conv(NDArray x, NDArray weight, NDArray bias) {
    return Convolutions.conv2d(x, weight, bias, 2, 1).maximum(0);
  }
}
