package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bicubic resizing of the position embeddings, and models at another resolution. */
class PositionInterpolationTest {
  private static final ViTConfig CONFIG =
      ViTConfig.builder()
          .imageSize(32)
          .patchSize(4)
          .channels(3)
          .width(32)
          .depth(2)
          .heads(4)
          .numClasses(7)
          .build();

  private NDManager manager;

  @BeforeEach
  void setUp() {
    Djl.ensureConfigured();
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  @ParameterizedTest
  @CsvSource({"8, 12", "12, 8", "14, 16", "7, 7", "2, 9", "1, 3"})
  void shouldMakeInterpolationWeightsThatSumToOne(int in, int out) {
    // Given / When the 1-D bicubic matrix from a grid of `in` to `out`
    float[] w = PositionEmbeddings.matrix(in, out, manager).toFloatArray();

    // Then every output row is a weighted average of the inputs
    for (int o = 0; o < out; o++) {
      double sum = 0;
      for (int i = 0; i < in; i++) {
        sum += w[o * in + i];
      }
      assertThat(sum).as("row %d of %d -> %d", o, in, out).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void shouldKeepPositionEmbeddingsWhenTheGridDoesNotChange() {
    // Given (1, 1 + 8x8, D) position embeddings
    NDArray pos = Seeded.normal(manager, new Shape(1, 65, 32), 1);

    // When they are resized from 8x8 to 8x8
    NDArray same = PositionEmbeddings.resize(pos, 8, 8, 8, manager);

    // Then nothing changes
    assertThat(Tensors.maxAbsDiff(same, pos)).isZero();
  }

  @Test
  void shouldKeepTheClassPositionAndResizeTheGrid() {
    // Given (1, 1 + 8x8, D) position embeddings
    NDArray pos = Seeded.normal(manager, new Shape(1, 65, 32), 2);

    // When they are resized to 12x6
    NDArray resized = PositionEmbeddings.resize(pos, 8, 12, 6, manager);

    // Then the [class] position is untouched and the grid has 12x6 positions
    assertThat(resized.getShape()).isEqualTo(new Shape(1, 1 + 72, 32));
    assertThat(Tensors.maxAbsDiff(resized.get(":, 0:1, :"), pos.get(":, 0:1, :"))).isZero();
  }

  @Test
  void shouldResizeAModelSoThatItComputesWhatTheOriginalInterpolatesOnTheFly() {
    // Given a model at 32 px (8x8 patches) with seeded weights, and images at 48 px
    try (VitModel original = VitModel.create(CONFIG, Device.cpu(), Precision.FP32)) {
      Seeded.weights(original, 3);
      NDArray images = Seeded.normal(manager, new Shape(2, 3, 48, 48), 4);

      // When it is resized to 48 px (12x12 patches)
      try (VitModel resized = original.resizedTo(48);
          NDManager batch = original.newBatchManager()) {
        NDArray expectedPos =
            PositionEmbeddings.resize(
                original.parameters().get("pos_embed").getArray(), 8, 12, 12, batch);
        NDArray onTheFly = original.forward(images, ActivationSink.NONE);
        NDArray native48 = resized.forward(images, ActivationSink.NONE);

        // Then its config and pos_embed are the resized ones, the rest is copied, and its
        // forward at 48 px equals the original's forward with interpolation on the fly
        assertThat(resized.config()).isEqualTo(CONFIG.withImageSize(48));
        NDArray pos = resized.parameters().get("pos_embed").getArray();
        assertThat(pos.getShape()).isEqualTo(new Shape(1, 145, 32));
        assertThat(Tensors.maxAbsDiff(pos, expectedPos)).isZero();
        assertThat(
                Tensors.maxAbsDiff(
                    resized.parameters().get("blocks.1.mlp.fc2.weight").getArray(),
                    original.parameters().get("blocks.1.mlp.fc2.weight").getArray()))
            .isZero();
        double diff = Tensors.maxAbsDiff(native48, onTheFly);
        System.out.printf("resized model vs on-the-fly interpolation: max |diff| %.3e%n", diff);
        assertThat(diff).isLessThan(1e-5);
      }
    }
  }

  @Test
  void shouldRefuseAnImageThatIsNotAMultipleOfThePatchSize() {
    // Given a model with 4-pixel patches
    try (VitModel model = VitModel.create(CONFIG, Device.cpu(), Precision.FP32)) {
      NDArray images = manager.zeros(new Shape(1, 3, 30, 32));

      // When / Then a 30x32 image and a resize to 30 px are refused, saying why
      assertThatThrownBy(() -> model.forward(images, ActivationSink.NONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("image size 30x32 must be a multiple of patch size 4");
      assertThatThrownBy(() -> model.resizedTo(30))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("image size 30 must be divisible by patch size 4");
    }
  }
}
