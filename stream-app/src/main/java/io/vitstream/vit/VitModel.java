package io.vitstream.vit;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.vitstream.runtime.Djl;
import java.util.HashMap;
import java.util.Map;

/**
 * A built and initialised ViT on one device and precision, owning its native memory. Close it to
 * free the parameters.
 *
 * <p>The forward here is for inference: it turns gradient recording off on the calling thread (DJL
 * starts every thread with it on) and keeps every activation in the input's manager, so the caller
 * frees a batch by closing that manager (see {@link #newBatchManager()}).
 */
public final class VitModel implements AutoCloseable {
  private final Model model;
  private final VisionTransformer vit;
  private final Precision precision;

  private VitModel(Model model, VisionTransformer vit, Precision precision) {
    this.model = model;
    this.vit = vit;
    this.precision = precision;
  }

  /**
   * Builds a model with timm's random initialisation.
   *
   * @param config the geometry; may not be null
   * @param device {@code Device.cpu()} or a GPU
   * @param precision FP32, or FP16 (built directly in half precision; no cast is involved)
   */
  public static VitModel create(ViTConfig config, Device device, Precision precision) {
    Djl.ensureConfigured();
    Model model = Model.newInstance("vit", device, "PyTorch");
    try {
      VisionTransformer vit = new VisionTransformer(config);
      model.setBlock(vit);
      model.setDataType(precision.dataType());
      vit.initialize(
          model.getNDManager(),
          precision.dataType(),
          new Shape(1, config.channels(), config.imageSize(), config.imageSize()));
      return new VitModel(model, vit, precision);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public ViTConfig config() {
    return vit.config();
  }

  public Precision precision() {
    return precision;
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** The DJL block, for training. */
  public VisionTransformer block() {
    return vit;
  }

  /** The DJL model, for {@code Model.newTrainer}. */
  public Model djlModel() {
    return model;
  }

  /** Parameters under timm's names. */
  public Map<String, Parameter> parameters() {
    return vit.timmParameters();
  }

  /** The number of scalar parameters. */
  public long parameterCount() {
    return parameters().values().stream().mapToLong(p -> p.getShape().size()).sum();
  }

  /** A manager for one batch: create the input in it, run {@link #forward}, read, then close. */
  public NDManager newBatchManager() {
    return model.getNDManager().newSubManager();
  }

  /**
   * Runs inference.
   *
   * @param images (B, C, H, W) in any float type; converted to the model's device and precision
   * @param sink receives the named intermediates
   * @return logits (B, K), in the images' manager and the model's precision
   */
  public NDArray forward(NDArray images, ActivationSink sink) {
    return forward(images, sink, -1);
  }

  /**
   * Runs inference with every image embedded by one expert of the input adapters (0 is the base
   * embedding), or by the router's choice for -1.
   */
  public NDArray forwardExpert(NDArray images, int expert) {
    return forward(images, ActivationSink.NONE, expert);
  }

  private NDArray forward(NDArray images, ActivationSink sink, int expert) {
    Djl.disableGradOnThisThread();
    NDArray x = images.toDevice(device(), false).toType(precision.dataType(), false);
    ParameterStore ps = new ParameterStore(images.getManager(), false);
    NDArray features = vit.forwardFeatures(ps, x, false, sink, expert);
    return vit.forwardHead(ps, features, false, sink);
  }

  /**
   * The router's features (B, F) and scores (B, experts) of a model with input adapters; empty for
   * a plain ViT.
   */
  public java.util.Optional<ai.djl.ndarray.NDList> router(NDArray images) {
    Djl.disableGradOnThisThread();
    NDArray x = images.toDevice(device(), false).toType(precision.dataType(), false);
    return vit.routerFeaturesAndScores(new ParameterStore(images.getManager(), false), x);
  }

  /**
   * Overwrites the parameters named in {@code weights} (timm names). Shapes must already match; a
   * checkpoint loader checks all of them before calling this, so nothing is half-loaded.
   *
   * @throws IllegalArgumentException for an unknown name or a shape mismatch
   */
  public void setWeights(Map<String, NDArray> weights) {
    Map<String, Parameter> params = parameters();
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      Parameter p = params.get(e.getKey());
      if (p == null || !p.getShape().equals(e.getValue().getShape())) {
        throw new IllegalArgumentException("cannot set " + e.getKey() + " " + e.getValue());
      }
    }
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      NDArray target = params.get(e.getKey()).getArray();
      NDArray source = e.getValue().toType(target.getDataType(), false);
      target.set(source.toDevice(Device.cpu(), false).toByteBuffer());
    }
  }

  /**
   * A copy of this model at another resolution (paper section 3.2): every weight is copied, and the
   * patch-grid position embeddings are resized bicubically. Use it to fine-tune at a new size.
   *
   * @param imageSize a multiple of the patch size
   */
  public VitModel resizedTo(int imageSize) {
    ViTConfig target = config().withImageSize(imageSize);
    VitModel resized = create(target, device(), precision);
    try (NDManager tmp = model.getNDManager().newSubManager()) {
      Map<String, NDArray> weights = new HashMap<>();
      parameters().forEach((name, p) -> weights.put(name, p.getArray()));
      int grid = target.gridSize();
      weights.put(
          "pos_embed",
          PositionEmbeddings.resize(
              weights.get("pos_embed"), config().gridSize(), grid, grid, tmp));
      resized.setWeights(weights);
      return resized;
    } catch (RuntimeException e) {
      resized.close();
      throw e;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
