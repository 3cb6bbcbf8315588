package io.vitstream.cli;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.store.ModelNames;
import io.vitstream.store.ModelStore;
import io.vitstream.training.Distillation;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingRun;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
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

  @Option(
      names = "--hybrid",
      description =
          "ResNet backbone ahead of the ViT (paper 3.1), stem<W>[-<depth>x<width>...]:"
              + " e.g. stem32-1x128 with --patch 1 (a 7x7 token grid at 28 px)")
  String hybrid;

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
    Path dir =
        checkpointDir != null ? checkpointDir : CliPaths.home().resolve("checkpoints/" + outModel);
    String command =
        "vitstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    var settings =
        new TrainingRun.Settings(
            outModel, vit, config, teacherEpochs, distill, threads, dir, resume, command);
    TrainingRun run =
        TrainingRun.load(
            settings,
            dataDir,
            trainLimit == null ? OptionalInt.empty() : OptionalInt.of(trainLimit));
    if (config.batchSize() > run.trainImages()) {
      throw new ParameterException(
          spec.commandLine(),
          "--batch-size "
              + batchSize
              + " is larger than the "
              + run.trainImages()
              + " training images");
    }
    try {
      run.run(modelStore, spec.commandLine().getOut(), new ProgressBar(System.err));
    } catch (RuntimeException e) {
      System.err.println(); // ends the progress bar's line: the error gets one of its own
      throw e;
    }
    return 0;
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
        .hybrid(hybrid == null ? null : HybridBackbone.parse(hybrid))
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
