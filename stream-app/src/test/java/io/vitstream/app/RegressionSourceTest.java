package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.testing.IdxFiles;
import io.vitstream.testing.TestImages;
import io.vitstream.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegressionSourceTest {
  private static final List<String> OTHER = List.of("cat", "dog");

  @Test
  void shouldParseEachForm() {
    assertThat(RegressionSource.parse("fashion-mnist"))
        .isEqualTo(new RegressionSource.FashionMnistTest(FashionMnist.DEFAULT_DIR));
    assertThat(RegressionSource.parse("fashion-mnist:/data/fm"))
        .isEqualTo(new RegressionSource.FashionMnistTest(Path.of("/data/fm")));
    assertThat(RegressionSource.parse("idx:/d/x.gz, /d/y.gz"))
        .isEqualTo(new RegressionSource.Idx(Path.of("/d/x.gz"), Path.of("/d/y.gz")));
    assertThat(RegressionSource.parse("folder:/d/pets"))
        .isEqualTo(new RegressionSource.Folder(Path.of("/d/pets")));
  }

  @Test
  void shouldRefuseABadSourceInOneLine() {
    for (String bad : List.of("imagenet", "idx:/only-one.gz", "folder:", "idx:a,b,c")) {
      assertThatThrownBy(() -> RegressionSource.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("feedback.regression.source=" + bad + ": expected " + RegressionSource.FORMS);
    }
    // and at start-up, as one line among the config errors
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Optional.empty(), Map.of(FeedbackKeys.REGRESSION_SOURCE.name(), "imagenet")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "feedback.regression.source=imagenet: must be " + RegressionSource.FORMS);
  }

  @Test
  void shouldBeConfigurationWithNothingByDefault() {
    assertThat(AppConfig.defaults().feedback().regressionSource()).isEmpty();
    var c = AppConfig.load(Optional.empty(), Map.of("feedback.regression.source", "folder:/x"));
    assertThat(c.feedback().regressionSource())
        .hasValue(new RegressionSource.Folder(Path.of("/x")));
  }

  @Test
  void shouldDefaultToFashionMnistOnlyForAModelWithItsLabels() {
    assertThat(RegressionSource.forModel(Optional.empty(), FashionMnist.LABELS))
        .isEqualTo(new RegressionSource.FashionMnistTest(FashionMnist.DEFAULT_DIR));
    var folder = new RegressionSource.Folder(Path.of("/pets"));
    assertThat(RegressionSource.forModel(Optional.of(folder), OTHER)).isEqualTo(folder);
    assertThatThrownBy(() -> RegressionSource.forModel(Optional.empty(), OTHER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("feedback.enabled=true needs feedback.regression.source")
        .hasMessageNotContaining("\n");
  }

  @Test
  void shouldLoadTheLastThousandFashionMnistTestImages() {
    LabeledImages set =
        RegressionSource.parse("fashion-mnist")
            .load(FashionMnist.LABELS, Preprocessing.fashionMnist());
    assertThat(set.count()).isEqualTo(RegressionSource.FASHION_MNIST_SIZE);
    assertThat(set.shape()).isEqualTo("28x28x1");
    assertThatThrownBy(
            () ->
                RegressionSource.parse("fashion-mnist")
                    .load(TinyModels.COLOURS, TinyModels.RGB_PREPROCESSING))
        .hasMessageContaining("does not fit a model labelled");
  }

  @Test
  void shouldLoadAnIdxPairAtTheModelsGeometry(@TempDir Path dir) throws IOException {
    // Given three 4x4 gray images labelled 0, 1, 2
    Path images = dir.resolve("x.gz");
    Path labels = dir.resolve("y.gz");
    IdxFiles.write(images, new int[] {3, 4, 4}, new byte[48]);
    IdxFiles.write(labels, new int[] {3}, new byte[] {0, 1, 2});

    // When loaded for the tiny RGB model (16x16x3)
    LabeledImages set =
        new RegressionSource.Idx(images, labels)
            .load(TinyModels.COLOURS, TinyModels.RGB_PREPROCESSING);

    // Then they come resized and in three channels, with their labels
    assertThat(set.count()).isEqualTo(3);
    assertThat(set.shape()).isEqualTo("16x16x3");
    assertThat(set.labels()).containsExactly(0, 1, 2);
    assertThatThrownBy(() -> new RegressionSource.Idx(images, labels).load(OTHER, rgb()))
        .hasMessageContaining("has label 2; the model has 2 classes");
  }

  @Test
  void shouldLoadALabelledFolderMatchingSubFoldersToTheModelsLabels(@TempDir Path dir)
      throws IOException {
    // Given png images in blue/ and red/
    Files.createDirectories(dir.resolve("blue"));
    Files.createDirectories(dir.resolve("red"));
    Files.write(dir.resolve("blue/a.png"), TestImages.png(20, 20, 1));
    Files.write(dir.resolve("red/b.png"), TestImages.png(20, 20, 2));
    Files.write(dir.resolve("red/c.png"), TestImages.png(20, 20, 3));

    // When loaded for the tiny RGB model
    LabeledImages set =
        new RegressionSource.Folder(dir).load(TinyModels.COLOURS, TinyModels.RGB_PREPROCESSING);

    // Then each image has its folder's label index, at the model's geometry
    assertThat(set.count()).isEqualTo(3);
    assertThat(set.shape()).isEqualTo("16x16x3");
    assertThat(set.labels()).containsExactly(2, 0, 0); // blue, red, red (sorted by path)

    // And a sub-folder that names no label is refused
    assertThatThrownBy(() -> new RegressionSource.Folder(dir).load(OTHER, rgb()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no label of the model");
    assertThatThrownBy(() -> new RegressionSource.Folder(dir.resolve("none")).load(OTHER, rgb()))
        .hasMessageContaining("does not exist");
  }

  private static Preprocessing rgb() {
    return TinyModels.RGB_PREPROCESSING;
  }
}
