package io.vitstream.training;

import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;

/**
 * Trains a {@link ConvTeacher} with the student's {@link EpochLoop}: Adam with L2 decay, linear
 * warm-up then cosine decay, and the same crop and flip augmentation as the student. A convnet with
 * BatchNorm needs no clipping and no checkpoint per epoch: it trains in minutes.
 */
public final class TeacherTrainer {
  private final TrainingConfig config;
  private final TrainingListener listener;

  /**
   * @param config epochs, batch size, peak learning rate, warm-up, L2 weight decay, augmentation,
   *     label smoothing and seed are used; the optimizer kind and clipping are not
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
    int stepsPerEpoch = config.stepsPerEpoch(train.count());
    Djl.setSeed(config.seed());
    Djl.disableGradOnThisThread();
    WarmupCosineSchedule schedule = WarmupCosineSchedule.of(config, stepsPerEpoch, 0);
    DefaultTrainingConfig djlConfig =
        new DefaultTrainingConfig(new SmoothedCrossEntropy())
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(schedule)
                    .optWeightDecays(config.weightDecay())
                    .build());
    BatchAssembler assembler =
        new BatchAssembler(train, preprocessing, config.cropPadding(), config.flip());
    Evaluator evaluator = new Evaluator(256);
    LabeledImages testSubset = test.limit(config.evalLimit());
    try (Trainer trainer = teacher.djlModel().newTrainer(djlConfig)) {
      EpochLoop loop = new EpochLoop(trainer, config, listener, assembler, teacher.numClasses());
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        EpochLoop.Outcome out =
            loop.run(epoch, (long) (epoch - 1) * stepsPerEpoch, Double.POSITIVE_INFINITY);
        double accuracy = evaluator.evaluate(teacher, testSubset, preprocessing).accuracy();
        listener.onEpoch(
            new EpochResult(
                epoch,
                out.steps(),
                out.loss(),
                out.accuracy(),
                accuracy,
                schedule.at((long) epoch * stepsPerEpoch),
                out.seconds()));
      }
    }
    return evaluator.evaluate(teacher, test, preprocessing).accuracy();
  }
}
