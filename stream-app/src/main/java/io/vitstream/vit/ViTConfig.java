package io.vitstream.vit;

import java.util.Locale;

/**
 * The geometry of a Vision Transformer. Build it with {@link #builder()}, which checks every
 * invariant.
 *
 * @param imageSize height and width of the square input image, in pixels
 * @param patchSize side P of a square patch; {@code imageSize} is a multiple of it
 * @param channels input channels C (1 for grayscale, 3 for RGB)
 * @param width embedding width D
 * @param depth number of encoder blocks L
 * @param heads attention heads; {@code width} is a multiple of it
 * @param mlpSize hidden size of each block's MLP
 * @param numClasses classifier outputs; 0 means no classifier (features or pooler only)
 * @param layerNormEps LayerNorm epsilon (1e-6 in timm, 1e-12 in HF transformers)
 * @param headType linear head, or the pre-logits (tanh) head
 * @param preLogitsSize width of the pre-logits layer; equal to {@code width} for HF's pooler
 * @param qkvBias whether the fused qkv projection has a bias
 * @param dropout dropout rate after the embeddings, inside the MLP and after each projection
 * @param inputAdapters extra input embeddings (patch projection and position embeddings) that a
 *     learned router picks per image instead of the base one; 0 for the plain ViT (see {@link
 *     InputRouting})
 * @param hybrid the convolutional backbone of a hybrid ViT, whose feature map is cut into P x P
 *     patches; null for the pure ViT, which cuts the image itself (null keeps the pure ViT's JSON
 *     unchanged and lets manifests written before hybrids load)
 */
