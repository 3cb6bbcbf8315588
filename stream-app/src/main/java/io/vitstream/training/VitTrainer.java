package io.vitstream.training;

import ai.djl.Device;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.VitModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains a {@link VitModel} classifier with DJL's trainer: AdamW (Adam plus the decoupled weight
 * decay of {@link DecoupledWeightDecay}) or SGD with momentum, linear warm-up then cosine decay,
 * global-norm gradient clipping, label smoothing, random crop and flip augmentation, and optional
 * distillation from a teacher ({@link #distilledFrom}). Each step runs in its own native scope.
 * After each epoch it evaluates on the test images and saves a checkpoint (when given one); a run
 * given an existing checkpoint continues from it.
 *
 * <p>Deterministic for a seed: the engine's seed drives dropout, and per-epoch Java generators
 * drive shuffling and augmentation, so a resumed run sees the same batches as an uninterrupted one.
 * Only one training can run per JVM at a time (DJL allows one gradient collector).
 */
public final class VitTrainer {
  private static final int EVAL_BATCH = 256;

  private final TrainingConfig config;
  private final TrainingListener listener;
  private final Optional<Distillation> distillation;

  public VitTrainer(TrainingConfig config, TrainingListener listener) {
    this(config, listener, Optional.empty());
  }

  private VitTrainer(
      TrainingConfig config, TrainingListener listener, Optional<Distillation> distillation) {
    this.config = config;
    this.listener = listener;
    this.distillation = distillation;
  }

  /** This trainer, with every target blended with a teacher's predictions on the same batch. */
  public VitTrainer distilledFrom(Distillation teacher) {
    return new VitTrainer(config, listener, Optional.of(teacher));
  }

  /**
   * Trains {@code model} in place.
   *
   * @param train training images, the size of the preprocessing
   * @param test held-out images, evaluated after each epoch and at the end
   * @param preprocessing the normalisation (one mean and std per channel of the images)
   * @param checkpoint where to save after every epoch and resume from; empty for none
   */
  public TrainingResult fit(
      VitModel model,
      LabeledImages train,
      LabeledImages test,
      Preprocessing preprocessing,
      Optional<TrainingCheckpoint> checkpoint) {
    return fit(model, train, Optional.empty(), test, preprocessing, checkpoint);
  }

  /**
   * Trains {@code model} in place towards the given probability rows instead of the labels' one-hot
   * (label smoothing does not apply to them); the labels still score training accuracy.
   *
   * @param targets one row per training image, in the same order; empty to use the labels
   */
  public TrainingResult fit(
      VitModel model,
      LabeledImages train,
      Optional<SoftTargets> targets,
      LabeledImages test,
      Preprocessing preprocessing,
      Optional<TrainingCheckpoint> checkpoint) {
    targets.ifPresent(t -> checkTargets(t, train, model));
    int stepsPerEpoch = config.stepsPerEpoch(train.count());
    Djl.setSeed(config.seed());
    // Outside the gradient collector no graph is recorded (the weight decay works in place).
    Djl.disableGradOnThisThread();
    TrainingState state =
        checkpoint.flatMap(c -> c.restore(model, config)).orElse(TrainingState.fresh());
    WarmupCosineSchedule schedule = WarmupCosineSchedule.of(config, stepsPerEpoch, state.step());
    DefaultTrainingConfig djlConfig =
        new DefaultTrainingConfig(new SmoothedCrossEntropy())
            .optDevices(new Device[] {model.device()});
    Evaluator evaluator = new Evaluator(EVAL_BATCH);
    LabeledImages testSubset = test.limit(config.evalLimit());
    BatchAssembler assembler =
        new BatchAssembler(train, preprocessing, config.cropPadding(), config.flip());
    List<EpochResult> history = new ArrayList<>(state.history());
    double seconds = state.trainingSeconds();
    long step = state.step();
    boolean stopped = false;
    try (Trainer trainer = model.djlModel().newTrainer(djlConfig);
        FusedOptimizer optimizer =
            new FusedOptimizer(
                model.parameters(),
                config.optimizer(),
                config.weightDecay(),
                schedule,
                trainer.getManager())) {
      EpochLoop loop =
          new EpochLoop(trainer, config, listener, assembler, model.config().numClasses())
              .update(optimizer)
              .distillation(distillation);
      targets.ifPresent(t -> loop.targets(soft(t)));
      for (int epoch = state.epoch() + 1; epoch <= config.epochs() && !stopped; epoch++) {
        double budget = config.timeLimit().toMillis() / 1000.0 - seconds;
        EpochLoop.Outcome out = loop.run(epoch, step, budget);
        step += out.steps();
        seconds += out.seconds();
        stopped = out.steps() < stepsPerEpoch;
        double testAccuracy = evaluator.evaluate(model, testSubset, preprocessing).accuracy();
        EpochResult result =
            new EpochResult(
                epoch,
                out.steps(),
                out.loss(),
                out.accuracy(),
                testAccuracy,
                schedule.at(step),
                out.seconds());
        history.add(result);
        if (!stopped) { // a checkpoint marks a completed epoch; a resume starts the next one
          TrainingState now = new TrainingState(epoch, step, seconds, history);
          checkpoint.ifPresent(c -> c.save(model, config, now));
        }
        listener.onEpoch(result);
      }
    }
    Evaluation finalEvaluation = evaluator.evaluate(model, test, preprocessing);
    return new TrainingResult(history, finalEvaluation, seconds, stopped);
  }

  private static void checkTargets(SoftTargets t, LabeledImages train, VitModel model) {
    if (t.count() != train.count() || t.classes() != model.config().numClasses()) {
      throw new IllegalArgumentException(
          t.count()
              + " target rows of "
              + t.classes()
              + " classes for "
              + train.count()
              + " images and a "
              + model.config().numClasses()
              + "-class model");
    }
  }

  /** Targets copied from the soft rows of the batch's images. */
  private static EpochLoop.TargetWriter soft(SoftTargets rows) {
    return (order, first, labels, out) -> {
      for (int i = 0; i < labels.length; i++) {
        rows.copyRow(order[first + i], out, i);
      }
    };
  }
}
