package io.vitstream.vit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Vision Transformer (Dosovitskiy et al., ICLR 2021), with timm's seams: {@link
 * #forwardFeatures} (all tokens after the final LayerNorm) and {@link #forwardHead}.
 *
 * <pre>
 * z0 = [x_class; x_p1 E; ...; x_pN E] + E_pos
 * z_l = blocks (pre-norm MSA and MLP), l = 1..L
 * y  = head(LN(z_L)[class])
 * </pre>
 *
 * <p>The pure ViT and the hybrid (section 3.1) differ only in the {@link TokenEmbedding}: image
 * patches, or the patches of a ResNet feature map ({@link HybridEmbedding}).
 *
 * <p>Shapes: B batch, C channels, H x W pixels, h x w patch grid, N = hw patches, D width, K
 * classes. Images of another size than the config's (a multiple of P) get bicubically resized
 * position embeddings, as in HF's {@code interpolate_pos_encoding}.
 *
 * <p>Memory: every array made by a forward lives in the input's manager, never in the parameters'
 * one, so a per-batch scope frees all of it.
 */
public final class VisionTransformer extends AbstractBlock {
  private static final byte VERSION = 1;

  private final ViTConfig config;
  private final TokenEmbedding patchEmbed;
  private final Parameter clsToken;
  private final Parameter posEmbed;
  private final List<EncoderBlock> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final ClassifierHead head;
  private final Optional<InputRouting> routing;

