package io.vitstream.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import java.util.Random;

/**
 * Trains a {@link ConvTeacher}: Adam with L2 decay, linear warm-up then cosine decay, and the same
 * crop and flip augmentation as the student. A convnet with BatchNorm needs no clipping and no
 * checkpoint per epoch: it trains in minutes.
 */
public final class TeacherTrainer {
  private final TrainingConfig config;
  private final TrainingListener listener;

  /**
   * @param config epochs, batch size, peak learning rate, warm-up, L2 weight decay, augmentation
   *     and seed are used; the optimizer kind, clipping and smoothing are not
   */
  public TeacherTrainer(TrainingConfig config, TrainingListener listener) {
    this.config = config;
    this.listener = listener;
  }

  /** The teacher recipe used by {@code vitstream train --teacher-epochs}. */
  public static TrainingConfig recipe(TrainingConfig student, int epochs) {
    return student.toBuilder()
        .epochs(epochs)
        .learningRate(1e-3f)
        .warmupEpochs(0.5f)
        .weightDecay(5e-4f)
        .labelSmoothing(0)
        .build();
  }

  /**
   * Trains {@code teacher} in place and returns its accuracy on {@code test}.
   *
   * @param preprocessing the normalisation (one channel), the student's
   */
  public double fit(
      ConvTeacher teacher, LabeledImages train, LabeledImages test, Preprocessing preprocessing) {
    int b = config.batchSize();
    int stepsPerEpoch = train.count() / b;
    if (stepsPerEpoch == 0) {
      throw new IllegalArgumentException(
          train.count() + " training images do not fill one batch of " + b);
    }
    Djl.setSeed(config.seed());
    Djl.disableGradOnThisThread();
    WarmupCosineSchedule schedule =
        new WarmupCosineSchedule(
            config.learningRate(),
            config.minLearningRate(),
            Math.round(config.warmupEpochs() * stepsPerEpoch),
            (long) config.epochs() * stepsPerEpoch,
            0);
    DefaultTrainingConfig djlConfig =
        new DefaultTrainingConfig(new SmoothedCrossEntropy())
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(schedule)
                    .optWeightDecays(config.weightDecay())
                    .build());
    BatchAssembler assembler =
        new BatchAssembler(train, preprocessing, config.cropPadding(), config.flip());
    int classes = teacher.numClasses();
    Shape shape = new Shape(b, 1, train.rows(), train.cols());
    float[] pixels = new float[(int) shape.size()];
    float[] targets = new float[b * classes];
    Evaluator evaluator = new Evaluator(256);
    LabeledImages testSubset = test.limit(config.evalLimit());
    try (Trainer trainer = teacher.djlModel().newTrainer(djlConfig)) {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        int[] order = VitTrainer.permutation(train.count(), config.seed() * 31 + epoch);
        Random augmentation = new Random(config.seed() * 1_000_003L + epoch);
        double lossSum = 0;
        long correct = 0;
        long start = System.nanoTime();
        for (int s = 0; s < stepsPerEpoch; s++) {
          assembler.images(order, s * b, b, augmentation, pixels);
          int[] labels = assembler.labels(order, s * b, b);
          for (int i = 0; i < b; i++) {
            SmoothedCrossEntropy.writeTarget(targets, i, labels[i], classes, 0);
          }
          try (NDManager scope = trainer.getManager().newSubManager();
              GradientCollector gc = trainer.newGradientCollector()) {
            NDArray x = scope.create(pixels, shape);
            NDArray y = scope.create(targets, new Shape(b, classes));
            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
            gc.backward(loss);
            lossSum += loss.getFloat();
            long[] predicted = logits.argMax(1).toLongArray();
            for (int i = 0; i < b; i++) {
              correct += predicted[i] == labels[i] ? 1 : 0;
            }
          }
          trainer.step();
          double elapsed = (System.nanoTime() - start) / 1e9;
          listener.onStep(
              new StepProgress(
                  epoch,
                  config.epochs(),
                  s + 1,
                  stepsPerEpoch,
                  lossSum / (s + 1),
                  (double) correct / ((long) (s + 1) * b),
                  (s + 1) * b / elapsed,
                  ((long) (config.epochs() - epoch + 1) * stepsPerEpoch - s - 1)
                      * elapsed
                      / (s + 1)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = evaluator.evaluate(teacher, testSubset, preprocessing).accuracy();
        listener.onEpoch(
            new EpochResult(
                epoch,
                stepsPerEpoch,
                lossSum / stepsPerEpoch,
                (double) correct / ((long) stepsPerEpoch * b),
                accuracy,
                schedule.at((long) epoch * stepsPerEpoch),
                seconds));
      }
    }
    return evaluator.evaluate(teacher, test, preprocessing).accuracy();
  }
}
