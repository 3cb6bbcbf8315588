package io.vitstream.training;

import java.time.Duration;

/**
 * How to train. Build it with {@link #builder()}, which holds the recipe of the shipped
 * Fashion-MNIST version 2 (no label smoothing, crop padding 1, flip; its epoch count is the
 * 30-minute run's) and checks every value.
 *
 * @param optimizer AdamW (from scratch) or SGD with momentum (the paper's fine-tuning)
 * @param epochs passes over the training set; the learning-rate schedule spans all of them
 * @param batchSize images per step; the last partial batch of an epoch is dropped
 * @param learningRate peak AdamW learning rate, reached after the warm-up
 * @param minLearningRate the learning rate the cosine decay ends at
 * @param warmupEpochs epochs of linear warm-up from 0 to the peak (may be fractional)
 * @param weightDecay decoupled weight decay on the matrices, with either optimizer
 * @param clipNorm the global gradient norm is clipped to this value
 * @param labelSmoothing mass spread evenly over all classes in the target (0 = one-hot)
 * @param cropPadding random crop with this zero padding on each side (0 = no crop)
 * @param flip random horizontal flip with probability 1/2
 * @param seed seeds the initialisation, shuffling and augmentation
 * @param timeLimit training stops after the step that crosses this, then evaluates and saves
 * @param evalLimit test images evaluated after each epoch (all at the end of training)
 */
public record TrainingConfig(
    OptimizerKind optimizer,
    int epochs,
    int batchSize,
    float learningRate,
    float minLearningRate,
    float warmupEpochs,
    float weightDecay,
    float clipNorm,
    float labelSmoothing,
    int cropPadding,
    boolean flip,
    long seed,
    Duration timeLimit,
    int evalLimit) {

  /** No time limit. */
  public static final Duration UNLIMITED = Duration.ofDays(3650);

  /** The largest batch a run accepts: the ViT paper's 4,096, twice over. */
  public static final int MAX_BATCH_SIZE = 8192;

  public TrainingConfig {
    check(optimizer != null, "optimizer must be given");
    check(epochs > 0, "epochs must be positive, got " + epochs);
    check(batchSize > 0, "batch size must be positive, got " + batchSize);
    check(
        batchSize <= MAX_BATCH_SIZE,
        "batch size " + batchSize + " is beyond the cap of " + MAX_BATCH_SIZE);
    check(learningRate > 0, "learning rate must be positive, got " + learningRate);
    check(
        minLearningRate >= 0 && minLearningRate <= learningRate,
        "min learning rate must be in [0, lr], got " + minLearningRate);
    check(warmupEpochs >= 0, "warm-up epochs must be >= 0, got " + warmupEpochs);
    check(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
    check(clipNorm > 0, "clip norm must be positive, got " + clipNorm);
    check(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1)");
    check(cropPadding >= 0, "crop padding must be >= 0, got " + cropPadding);
    check(
        timeLimit != null && !timeLimit.isNegative() && !timeLimit.isZero(),
        "time limit must be positive");
    check(evalLimit >= 0, "eval limit must be >= 0, got " + evalLimit);
  }

  /**
   * The full batches in {@code images} training images; the last partial batch is dropped.
   *
   * @throws IllegalArgumentException when the images do not fill one batch
   */
  public int stepsPerEpoch(int images) {
    check(
        images >= batchSize,
        images + " training images do not fill one batch of " + batchSize + " (the batch size)");
    return images / batchSize;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder for fine-tuning a trained model: no warm-up, weight decay, label smoothing or
   * augmentation, and no per-epoch evaluation; set the epochs, batch and learning rate.
   */
  public static Builder fineTuning() {
    return new Builder()
        .warmupEpochs(0)
        .weightDecay(0)
        .labelSmoothing(0)
        .cropPadding(0)
        .flip(false)
        .evalLimit(0);
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder()
        .optimizer(optimizer)
        .epochs(epochs)
        .batchSize(batchSize)
        .learningRate(learningRate)
        .minLearningRate(minLearningRate)
        .warmupEpochs(warmupEpochs)
        .weightDecay(weightDecay)
        .clipNorm(clipNorm)
        .labelSmoothing(labelSmoothing)
        .cropPadding(cropPadding)
        .flip(flip)
        .seed(seed)
        .timeLimit(timeLimit)
        .evalLimit(evalLimit);
  }

  /** Builds a {@link TrainingConfig}. */
  public static final class Builder {
    private OptimizerKind optimizer = OptimizerKind.ADAMW;
    private int epochs = 22;
    private int batchSize = 128;
    private float learningRate = 2e-3f;
    private float minLearningRate = 1e-5f;
    private float warmupEpochs = 1;
    private float weightDecay = 0.05f;
    private float clipNorm = 1;
    private float labelSmoothing = 0;
    private int cropPadding = 1;
    private boolean flip = true;
    private long seed = 42;
    private Duration timeLimit = UNLIMITED;
    private int evalLimit = 10_000;

    private Builder() {}

    public Builder optimizer(OptimizerKind value) {
      optimizer = value;
      return this;
    }

    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder learningRate(float value) {
      learningRate = value;
      return this;
    }

    public Builder minLearningRate(float value) {
      minLearningRate = value;
      return this;
    }

    public Builder warmupEpochs(float value) {
      warmupEpochs = value;
      return this;
    }

    public Builder weightDecay(float value) {
      weightDecay = value;
      return this;
    }

    public Builder clipNorm(float value) {
      clipNorm = value;
      return this;
    }

    public Builder labelSmoothing(float value) {
      labelSmoothing = value;
      return this;
    }

    public Builder cropPadding(int value) {
      cropPadding = value;
      return this;
    }

    public Builder flip(boolean value) {
      flip = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder timeLimit(Duration value) {
      timeLimit = value;
      return this;
    }

    public Builder evalLimit(int value) {
      evalLimit = value;
      return this;
    }

    /** Builds the config; throws IllegalArgumentException naming a bad value. */
    public TrainingConfig build() {
      return new TrainingConfig(
          optimizer,
          epochs,
          batchSize,
          learningRate,
          Math.min(minLearningRate, learningRate),
          warmupEpochs,
          weightDecay,
          clipNorm,
          labelSmoothing,
          cropPadding,
          flip,
          seed,
          timeLimit,
          evalLimit);
    }
  }
}
