package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.chart.Charts;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Pngs;
import io.vitstream.vit.HybridBackbone;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {
  @TempDir Path dir;

  private static String[] tinyDistilledRun(Path dir, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--dataset",
                "fashion-mnist",
                "--train-limit",
                "256",
                "--eval-limit",
                "64",
                "--batch-size",
                "32",
                "--patch",
                "7",
                "--width",
                "32",
                "--depth",
                "2",
                "--heads",
                "2",
                "--teacher-epochs",
                "1",
                "--store",
                dir.resolve("store").toString(),
                "--checkpoint-dir",
                dir.resolve("ck").toString(),
                "--out-model",
                "tiny"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void shouldTrainATeacherThenDistilAndReuseTheTeacherOnResume() {
    // When a run with a teacher trains one epoch, then resumes for a second
    CliRun first = CliRun.of(tinyDistilledRun(dir, "--epochs", "1"));
    CliRun resumed = CliRun.of(tinyDistilledRun(dir, "--epochs", "2", "--resume"));

    // Then the first trains and saves the teacher, and the resume loads it instead of retraining
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .containsPattern("teacher: 1 epochs in \\d+ s, test accuracy 0\\.\\d{4}")
        .contains("published tiny:1");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("teacher: loaded from " + dir.resolve("ck").resolve("teacher"))
        .contains("trained 2 epochs")
        .contains("published tiny:2");
    // And the resumed version's provenance lists both commands that trained it, oldest first
    String command =
        ModelStore.open(dir.resolve("store")).manifest("tiny", 2).provenance().command();
    assertThat(command.lines().toList())
        .hasSize(2)
        .satisfies(c -> assertThat(c.get(0)).contains("--epochs 1").doesNotContain("--resume"))
        .satisfies(c -> assertThat(c.get(1)).endsWith("--epochs 2 --resume"));
  }

  @Test
  void shouldTrainAndPublishAHybridWhoseTokensComeFromAResNetStem() {
    // When a short run trains a hybrid: a 32-channel stem and one bottleneck ahead of the ViT
    CliRun run =
        CliRun.of(
            with(
                with(
                    tinyDistilledRun(dir, "--epochs", "1", "--hybrid", "stem32-1x128"),
                    "--teacher-epochs",
                    "0"),
                "--patch",
                "1"));

    // Then the published version is that hybrid, with a 7x7 token grid, and it loads again
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("published tiny:1");
    ModelStore store = ModelStore.open(dir.resolve("store"));
    var vit = store.manifest("tiny", 1).vit();
    assertThat(vit.hybrid()).isEqualTo(HybridBackbone.parse("stem32-1x128"));
    assertThat(vit.gridSize()).isEqualTo(7);
  }

  @Test
  void shouldRefuseABadHybridSpecInOneLine() {
    // When / Then a backbone spec that is not stem<W>[-<depth>x<width>...] is refused before
    // training
    CliRun run = CliRun.of(tinyDistilledRun(dir, "--epochs", "1", "--hybrid", "resnet50"));
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().lines().filter(l -> l.contains("hybrid backbone 'resnet50'"))).hasSize(1);
    assertThat(dir.resolve("store").resolve("tiny")).doesNotExist();
  }

  @Test
  void shouldPlotLossAndAccuracyPerEpochBesideTheCheckpoint() throws Exception {
    // When a short run trains one epoch without a teacher
    CliRun run = CliRun.of(with(tinyDistilledRun(dir, "--epochs", "1"), "--teacher-epochs", "0"));

    // Then it names the plot, a PNG of two charts (loss; train and test accuracy) beside state.json
    assertThat(run.exitCode()).as(run.err()).isZero();
    Path plot = dir.resolve("ck").resolve("training.png");
    assertThat(run.out()).contains("plot: " + plot);
    assertThat(dir.resolve("ck").resolve("state.json")).isRegularFile();
    BufferedImage img = Pngs.read(plot, 1200, 450);
    int blue = Pngs.rgb(Charts.SERIES_COLORS.get(0));
    int red = Pngs.rgb(Charts.SERIES_COLORS.get(1));
    assertThat(Pngs.colours(img, 0, 600)).hasSizeGreaterThan(20).contains(blue);
    assertThat(Pngs.colours(img, 600, 1200)).contains(blue, red);
  }

  @Test
  void shouldRefuseABadDistillationWeightInOneLineBeforeTraining() {
    CliRun run = CliRun.of(tinyDistilledRun(dir, "--distill", "1.5"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().strip()).isEqualTo("vitstream: --distill must be in (0, 1], got 1.5");
    assertThat(dir.resolve("ck")).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0     | vitstream: --batch-size must be in [1, 8192], got 0 (see --help)",
        "-4    | vitstream: --batch-size must be in [1, 8192], got -4 (see --help)",
        "9000  | vitstream: --batch-size must be in [1, 8192], got 9000 (see --help)",
        "512   | vitstream: --batch-size 512 is larger than the 256 training images (see --help)"
      })
  void shouldRefuseAnAbsurdBatchSizeInOneLineBeforeTraining(String batch, String error) {
    // When a run asks for a batch size that cannot train (tinyDistilledRun limits to 256 images)
    CliRun run = CliRun.of(with(tinyDistilledRun(dir), "--batch-size", batch));

    // Then it exits with the usage code and one line, and no checkpoint or version was made
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo(error);
    assertThat(dir.resolve("ck")).doesNotExist();
    assertThat(dir.resolve("store")).doesNotExist();
  }

  @Test
  void shouldStopInOneLineWhenTheLossBecomesNaN() {
    // When a run's learning rate is absurd
    CliRun run =
        CliRun.of(
            with(tinyDistilledRun(dir, "--epochs", "1", "--lr", "1e30"), "--teacher-epochs", "0"));

    // Then it fails with one line naming the loss, and publishes nothing
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).containsPattern("^vitstream: the loss is (NaN|-?Infinity) at epoch 1");
    assertThat(ModelStore.open(dir.resolve("store")).versions("tiny")).isEmpty();
  }

  /** The arguments with {@code option}'s value replaced. */
  private static String[] with(String[] args, String option, String value) {
    String[] out = args.clone();
    out[List.of(args).indexOf(option) + 1] = value;
    return out;
  }
}
