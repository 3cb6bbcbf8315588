package io.vitstream.training;

import ai.djl.Device;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Times the real training step ({@link VitTrainer}, with its augmentation, clipping, decay and
 * optimizer) of a freshly initialised model on random images: one epoch of {@code warmup + steps}
 * steps, timed from the end of the last warm-up step to the end of the last step.
 */
public final class StepBenchmark {
  private StepBenchmark() {}

  /** What the timed steps did. */
  public record Result(
      int batch, int steps, double seconds, double cpuSeconds, double forwardFlopsPerImage) {
    public double msPerStep() {
      return seconds * 1000 / steps;
    }

    public double imagesPerSecond() {
      return (double) batch * steps / seconds;
    }

    /** The training FLOP rate: 3x the forward's FLOPs per image, times img/s. */
    public double gflops() {
      return ForwardFlops.TRAINING_FACTOR * forwardFlopsPerImage * imagesPerSecond() / 1e9;
    }

    /** CPU milliseconds of this process per step. */
    public double cpuMsPerStep() {
      return cpuSeconds * 1000 / steps;
    }

    /** Training GFLOP per CPU-second of this process. */
    public double cpuGflops() {
      return ForwardFlops.TRAINING_FACTOR * forwardFlopsPerImage * batch * steps / cpuSeconds / 1e9;
    }
  }

  /**
   * Trains {@code warmup + steps} steps of batch {@code batch} with the given optimizer (the rest
   * of the recipe is the default one: clipping, decoupled weight decay, crop and flip).
   */
  public static Result run(
      ViTConfig vit, int batch, int warmup, int steps, OptimizerKind optimizer) {
    if (batch < 1 || warmup < 1 || steps < 1) {
      throw new IllegalArgumentException("batch, warm-up and steps must be >= 1");
    }
    int images = (warmup + steps) * batch;
    LabeledImages train = randomImages(images, vit);
    TrainingConfig config =
        TrainingConfig.builder()
            .optimizer(optimizer)
            .epochs(1)
            .batchSize(batch)
            .warmupEpochs(0.5f)
            .evalLimit(0)
            .build();
    long[] marks = new long[warmup + steps + 1];
    long[] cpu = new long[warmup + steps + 1];
    TrainingListener clock =
        new TrainingListener() {
          @Override
          public void onStep(StepProgress p) {
            marks[p.step()] = System.nanoTime();
            cpu[p.step()] = ProcessCpu.nanos();
          }
        };
    Preprocessing preprocessing =
        new Preprocessing(
            vit.imageSize(), vit.channels(), List.of(0.5f), List.of(0.25f), "bilinear");
    try (VitModel model = VitModel.create(vit, Device.cpu(), Precision.FP32)) {
      new VitTrainer(config, clock)
          .fit(model, train, train.limit(batch), preprocessing, Optional.empty());
    }
    double seconds = (marks[warmup + steps] - marks[warmup]) / 1e9;
    long cpuNanos = cpu[warmup + steps] - cpu[warmup];
    // the process clock ticks in milliseconds: a run too short for it counts its wall time
    double cpuSeconds = cpuNanos > 0 ? cpuNanos / 1e9 : seconds;
    return new Result(batch, steps, seconds, cpuSeconds, ForwardFlops.perImage(vit));
  }

  private static LabeledImages randomImages(int count, ViTConfig vit) {
    if (vit.channels() != 1) {
      throw new IllegalArgumentException(
          "the training step benchmark trains on one-channel images; got "
              + vit.channels()
              + " channels");
    }
    int side = vit.imageSize();
    byte[] pixels = new byte[count * side * side];
    Random random = new Random(7);
    random.nextBytes(pixels);
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) random.nextInt(Math.max(1, Math.min(vit.numClasses(), 128)));
    }
    return new LabeledImages(count, side, side, pixels, labels);
  }
}
