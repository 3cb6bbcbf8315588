package io.vitstream.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.VitModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;

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
   * @param preprocessing the normalisation (one channel)
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
    int stepsPerEpoch = train.count() / config.batchSize();
    if (stepsPerEpoch == 0) {
      throw new IllegalArgumentException(
          train.count() + " training images do not fill one batch of " + config.batchSize());
    }
    Djl.setSeed(config.seed());
    // Outside the gradient collector no graph is recorded (the weight decay works in place).
    Djl.disableGradOnThisThread();
    TrainingState state =
        checkpoint.flatMap(c -> c.restore(model, config)).orElse(TrainingState.fresh());
    long totalSteps = (long) config.epochs() * stepsPerEpoch;
    WarmupCosineSchedule schedule =
        new WarmupCosineSchedule(
            config.learningRate(),
            config.minLearningRate(),
            Math.round(config.warmupEpochs() * stepsPerEpoch),
            totalSteps,
            state.step());
    DefaultTrainingConfig djlConfig =
        new DefaultTrainingConfig(new SmoothedCrossEntropy())
            .optDevices(new Device[] {model.device()})
            .optOptimizer(config.optimizer().build(schedule));
    Evaluator evaluator = new Evaluator(EVAL_BATCH);
    LabeledImages testSubset = test.limit(config.evalLimit());
    BatchAssembler assembler =
        new BatchAssembler(train, preprocessing, config.cropPadding(), config.flip());
    List<EpochResult> history = new ArrayList<>(state.history());
    double seconds = state.trainingSeconds();
    long step = state.step();
    boolean stopped = false;
    try (Trainer trainer = model.djlModel().newTrainer(djlConfig)) {
      EpochLoop loop = new EpochLoop(trainer, model, assembler, targets, stepsPerEpoch, schedule);
      for (int epoch = state.epoch() + 1; epoch <= config.epochs() && !stopped; epoch++) {
        double budget = config.timeLimit().toMillis() / 1000.0 - seconds;
        EpochLoop.Outcome out = loop.run(epoch, step, seconds, budget);
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

  /** The steps of one epoch. */
  private final class EpochLoop {
    private final Trainer trainer;
    private final Collection<Parameter> parameters;
    private final BatchAssembler assembler;
    private final int stepsPerEpoch;
    private final WarmupCosineSchedule schedule;
    private final GradientClipper clipper;
    private final DecoupledWeightDecay decay;
    private final int classes;
    private final Shape imageShape;
    private final float[] pixels;
    private final float[] targets;
    private final Optional<SoftTargets> softTargets;

    EpochLoop(
        Trainer trainer,
        VitModel model,
        BatchAssembler assembler,
        Optional<SoftTargets> softTargets,
        int stepsPerEpoch,
        WarmupCosineSchedule schedule) {
      this.trainer = trainer;
      this.parameters = model.parameters().values();
      this.assembler = assembler;
      this.stepsPerEpoch = stepsPerEpoch;
      this.schedule = schedule;
      this.clipper = new GradientClipper(config.clipNorm());
      this.decay = new DecoupledWeightDecay(model.parameters(), config.weightDecay());
      this.classes = model.config().numClasses();
      int size = model.config().imageSize();
      int b = config.batchSize();
      this.imageShape = new Shape(b, model.config().channels(), size, size);
      this.pixels = new float[(int) imageShape.size()];
      this.targets = new float[b * classes];
      this.softTargets = softTargets;
    }

    record Outcome(int steps, double loss, double accuracy, double seconds) {}

    Outcome run(int epoch, long stepsBefore, double secondsBefore, double budgetSeconds) {
      int b = config.batchSize();
      int[] order = permutation(epoch);
      Random augmentation = new Random(config.seed() * 1_000_003L + epoch);
      double lossSum = 0;
      long correct = 0;
      long start = System.nanoTime();
      double elapsed = 0;
      int s = 0;
      while (s < stepsPerEpoch && elapsed < budgetSeconds) {
        assembler.images(order, s * b, b, augmentation, pixels);
        int[] labels = assembler.labels(order, s * b, b);
        for (int i = 0; i < b; i++) {
          if (softTargets.isPresent()) {
            softTargets.get().copyRow(order[s * b + i], targets, i);
          } else {
            SmoothedCrossEntropy.writeTarget(
                targets, i, labels[i], classes, config.labelSmoothing());
          }
        }
        try (NDManager scope = trainer.getManager().newSubManager()) {
          NDArray x = scope.create(pixels, imageShape);
          distillation.ifPresent(d -> d.blendInto(x, targets));
          NDArray y = scope.create(targets, new Shape(b, classes));
          long[] predicted;
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
            gc.backward(loss);
            lossSum += loss.getFloat();
            predicted = logits.argMax(1).toLongArray();
          }
          clipper.clip(parameters);
          decay.apply(schedule.at(stepsBefore + s + 1));
          trainer.step();
          for (int i = 0; i < b; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
          }
        }
        s++;
        elapsed = (System.nanoTime() - start) / 1e9;
        long remainingSteps = (long) config.epochs() * stepsPerEpoch - stepsBefore - s;
        double perStep = elapsed / s;
        double eta = Math.min(remainingSteps * perStep, budgetSeconds - elapsed);
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
      return new Outcome(
          s, lossSum / Math.max(1, s), (double) correct / Math.max(1, s * b), elapsed);
    }

    private int[] permutation(int epoch) {
      return VitTrainer.permutation(assembler.count(), config.seed() * 31 + epoch);
    }
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