public record ViTConfig(
    int imageSize,
    int patchSize,
    int channels,
    int width,
    int depth,
    int heads,
    int mlpSize,
    int numClasses,
    float layerNormEps,
    HeadType headType,
    int preLogitsSize,
    boolean qkvBias,
    float dropout,
    int inputAdapters,
    HybridBackbone hybrid) {

  /** Checks the invariants; the builder is the usual way to make one. */
  public ViTConfig {
    require(patchSize > 0, "patch size must be positive, got " + patchSize);
    require(imageSize > 0, "image size must be positive, got " + imageSize);
    require(
        imageSize % patchSize == 0,
        "image size " + imageSize + " must be divisible by patch size " + patchSize);
    require(channels > 0, "channels must be positive, got " + channels);
    require(width > 0 && depth > 0 && heads > 0 && mlpSize > 0, "width, depth, heads, mlp > 0");
    require(width % heads == 0, "width " + width + " must be divisible by heads " + heads);
    require(numClasses >= 0, "classes must be >= 0, got " + numClasses);
    require(layerNormEps > 0, "LayerNorm eps must be positive, got " + layerNormEps);
    require(headType != null, "head type is required");
    require(
        headType == HeadType.LINEAR || preLogitsSize > 0,
        "a pre-logits head needs a positive pre-logits size");
    require(
        headType == HeadType.PRE_LOGITS || numClasses > 0,
        "a linear head needs at least one class");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    require(inputAdapters >= 0, "input adapters must be >= 0, got " + inputAdapters);
    if (hybrid != null) {
      int stride = hybrid.featureStride() * patchSize;
      require(
          imageSize % stride == 0,
          "image size "
              + imageSize
              + " must be divisible by "
              + stride
              + " (backbone stride "
              + hybrid.featureStride()
              + " x patch size "
              + patchSize
              + ")");
      require(
          inputAdapters == 0,
          "input adapters replace the patch projection of a pure ViT; a hybrid has none");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Whether the tokens come from a convolutional backbone's feature map. */
  public boolean isHybrid() {
    return hybrid != null;
  }

  /** Input pixels per token side: P for the pure ViT, P x the backbone's stride for a hybrid. */
  public int tokenStride() {
    return isHybrid() ? patchSize * hybrid.featureStride() : patchSize;
  }

  /** Patches per side (of the image, or of the hybrid's feature map). */
  public int gridSize() {
    return imageSize / tokenStride();
  }

  /** Patches per image, N = HW / P^2. */
  public int numPatches() {
    return gridSize() * gridSize();
  }

  /** Tokens per image: the patches plus the [class] token. */
  public int numTokens() {
    return numPatches() + 1;
  }

  /** Width of one attention head. */
  public int headDim() {
    return width / heads;
  }

  /** Width of the vector the classifier reads. */
  public int headInputSize() {
    return headType == HeadType.PRE_LOGITS ? preLogitsSize : width;
  }

  /** One line for logs and the CLI. */
  public String summary() {
    return String.format(
            Locale.ROOT,
            "image %d, patch %d, channels %d, width %d, depth %d, heads %d, mlp %d, classes %d,"
                + " eps %.0e, head %s%s",
            imageSize,
            patchSize,
            channels,
            width,
            depth,
            heads,
            mlpSize,
            numClasses,
            layerNormEps,
            headType.name().toLowerCase(Locale.ROOT),
            headType == HeadType.PRE_LOGITS ? " (" + preLogitsSize + ", tanh)" : "")
        + (inputAdapters > 0 ? ", " + inputAdapters + " input adapters" : "")
        + (isHybrid() ? ", hybrid (" + hybrid.summary() + ")" : "");
  }

  /** A copy with another number of input adapters (the base weights' shapes do not change). */
  public ViTConfig withInputAdapters(int count) {
    return toBuilder().inputAdapters(count).build();
  }

  /** A copy at another resolution (the patch grid changes; the weights' shapes do not). */
  public ViTConfig withImageSize(int newImageSize) {
    return toBuilder().imageSize(newImageSize).build();
  }

  /** A copy with another number of classes (a new head). */
  public ViTConfig withNumClasses(int classes) {
    return toBuilder().numClasses(classes).build();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder()
        .imageSize(imageSize)
        .patchSize(patchSize)
        .channels(channels)
        .width(width)
        .depth(depth)
        .heads(heads)
        .mlpSize(mlpSize)
        .numClasses(numClasses)
        .layerNormEps(layerNormEps)
        .headType(headType)
        .preLogitsSize(preLogitsSize)
        .qkvBias(qkvBias)
        .dropout(dropout)
        .inputAdapters(inputAdapters)
        .hybrid(hybrid);
  }

  /** A builder with timm's defaults: 3 channels, 1000 classes, eps 1e-6, linear head. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ViTConfig}; {@link #build()} checks the invariants. */
  public static final class Builder {
    private int imageSize = 224;
    private int patchSize = 16;
    private int channels = 3;
    private int width = 768;
    private int depth = 12;
    private int heads = 12;
    private int mlpSize = -1;
    private int numClasses = 1000;
    private float layerNormEps = 1e-6f;
    private HeadType headType = HeadType.LINEAR;
    private int preLogitsSize = -1;
    private boolean qkvBias = true;
    private float dropout;
    private int inputAdapters;
    private HybridBackbone hybrid;

    private Builder() {}

    public Builder imageSize(int value) {
      imageSize = value;
      return this;
    }

    public Builder patchSize(int value) {
      patchSize = value;
      return this;
    }

    public Builder channels(int value) {
      channels = value;
      return this;
    }

    public Builder width(int value) {
      width = value;
      return this;
    }

    public Builder depth(int value) {
      depth = value;
      return this;
    }

    public Builder heads(int value) {
      heads = value;
      return this;
    }

    /** The MLP hidden size; 4 x width when not set, as in the paper. */
    public Builder mlpSize(int value) {
      mlpSize = value;
      return this;
    }

    public Builder numClasses(int value) {
      numClasses = value;
      return this;
    }

    public Builder layerNormEps(float value) {
      layerNormEps = value;
      return this;
    }

    public Builder headType(HeadType value) {
      headType = value;
      return this;
    }

    /** The pre-logits width; equal to the width when not set. */
    public Builder preLogitsSize(int value) {
      preLogitsSize = value;
      return this;
    }

    public Builder qkvBias(boolean value) {
      qkvBias = value;
      return this;
    }

    public Builder dropout(float value) {
      dropout = value;
      return this;
    }

    public Builder inputAdapters(int value) {
      inputAdapters = value;
      return this;
    }

    /** The backbone of a hybrid ViT; null (the default) for the pure ViT. */
    public Builder hybrid(HybridBackbone value) {
      hybrid = value;
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException when an invariant does not hold, with the reason
     */
    public ViTConfig build() {
      int mlp = mlpSize < 0 ? 4 * width : mlpSize;
      int preLogits = preLogitsSize < 0 ? width : preLogitsSize;
      return new ViTConfig(
          imageSize,
          patchSize,
          channels,
          width,
          depth,
          heads,
          mlp,
          numClasses,
          layerNormEps,
          headType,
          preLogits,
          qkvBias,
          dropout,
          inputAdapters,
          hybrid);
    }
  }
}
