package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs that cannot train stop in one line: a loss that is not finite, or a batch that is absurd.
 */
class TrainingFaultTest {
  private static final LabeledImages IMAGES = randomImages(128, 3);

  /** Records every step's loss. */
  private static final class Losses implements TrainingListener {
    final List<Double> seen = new ArrayList<>();

    @Override
    public void onStep(StepProgress p) {
      seen.add(p.loss());
    }
  }

  private static TrainingConfig.Builder config() {
    return TrainingConfig.builder().epochs(2).batchSize(16).warmupEpochs(0).evalLimit(0);
  }

  @Test
  void shouldStopInOneLineWhenAHugeLearningRateMakesTheLossNaN(@TempDir Path dir) {
    // Given a learning rate of 1e30 and a checkpoint folder
    TrainingConfig config = config().learningRate(1e30f).build();
    Losses losses = new Losses();
    Djl.setSeed(5);
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      // When it trains, Then it stops within the first epoch, naming the loss, epoch and step
      assertThatThrownBy(
              () ->
                  new VitTrainer(config, losses)
                      .fit(
                          model,
                          IMAGES,
                          IMAGES,
                          Preprocessing.fashionMnist(),
                          Optional.of(new TrainingCheckpoint(dir))))
          .isInstanceOf(NonFiniteLossException.class)
          .hasMessageMatching("the loss is (NaN|-?Infinity) at epoch 1, step [2-8]; .*")
          .hasMessageContaining("lower the learning rate")
          .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
    }
    // And no step reported a loss that is not finite, and no epoch was checkpointed
    assertThat(losses.seen).isNotEmpty().allMatch(Double::isFinite);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void shouldStopAtTheFirstStepWhenTheInputIsNotFinite() {
    // Given a preprocessing whose std of 0 turns every pixel into an infinity
    Preprocessing divideByZero = new Preprocessing(28, 1, List.of(0.5f), List.of(0f), "bilinear");
    Losses losses = new Losses();
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      // When it trains, Then the first step's loss stops it before any update
      assertThatThrownBy(
              () ->
                  new VitTrainer(config().build(), losses)
                      .fit(model, IMAGES, IMAGES, divideByZero, Optional.empty()))
          .isInstanceOf(NonFiniteLossException.class)
          .hasMessageMatching("the loss is (NaN|-?Infinity) at epoch 1, step 1; .*");
    }
    assertThat(losses.seen).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0     | batch size must be positive, got 0",
        "-8    | batch size must be positive, got -8",
        "10000 | batch size 10000 is beyond the cap of 8192"
      })
  void shouldRefuseAnAbsurdBatchSizeInOneLine(int batch, String message) {
    assertThatThrownBy(() -> config().batchSize(batch).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void shouldRefuseABatchLargerThanTheDataBeforeTraining(@TempDir Path dir) throws IOException {
    // Given a batch of 256 for 128 images
    TrainingConfig config = config().batchSize(256).build();
    Losses losses = new Losses();
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      // When / Then it is refused before the first step
      assertThatThrownBy(
              () ->
                  new VitTrainer(config, losses)
                      .fit(
                          model,
                          IMAGES,
                          IMAGES,
                          Preprocessing.fashionMnist(),
                          Optional.of(new TrainingCheckpoint(dir))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("128 training images do not fill one batch of 256 (the batch size)");
    }
    assertThat(losses.seen).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  /** Seeded random 28 x 28 images with labels 0..9 in turn. */
  static LabeledImages randomImages(int count, long seed) {
    byte[] pixels = new byte[count * 28 * 28];
    new Random(seed).nextBytes(pixels);
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 10);
    }
    return new LabeledImages(count, 28, 28, pixels, labels);
  }
}