  /**
   * Builds the blocks of a ViT; call {@link #initialize} (or use {@link VitModel}) before a
   * forward.
   *
   * @param config the geometry; may not be null
   */
  public VisionTransformer(ViTConfig config) {
    super(VERSION);
    this.config = config;
    patchEmbed = addChildBlock("patch_embed", TokenEmbedding.of(config));
    clsToken =
        addParameter(
            Parameter.builder()
                .setName("cls_token")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, config.width()))
                .build());
    posEmbed =
        addParameter(
            Parameter.builder()
                .setName("pos_embed")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, config.numTokens(), config.width()))
                .build());
    for (int i = 0; i < config.depth(); i++) {
      blocks.add(addChildBlock("block" + i, new EncoderBlock(config)));
    }
    norm = addChildBlock("norm", EncoderBlock.tokenNorm(config));
    head = addChildBlock("head", new ClassifierHead(config));
    routing =
        config.inputAdapters() > 0
            ? Optional.of(addChildBlock("routing", new InputRouting(config)))
            : Optional.empty();
    useTrainingInitialisation();
  }

  /** The geometry of this model. */
  public ViTConfig config() {
    return config;
  }

  /**
   * timm's initialisation: truncated normal (0.02) for weights and the position embeddings, a tiny
   * normal for the [class] token, zeros for biases, ones for LayerNorm scales, and a zero
   * classifier (the paper's fine-tuning head).
   */
  private void useTrainingInitialisation() {
    setInitializer(new TruncatedNormal(0.02f), Parameter.Type.WEIGHT);
    clsToken.setInitializer(new NormalInitializer(1e-6f));
    head.classifier().ifPresent(l -> l.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT));
  }

  /** Parameters under timm's names, in timm's order. */
  public Map<String, Parameter> timmParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    out.put("cls_token", clsToken);
    out.put("pos_embed", posEmbed);
    patchEmbed.collectParameters("patch_embed.", out);
    for (int i = 0; i < blocks.size(); i++) {
      blocks.get(i).collectParameters("blocks." + i + ".", out);
    }
    TimmNamed.collectCore(norm, "norm.", out);
    head.collectParameters("", out);
    routing.ifPresent(r -> r.collectParameters(out));
    return Collections.unmodifiableMap(out);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokens = forwardFeatures(ps, inputs.singletonOrThrow(), training, ActivationSink.NONE);
    return new NDList(forwardHead(ps, tokens, training, ActivationSink.NONE));
  }

  /**
   * Embeds the patches, runs the encoder and the final LayerNorm.
   *
   * @param images (B, C, H, W), H and W multiples of P
   * @return (B, 1 + hw, D), the [class] token first
   * @throws IllegalArgumentException when the channels or the size do not fit the model
   */
  public NDArray forwardFeatures(
      ParameterStore ps, NDArray images, boolean training, ActivationSink sink) {
    return forwardFeatures(ps, images, training, sink, -1);
  }

  /**
   * As {@link #forwardFeatures(ParameterStore, NDArray, boolean, ActivationSink)}, with every image
   * embedded by one chosen expert of the {@link InputRouting} (0 is the base embedding) instead of
   * the router's choice.
   *
   * @param expert the expert for every image, or -1 for the router's choice
   */
  public NDArray forwardFeatures(
      ParameterStore ps, NDArray images, boolean training, ActivationSink sink, int expert) {
    Shape s = images.getShape();
    checkInput(s);
    int rows = (int) s.get(2) / config.tokenStride();
    int cols = (int) s.get(3) / config.tokenStride();
    NDManager scope = images.getManager();
    Device device = images.getDevice();
    NDArray x = patchEmbed.forward(ps, new NDList(images), training).singletonOrThrow();
    long b = x.getShape().get(0);
    // (1, 1, D) -> (B, 1, D); moved to the batch's manager, so the concat result lives there too.
    NDArray cls = ps.getValue(clsToken, device, training).broadcast(b, 1, config.width());
    cls.attach(scope);
    NDArray pos = ps.getValue(posEmbed, device, training);
    if (rows != config.gridSize() || cols != config.gridSize()) {
      pos = PositionEmbeddings.resize(pos, config.gridSize(), rows, cols, scope);
    }
    if (routing.isPresent()) {
      InputRouting r = routing.get();
      NDArray route = r.route(ps, images, training, expert);
      sink.accept("route", route);
      x = r.patches(ps, images, x, route, training);
      pos = r.positions(ps, pos, route, training);
    } else if (expert > 0) {
      throw new IllegalArgumentException("expert " + expert + " of a model without adapters");
    }
    x = NDArrays.concat(new NDList(cls, x), 1).add(pos); // (B, 1 + N, D)
    if (training && config.dropout() > 0) {
      x = Dropout.dropout(x, config.dropout(), true).singletonOrThrow();
    }
    sink.accept("embeddings", x);
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      sink.accept("block" + i, x);
    }
    x = norm.forward(ps, new NDList(x), training).singletonOrThrow();
    sink.accept("norm", x);
    return x;
  }

  /**
   * The router's features and scores.
   *
   * @param images (B, C, H, W), normalised, at the config's size
   * @return features (B, F) and scores (B, experts), or empty for a model without adapters
   */
  public Optional<NDList> routerFeaturesAndScores(ParameterStore ps, NDArray images) {
    return routing.map(
        r -> {
          NDArray f = r.features(images);
          return new NDList(f, r.scores(ps, images, f, false));
        });
  }

  /**
   * Applies the head to the [class] token.
   *
   * @param features (B, 1 + N, D) from {@link #forwardFeatures}
   * @return (B, K) logits, or (B, D') pre-logits when the model has no classes
   */
  public NDArray forwardHead(
      ParameterStore ps, NDArray features, boolean training, ActivationSink sink) {
    NDArray cls = features.get(":, 0, :"); // (B, D)
    return head.forward(ps, cls, training, sink).singletonOrThrow();
  }

  private void checkInput(Shape s) {
    if (s.dimension() != 4 || s.get(1) != config.channels()) {
      throw new IllegalArgumentException(
          "expected images (B, " + config.channels() + ", H, W), got " + s);
    }
    int p = config.tokenStride();
    if (routing.isPresent() && (s.get(2) != config.imageSize() || s.get(3) != s.get(2))) {
      throw new IllegalArgumentException(
          "a model with input adapters takes "
              + config.imageSize()
              + "x"
              + config.imageSize()
              + " images, got "
              + s.get(2)
              + "x"
              + s.get(3));
    }
    if (s.get(2) % p != 0 || s.get(3) % p != 0) {
      throw new IllegalArgumentException(
          "image size "
              + s.get(2)
              + "x"
              + s.get(3)
              + " must be a multiple of "
              + (config.isHybrid() ? "the token stride " : "patch size ")
              + p);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long b = inputShapes[0].get(0);
    return head.getOutputShapes(new Shape[] {new Shape(b, config.width())});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long b = inputShapes[0].get(0);
    patchEmbed.initialize(manager, dataType, inputShapes);
    Shape tokens = new Shape(b, config.numTokens(), config.width());
    for (EncoderBlock block : blocks) {
      block.initialize(manager, dataType, tokens);
    }
    norm.initialize(manager, dataType, tokens);
    head.initialize(manager, dataType, new Shape(b, config.width()));
    routing.ifPresent(r -> r.initialize(manager, dataType, inputShapes));
  }
}
