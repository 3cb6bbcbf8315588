package io.vitstream.training;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code vitstream train} run on Fashion-MNIST: the data, an optional convnet teacher, the ViT
 * trained with checkpoints and resume, its curves plotted beside the checkpoint and the model
 * published to the store (and promoted when it is the name's first version). Progress lines go to
 * the caller's writer.
 */
public final class TrainingRun {
  static final int PLOT_WIDTH = 1200;
  static final int PLOT_HEIGHT = 450;

  /**
   * What to train and where.
   *
   * @param modelName the store name the model is published under
   * @param vit the model's geometry
   * @param training the recipe
   * @param teacherEpochs epochs of a convnet teacher trained first and distilled from; 0 for none
   * @param distill the teacher's share of each training target (unused without a teacher)
   * @param threads intra-op threads
   * @param checkpoint the checkpoint folder (weights, state, teacher, command log, plot)
   * @param resume continue from the checkpoint rather than start afresh
   * @param command the command line, kept in the model's provenance
   */
  public record Settings(
      String modelName,
      ViTConfig vit,
      TrainingConfig training,
      int teacherEpochs,
      float distill,
      int threads,
      Path checkpoint,
      boolean resume,
      String command) {

    public Settings {
      if (teacherEpochs < 0) {
        throw new IllegalArgumentException(
            "teacher epochs must be 0 or more, got " + teacherEpochs);
      }
      Distillation.checkWeight("distill", distill);
    }
  }

  /**
   * What a run produced.
   *
   * @param result the student's training
   * @param version the published version
   * @param promoted whether it was promoted (the name's first version)
   * @param plot the PNG of its curves
   */
  public record Outcome(TrainingResult result, int version, boolean promoted, Path plot) {}

  private final Settings settings;
  private final LabeledImages train;
  private final LabeledImages test;

  private TrainingRun(Settings settings, LabeledImages train, LabeledImages test) {
    this.settings = settings;
    this.train = train;
    this.test = test;
  }

  /**
   * Loads Fashion-MNIST for a run.
   *
   * @param dataDir the folder of the IDX files
   * @param trainLimit the first N training images only, or empty for all
   */
  public static TrainingRun load(Settings settings, Path dataDir, OptionalInt trainLimit) {
    LabeledImages train = FashionMnist.load(dataDir, Split.TRAIN);
    LabeledImages test = FashionMnist.load(dataDir, Split.TEST);
    if (trainLimit.isPresent()) {
      train = train.limit(trainLimit.getAsInt());
    }
    return new TrainingRun(settings, train, test);
  }

  /** The training images this run uses. */
  public int trainImages() {
    return train.count();
  }

  /**
   * Trains, plots and publishes.
   *
   * @param store where the model is published
   * @param out progress lines
   * @param progress step and epoch progress of the teacher's and the student's training
   */
  public Outcome run(ModelStore store, PrintWriter out, TrainingListener progress) {
    Preprocessing preprocessing = Preprocessing.fashionMnist();
    Djl.setIntraOpThreads(settings.threads());
    Djl.setSeed(settings.training().seed());
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(settings.checkpoint());
    if (!settings.resume()) {
      checkpoint.delete();
    }
    List<String> commands = CommandLog.append(settings.checkpoint(), settings.command());
    ViTConfig vit = settings.vit();
    try (VitModel model = VitModel.create(vit, Device.cpu(), Precision.FP32);
        ConvTeacher teacher =
            settings.teacherEpochs() == 0
                ? null
                : ConvTeacher.create(Device.cpu(), 1, vit.imageSize(), vit.numClasses())) {
      out.printf(
          Locale.ROOT,
          "training %s: %s, %,d parameters, %d threads%n",
          settings.modelName(),
          vit,
          model.parameterCount(),
          settings.threads());
      out.flush();
      VitTrainer trainer = new VitTrainer(settings.training(), progress);
      double teacherSeconds = 0;
      if (teacher != null) {
        teacherSeconds = teacher(teacher, preprocessing, out, progress);
        trainer = trainer.distilledFrom(new Distillation(teacher, settings.distill()));
      }
      TrainingResult result =
          trainer.fit(model, train, test, preprocessing, Optional.of(checkpoint));
      out.printf(
          Locale.ROOT,
          "trained %d epochs in %.0f s: test accuracy %.4f%n",
          result.epochs(),
          result.trainingSeconds(),
          result.finalEvaluation().accuracy());
      Path plot = plot(result);
      out.printf(Locale.ROOT, "plot: %s%n", plot);
      String name = settings.modelName();
      int version =
          store.publish(
              name,
              model,
              TrainedCandidate.of(result, settings.training(), teacherSeconds, commands));
      out.printf(Locale.ROOT, "published %s:%d in %s%n", name, version, store.root());
      boolean first = store.promoted(name).isEmpty();
      if (first) {
        store.promote(name, version);
        out.printf(Locale.ROOT, "promoted %s:%d (the model's first version)%n", name, version);
      } else {
        out.printf(
            Locale.ROOT, "not promoted; run: vitstream model promote %s:%d%n", name, version);
      }
      return new Outcome(result, version, first, plot);
    }
  }

  /** Trains the teacher, or loads it on a resume; returns the seconds its training took. */
  private double teacher(
      ConvTeacher teacher,
      Preprocessing preprocessing,
      PrintWriter out,
      TrainingListener progress) {
    Path dir = settings.checkpoint().resolve("teacher");
    if (settings.resume() && TeacherRecord.savedIn(dir)) {
      teacher.load(dir);
      TeacherRecord saved = TeacherRecord.read(dir);
      out.printf(Locale.ROOT, "teacher: loaded from %s (%s)%n", dir, saved);
      out.flush();
      return saved.seconds();
    }
    long start = System.nanoTime();
    double accuracy =
        new TeacherTrainer(
                TeacherTrainer.recipe(settings.training(), settings.teacherEpochs()), progress)
            .fit(teacher, train, test, preprocessing);
    TeacherRecord record =
        new TeacherRecord(settings.teacherEpochs(), (System.nanoTime() - start) / 1e9, accuracy);
    teacher.save(dir);
    record.write(dir);
    out.printf(Locale.ROOT, "teacher: %s%n", record);
    out.flush();
    return record.seconds();
  }

  private Path plot(TrainingResult result) {
    Path file = settings.checkpoint().resolve(TrainingPlot.FILE_NAME);
    try {
      TrainingPlot.write(result.history(), settings.modelName(), file, PLOT_WIDTH, PLOT_HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }
}
