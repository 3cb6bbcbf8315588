package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassifyCommandTest {
  private static final int IMAGES = 20;

  static Path writePng(LabeledImages data, int i, Path dir) throws IOException {
    BufferedImage img = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < data.rows(); y++) {
      for (int x = 0; x < data.cols(); x++) {
        img.getRaster().setSample(x, y, 0, data.pixel(i, y, x));
      }
    }
    Path file = dir.resolve("test-" + i + ".png");
    assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
    return file;
  }

  /** The first label of a line {@code path: label score, label score, ...}. */
  private static String topLabel(String line) {
    String first = line.substring(line.indexOf(": ") + 2).split(", ")[0];
    return first.substring(0, first.lastIndexOf(' '));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fashion-mnist", "fashion-mnist-hybrid"})
  void shouldLabelMostFashionMnistPngsCorrectly(String model, @TempDir Path dir)
      throws IOException {
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    List<String> args =
        new ArrayList<>(
            List.of(
                "classify",
                "--model",
                model,
                "--top-k",
                "3",
                "--store",
                CliRun.shippedStore().toString()));
    for (int i = 0; i < IMAGES; i++) {
      args.add(writePng(test, i, dir).toString());
    }

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(IMAGES);
    int correct = 0;
    for (int i = 0; i < IMAGES; i++) {
      assertThat(lines.get(i)).startsWith(dir.resolve("test-" + i + ".png") + ": ");
      assertThat(lines.get(i).split(", ")).hasSize(3);
      if (topLabel(lines.get(i)).equals(FashionMnist.LABELS.get(test.label(i)))) {
        correct++;
      }
    }
    assertThat(correct).isGreaterThanOrEqualTo(16);
  }

  @Test
  void shouldRejectAFileThatIsNotAnImageInOneLine(@TempDir Path dir) throws IOException {
    Path text = java.nio.file.Files.writeString(dir.resolve("notes.png"), "not a png");

    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            "fashion-mnist",
            "--store",
            CliRun.shippedStore().toString(),
            text.toString());

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).contains("not a PNG or JPEG");
  }

  @Test
  void shouldReportTheImagesBeforeABadFileThenStopInOneLine(@TempDir Path dir) throws IOException {
    // Given a good image, then a missing file, then another good image
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    Path first = writePng(test, 0, dir);
    Path missing = dir.resolve("missing.png");
    Path last = writePng(test, 1, dir);

    // When
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            "fashion-mnist",
            "--store",
            CliRun.shippedStore().toString(),
            first.toString(),
            missing.toString(),
            last.toString());

    // Then the first is classified, the missing one named in one line, and the last never read
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.out().lines().toList()).hasSize(1).allMatch(l -> l.startsWith(first + ": "));
    assertThat(run.err().strip()).endsWith("no such file: " + missing).hasLineCount(1);
  }
}
