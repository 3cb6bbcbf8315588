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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Input adapters and their router: each adapter is a second patch projection and a second set of
 * position embeddings, learned for one input domain (an inverted or rotated camera, a brighter
 * sensor) while the encoder and the head stay the champion's. A small router reads cheap image
 * statistics and picks, per image, the base embedding (expert 0) or one adapter; the encoder sees
 * exactly one embedding per image. Input-level shifts are adapted where they happen, in the first
 * layer (surgical fine-tuning, Lee et al., ICLR 2023; residual adapters per domain, Rebuffi et al.,
 * NeurIPS 2017), and the original path is never touched.
 *
 * <p>The router is a {@link RouterNet}; its statistics are standardised with stored means and
 * deviations ({@code router.feature_mean}, {@code router.feature_std}).
 *
 * <p>Every adapter is computed for every image and the one-hot choice mixes them, so a batch stays
 * one forward pass with one shape; the adapters cost a patch projection each, a small share of the
 * encoder.
 */
public final class InputRouting extends AbstractBlock {
  private static final byte VERSION = 1;

  private final ViTConfig config;
  private final List<Parameter> weights = new ArrayList<>();
  private final List<Parameter> biases = new ArrayList<>();
  private final List<Parameter> positions = new ArrayList<>();
  private final Parameter featureMean;
  private final Parameter featureStd;
  private final List<Parameter> router = new ArrayList<>();

  /** The router's weights under the names the store writes, in {@link RouterNet} order. */
  public static final List<String> ROUTER_NAMES =
      List.of(
          "router.conv1.weight",
          "router.conv1.bias",
          "router.conv2.weight",
          "router.conv2.bias",
          "router.fc1.weight",
          "router.fc1.bias",
          "router.fc2.weight",
          "router.fc2.bias");

  InputRouting(ViTConfig config) {
    super(VERSION);
    this.config = config;
    int p = config.patchSize();
    int d = config.width();
    for (int k = 1; k <= config.inputAdapters(); k++) {
      weights.add(
          param("adapter" + k + "_weight", Parameter.Type.WEIGHT, d, config.channels(), p, p));
      biases.add(param("adapter" + k + "_bias", Parameter.Type.BIAS, d));
      positions.add(param("adapter" + k + "_pos", Parameter.Type.WEIGHT, 1, config.numTokens(), d));
    }
    int f = RouterNet.statisticsCount(config);
    featureMean = param("router_mean", Parameter.Type.BETA, f);
    featureStd = param("router_std", Parameter.Type.GAMMA, f);
    Shape[] shapes = RouterNet.weightShapes(config, experts(config));
    for (int i = 0; i < shapes.length; i++) {
      router.add(
          param(
              ROUTER_NAMES.get(i).replace('.', '_'),
              i % 2 == 0 ? Parameter.Type.WEIGHT : Parameter.Type.BIAS,
              shapes[i].getShape()));
    }
  }

  private Parameter param(String name, Parameter.Type type, long... shape) {
    return addParameter(
        Parameter.builder().setName(name).setType(type).optShape(new Shape(shape)).build());
  }

  /** The base embedding plus the adapters. */
  static int experts(ViTConfig config) {
    return 1 + config.inputAdapters();
  }

  /** Parameters under the names the store writes. */
  void collectParameters(Map<String, Parameter> out) {
    for (int k = 1; k <= weights.size(); k++) {
      out.put("adapters." + k + ".patch_embed.proj.weight", weights.get(k - 1));
      out.put("adapters." + k + ".patch_embed.proj.bias", biases.get(k - 1));
      out.put("adapters." + k + ".pos_embed", positions.get(k - 1));
    }
    out.put("router.feature_mean", featureMean);
    out.put("router.feature_std", featureStd);
    for (int i = 0; i < router.size(); i++) {
      out.put(ROUTER_NAMES.get(i), router.get(i));
    }
  }

  /** The router's statistics of normalised images, (B, F). */
  NDArray features(NDArray images) {
    return RouterNet.statistics(images, config);
  }

  /** The router's scores (B, experts). */
  NDArray scores(ParameterStore ps, NDArray images, NDArray features, boolean training) {
    var device = images.getDevice();
    NDArray z =
        features
            .sub(ps.getValue(featureMean, device, training))
            .div(ps.getValue(featureStd, device, training));
    NDList w = new NDList();
    router.forEach(p -> w.add(ps.getValue(p, device, training)));
    return RouterNet.scores(images, z, w);
  }

  /**
   * The choice per image as a one-hot (B, experts) in the images' type.
   *
   * @param forced an expert for every image, or -1 for the router's choice
   */
  NDArray route(ParameterStore ps, NDArray images, boolean training, int forced) {
    long b = images.getShape().get(0);
    int n = experts(config);
    if (forced >= n) {
      throw new IllegalArgumentException("expert " + forced + " of " + n);
    }
    NDArray choice =
        forced >= 0
            ? images.getManager().full(new Shape(b), forced, DataType.INT64)
            : scores(ps, images, features(images), training).argMax(1);
    return choice.oneHot(n).toType(images.getDataType(), false);
  }

  /**
   * The chosen patch embeddings, (B, N, D).
   *
   * @param base the base projection's output for every image
   * @param route from {@link #route}
   */
  NDArray patches(ParameterStore ps, NDArray images, NDArray base, NDArray route, boolean train) {
    long b = images.getShape().get(0);
    int p = config.patchSize();
    NDArray out = column(route, 0, b).mul(base);
    for (int k = 1; k <= weights.size(); k++) {
      var device = images.getDevice();
      NDArray grid =
          Convolutions.conv2d(
              images,
              ps.getValue(weights.get(k - 1), device, train),
              ps.getValue(biases.get(k - 1), device, train),
              p,
              0);
      NDArray embedded =
          grid.reshape(b, config.width(), config.numPatches()).transpose(0, 2, 1); // (B, N, D)
      out = out.add(column(route, k, b).mul(embedded));
    }
    return out;
  }

  /**
   * The chosen position embeddings, (B, 1 + N, D).
   *
   * @param base the base position embeddings (1, 1 + N, D)
   */
  NDArray positions(ParameterStore ps, NDArray base, NDArray route, boolean training) {
    long b = route.getShape().get(0);
    NDArray out = column(route, 0, b).mul(base);
    for (int k = 1; k <= positions.size(); k++) {
      NDArray pos = ps.getValue(positions.get(k - 1), route.getDevice(), training);
      out = out.add(column(route, k, b).mul(pos));
    }
    return out;
  }

  private static NDArray column(NDArray route, int k, long b) {
    return route.get(":, " + k).reshape(b, 1, 1);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray images = inputs.singletonOrThrow();
    return new NDList(scores(ps, images, features(images), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), experts(config))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // no child blocks: every parameter is this block's own
  }
}
