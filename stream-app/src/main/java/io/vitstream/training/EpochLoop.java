package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.vitstream.dataset.BatchAssembler;
import java.util.Optional;
import java.util.Random;

/**
 * The steps of one training epoch, shared by {@link VitTrainer} and {@link TeacherTrainer}. Each
 * step assembles an augmented batch, writes its targets, blends in a teacher's beliefs when
 * distilling, then runs forward, loss and backward, reads the loss, the correct count and the
 * gradient norm back in one read, and runs the update, all in one native scope.
 *
 * <p>Shuffling and augmentation come from per-epoch generators of the seed, so a resumed run sees
 * the same batches as an uninterrupted one.
 */
final class EpochLoop {
  /** Writes the (B, K) target rows of the batch that starts at {@code first} in {@code order}. */
  interface TargetWriter {
    void write(int[] order, int first, int[] labels, float[] targets);
  }

  /**
   * The update after backward. The loop reads the gradient norm back with the loss, in one read,
   * and gives the update the clip factor.
   */
  interface Update {
    /** The global gradient norm as a scalar array in {@code scope}, or null when not clipping. */
    NDArray gradientNorm(NDManager scope);

    /**
     * Updates the weights for the 1-based global {@code step}, the gradients scaled by {@code
     * gradientScale}.
     */
    void step(long step, float gradientScale);

    /** The trainer's own optimizer step, unclipped. */
    static Update of(Trainer trainer) {
      return new Update() {
        @Override
        public NDArray gradientNorm(NDManager scope) {
          return null;
        }

        @Override
        public void step(long step, float gradientScale) {
          trainer.step();
        }
      };
    }
  }

  /** What an epoch did: {@code steps} is short of a full epoch when the time budget ran out. */
  record Outcome(int steps, double loss, double accuracy, double seconds) {}

  private final Trainer trainer;
  private final TrainingConfig config;
  private final TrainingListener listener;
  private final BatchAssembler assembler;
  private final int stepsPerEpoch;
  private final int classes;
  private final Shape imageShape;
  private final float[] pixels;
  private final float[] targets;
  private final GradientClipper clipper;
  private TargetWriter targetWriter;
  private Update update;
  private Optional<Distillation> distillation = Optional.empty();

  /**
   * A loop writing the labels' targets (smoothed by the config), with no update rule of its own.
   */
  EpochLoop(
      Trainer trainer,
      TrainingConfig config,
      TrainingListener listener,
      BatchAssembler assembler,
      int classes) {
    this.trainer = trainer;
    this.config = config;
    this.listener = listener;
    this.assembler = assembler;
    int b = config.batchSize();
    this.stepsPerEpoch = config.stepsPerEpoch(assembler.count());
    this.classes = classes;
    this.imageShape = new Shape(b, assembler.channels(), assembler.rows(), assembler.cols());
    this.pixels = new float[(int) imageShape.size()];
    this.targets = new float[b * classes];
    this.clipper = new GradientClipper(config.clipNorm());
    this.update = Update.of(trainer);
    this.targetWriter =
        (order, first, labels, out) -> {
          for (int i = 0; i < labels.length; i++) {
            SmoothedCrossEntropy.writeTarget(out, i, labels[i], classes, config.labelSmoothing());
          }
        };
  }

  EpochLoop targets(TargetWriter writer) {
    this.update = Update.of(trainer);
    this.targetWriter = writer;
    return this;
  }

  /** Replaces the trainer's optimizer step; the config's clip norm then applies. */
  EpochLoop update(Update value) {
    this.update = value;
    return this;
  }

  EpochLoop distillation(Optional<Distillation> teacher) {
    this.distillation = teacher;
    return this;
  }

  /**
   * Runs epoch {@code epoch} (1-based), stopping early when {@code budgetSeconds} are spent.
   *
   * @param stepsBefore the updates done before this epoch, for the schedule and the ETA
   */
  Outcome run(int epoch, long stepsBefore, double budgetSeconds) {
    int b = config.batchSize();
    int[] order = permutation(assembler.count(), config.seed() * 31 + epoch);
    Random augmentation = new Random(config.seed() * 1_000_003L + epoch);
    double lossSum = 0;
    long correct = 0;
    long start = System.nanoTime();
    double elapsed = 0;
    int s = 0;
    while (s < stepsPerEpoch && elapsed < budgetSeconds) {
      assembler.images(order, s * b, b, augmentation, pixels);
      int[] labels = assembler.labels(order, s * b, b);
      targetWriter.write(order, s * b, labels, targets);
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray x = scope.create(pixels, imageShape);
        distillation.ifPresent(d -> d.blendInto(x, targets));
        NDArray y = scope.create(targets, new Shape(b, classes));
        NDArray loss;
        NDArray logits;
        try (GradientCollector gc = trainer.newGradientCollector()) {
          logits = trainer.forward(new NDList(x)).singletonOrThrow();
          loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
          gc.backward(loss);
        }
        long global = stepsBefore + s + 1;
        float[] stats = readStats(scope, loss, logits, labels);
        if (!Float.isFinite(stats[0])) {
          throw new NonFiniteLossException(stats[0], epoch, s + 1);
        }
        float scale = stats.length > 2 ? clipper.scale(stats[2]) : 1;
        update.step(global, scale);
        lossSum += stats[0];
        correct += (long) stats[1];
      }
      s++;
      elapsed = (System.nanoTime() - start) / 1e9;
      long remainingSteps = (long) config.epochs() * stepsPerEpoch - stepsBefore - s;
      double eta = Math.min(remainingSteps * elapsed / s, budgetSeconds - elapsed);
      listener.onStep(
          new StepProgress(
              epoch,
              config.epochs(),
              s,
              stepsPerEpoch,
              lossSum / s,
              (double) correct / ((long) s * b),
              s * b / elapsed,
              Math.max(0, eta)));
    }
    return new Outcome(s, lossSum / Math.max(1, s), (double) correct / Math.max(1, s * b), elapsed);
  }

  /**
   * The step's loss, correct predictions and (when clipping) gradient norm, in one read back from
   * the device: the step's only synchronisation.
   */
  private float[] readStats(NDManager scope, NDArray loss, NDArray logits, int[] labels) {
    long[] wide = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      wide[i] = labels[i];
    }
    NDArray hits = logits.argMax(1).eq(scope.create(wide)).sum().toType(DataType.FLOAT32, false);
    NDList stats = new NDList(loss.reshape(), hits);
    NDArray norm = update.gradientNorm(scope);
    if (norm != null) {
      stats.add(norm);
    }
    return NDArrays.stack(stats).toFloatArray();
  }

  /** A Fisher-Yates permutation of {@code 0 .. n-1} from a generator with the given seed. */
  static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rng = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
