package io.vitstream.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @Test
  void shouldReadTheTenThousandTestImagesWithTheirLabels() {
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);

    assertThat(test.count()).isEqualTo(10_000);
    assertThat(test.rows()).isEqualTo(28);
    assertThat(test.cols()).isEqualTo(28);
    int[] perClass = new int[FashionMnist.LABELS.size()];
    for (int i = 0; i < test.count(); i++) {
      perClass[test.label(i)]++;
    }
    // The test split is balanced: 1,000 images of each class.
    assertThat(perClass).containsOnly(1000);
    assertThat(Arrays.stream(perClass).sum()).isEqualTo(10_000);
    // The first test image is an ankle boot (label 9), as in the original release.
    assertThat(test.label(0)).isEqualTo(9);
  }

  @Test
  void shouldSayHowToInstallWhenTheFilesAreMissing(@TempDir Path empty) {
    assertThatThrownBy(() -> FashionMnist.load(empty, Split.TRAIN))
        .isInstanceOf(DatasetNotFoundException.class)
        .hasMessageContaining("apt-get install dataset-fashion-mnist")
        .hasMessageContaining(empty.toString())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void shouldKeepOnlyTheFirstImagesWhenLimited() {
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);

    LabeledImages first = test.limit(500);

    assertThat(first.count()).isEqualTo(500);
    assertThat(first.pixel(499, 14, 14)).isEqualTo(test.pixel(499, 14, 14));
    assertThat(first.label(499)).isEqualTo(test.label(499));
  }
}
