package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelCandidate;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelNames;
import io.vitstream.store.ModelStore;
import io.vitstream.training.ConvTeacher;
import io.vitstream.training.Distillation;
import io.vitstream.training.EpochResult;
import io.vitstream.training.TeacherTrainer;
import io.vitstream.training.TrainingCheckpoint;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingResult;
import io.vitstream.training.VitTrainer;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import io.vitstream.vit.VitModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vitstream train}: trains a ViT on Fashion-MNIST and publishes it to the model store. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a ViT on Fashion-MNIST and publish it as a new model version.")
final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dataset", required = true, description = "data set: fashion-mnist")
  String dataset;

  @Option(names = "--data-dir", description = "folder of the IDX files (Debian's by default)")
  Path dataDir = FashionMnist.DEFAULT_DIR;

  @Option(names = "--variant", description = "timm name at 28 px, e.g. vit_tiny_patch14_28")
  String variant;

  @Option(names = "--patch", defaultValue = "7", description = "patch size (7)")
  int patch;

  @Option(names = "--width", defaultValue = "64", description = "embedding width D (64)")
  int width;

  @Option(names = "--depth", defaultValue = "4", description = "encoder blocks (4)")
  int depth;

  @Option(names = "--heads", defaultValue = "4", description = "attention heads (4)")
  int heads;

  @Option(names = "--mlp-ratio", defaultValue = "2", description = "MLP size / width (2)")
  int mlpRatio;

  @Option(names = "--dropout", defaultValue = "0", description = "dropout rate (0)")
  float dropout;

  @Option(names = "--epochs", defaultValue = "22", description = "epochs (22)")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128", description = "batch size (128)")
  int batchSize;

  @Option(names = "--lr", defaultValue = "2e-3", description = "peak learning rate (2e-3)")
  float lr;

  @Option(names = "--weight-decay", defaultValue = "0.05", description = "AdamW decay (0.05)")
  float weightDecay;

  @Option(names = "--warmup-epochs", defaultValue = "1", description = "warm-up epochs (1)")
  float warmupEpochs;

  @Option(
      names = "--label-smoothing",
      defaultValue = "0",
      description = "target mass spread over all classes (0; 0.1 cost 5 points here)")
  float labelSmoothing;

  @Option(
      names = "--crop-padding",
      defaultValue = "1",
      description = "random-crop padding in pixels, 0 for no crop (1)")
  int cropPadding;

  @Option(
      names = "--flip",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "random horizontal flip (--no-flip to turn off)")
  boolean flip;

  @Option(
      names = "--teacher-epochs",
      defaultValue = "0",
      description = "first train a small convnet teacher this long and distil from it (0: none)")
  int teacherEpochs;

  @Option(
      names = "--distill",
      defaultValue = "0.5",
      description = "the teacher's share of each training target (0.5)")
  float distill;

  @Option(names = "--seed", defaultValue = "42", description = "random seed (42)")
  long seed;

  @Option(names = "--max-minutes", description = "stop training after this many minutes")
  Double maxMinutes;

  @Option(names = "--eval-limit", defaultValue = "10000", description = "test images per epoch")
  int evalLimit;

  @Option(names = "--train-limit", description = "use only the first N training images")
  Integer trainLimit;

  @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (2)")
  int threads;

  @Option(names = "--checkpoint-dir", description = "checkpoint folder (checkpoints/<model>)")
  Path checkpointDir;

  @Option(names = "--resume", description = "continue from the checkpoint folder")
  boolean resume;

  @Option(names = "--out-model", defaultValue = "fashion-mnist", description = "model name")
  String outModel;

  @Mixin StoreOption store;

  @Override
  public Integer call() {
    if (!dataset.equals(FashionMnist.NAME)) {
      throw new IllegalArgumentException("unknown dataset '" + dataset + "': fashion-mnist");
    }
    ModelNames.check(outModel);
    if (teacherEpochs < 0) {
      throw new IllegalArgumentException(
          "--teacher-epochs must be 0 or more, got " + teacherEpochs);
    }
    Distillation.checkWeight("--distill", distill);
    ViTConfig vit = geometry();
    TrainingConfig config = trainingConfig();
    ModelStore modelStore = store.open();
    LabeledImages train = FashionMnist.load(dataDir, Split.TRAIN);
    LabeledImages test = FashionMnist.load(dataDir, Split.TEST);
    if (trainLimit != null) {
      train = train.limit(trainLimit);
    }
    if (config.batchSize() > train.count()) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch-size "
              + batchSize
              + " is larger than the "
              + train.count()
              + " training images");
    }
    Preprocessing preprocessing = Preprocessing.fashionMnist();
    Djl.setIntraOpThreads(threads);
    Djl.setSeed(seed);
    PrintWriter out = spec.commandLine().getOut();
    Path dir =
        checkpointDir != null ? checkpointDir : CliPaths.home().resolve("checkpoints/" + outModel);
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(dir);
    if (!resume) {
      CliPaths.deleteCheckpoint(dir);
    }
    String command =
        "vitstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    List<String> commands = CommandLog.append(dir, command);
    try (VitModel model = VitModel.create(vit, Device.cpu(), Precision.FP32);
        ConvTeacher teacher =
            teacherEpochs == 0
                ? null
                : ConvTeacher.create(Device.cpu(), 1, vit.imageSize(), vit.numClasses())) {
      out.printf(
          Locale.ROOT,
          "training %s: %s, %,d parameters, %d threads%n",
          outModel,
          vit,
          model.parameterCount(),
          threads);
      out.flush();
      VitTrainer trainer = new VitTrainer(config, new ProgressBar(System.err));
      double teacherSeconds = 0;
      if (teacher != null) {
        teacherSeconds =
            teacher(teacher, config, dir.resolve("teacher"), train, test, preprocessing, out);
        trainer = trainer.distilledFrom(new Distillation(teacher, distill));
      }
      TrainingResult result;
      try {
        result = trainer.fit(model, train, test, preprocessing, Optional.of(checkpoint));
      } catch (RuntimeException e) {
        System.err.println(); // ends the progress bar's line: the error gets one of its own
        throw e;
      }
      out.printf(
          Locale.ROOT,
          "trained %d epochs in %.0f s: test accuracy %.4f%n",
          result.epochs(),
          result.trainingSeconds(),
          result.finalEvaluation().accuracy());
      int version =
          modelStore.publish(outModel, model, candidate(result, config, teacherSeconds, commands));
      out.printf(Locale.ROOT, "published %s:%d in %s%n", outModel, version, modelStore.root());
      if (modelStore.promoted(outModel).isEmpty()) {
        modelStore.promote(outModel, version);
        out.printf(Locale.ROOT, "promoted %s:%d (the model's first version)%n", outModel, version);
      } else {
        out.printf(
            Locale.ROOT, "not promoted; run: vitstream model promote %s:%d%n", outModel, version);
      }
    }
    return 0;
  }

  /** Trains the teacher, or loads it on a resume; returns the seconds its training took. */
  private double teacher(
      ConvTeacher teacher,
      TrainingConfig student,
      Path dir,
      LabeledImages train,
      LabeledImages test,
      Preprocessing preprocessing,
      PrintWriter out) {
    if (resume && TeacherRecord.savedIn(dir)) {
      teacher.load(dir);
      TeacherRecord saved = TeacherRecord.read(dir);
      out.printf(Locale.ROOT, "teacher: loaded from %s (%s)%n", dir, saved);
      out.flush();
      return saved.seconds();
    }
    long start = System.nanoTime();
    double accuracy =
        new TeacherTrainer(
                TeacherTrainer.recipe(student, teacherEpochs), new ProgressBar(System.err))
            .fit(teacher, train, test, preprocessing);
    TeacherRecord record =
        new TeacherRecord(teacherEpochs, (System.nanoTime() - start) / 1e9, accuracy);
    teacher.save(dir);
    record.write(dir);
    out.printf(Locale.ROOT, "teacher: %s%n", record);
    out.flush();
    return record.seconds();
  }

  private ModelCandidate candidate(
      TrainingResult result, TrainingConfig config, double teacherSeconds, List<String> commands) {
    Evaluation e = result.finalEvaluation();
    double cumulative = 0;
    List<ModelManifest.CurvePoint> curve = new ArrayList<>();
    for (EpochResult r : result.history()) {
      cumulative += r.seconds();
      curve.add(
          new ModelManifest.CurvePoint(
              r.epoch(), r.trainLoss(), r.trainAccuracy(), r.testAccuracy(), cumulative));
    }
    ModelManifest.Metrics metrics =
        new ModelManifest.Metrics(
            e.accuracy(), e.count(), e.perClassAccuracy(), e.confusion(), curve);
    ModelManifest.Provenance provenance =
        new ModelManifest.Provenance(
            FashionMnist.NAME,
            result.epochs(),
            config.seed(),
            String.join("\n", commands),
            Math.round((result.trainingSeconds() + teacherSeconds) * 10) / 10.0,
            "none");
    return new ModelCandidate(
        FashionMnist.LABELS, Preprocessing.fashionMnist(), metrics, provenance, 0);
  }

  private ViTConfig geometry() {
    if (variant != null) {
      return ViTVariants.config(variant, FashionMnist.LABELS.size()).toBuilder()
          .channels(1)
          .dropout(dropout)
          .build();
    }
    return ViTConfig.builder()
        .imageSize(28)
        .channels(1)
        .patchSize(patch)
        .width(width)
        .depth(depth)
        .heads(heads)
        .mlpSize(mlpRatio * width)
        .numClasses(FashionMnist.LABELS.size())
        .dropout(dropout)
        .build();
  }

  /** The recipe from the options; a value out of range is a usage error, as a bad option is. */
  private TrainingConfig trainingConfig() {
    if (batchSize < 1 || batchSize > TrainingConfig.MAX_BATCH_SIZE) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch-size must be in [1, " + TrainingConfig.MAX_BATCH_SIZE + "], got " + batchSize);
    }
    TrainingConfig.Builder b =
        TrainingConfig.builder()
            .epochs(epochs)
            .batchSize(batchSize)
            .learningRate(lr)
            .weightDecay(weightDecay)
            .warmupEpochs(warmupEpochs)
            .labelSmoothing(labelSmoothing)
            .cropPadding(cropPadding)
            .flip(flip)
            .seed(seed)
            .evalLimit(evalLimit);
    if (maxMinutes != null) {
      b.timeLimit(Duration.ofMillis((long) (maxMinutes * 60_000)));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
