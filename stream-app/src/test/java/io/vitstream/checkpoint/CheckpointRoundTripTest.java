package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.testing.Seeded;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.HeadType;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkpoints.save then Checkpoints.load gives back the same model, bit for bit. */
class CheckpointRoundTripTest {
  private static final ViTConfig.Builder SMALL =
      ViTConfig.builder().imageSize(16).patchSize(4).channels(3).width(32).depth(2).heads(4);

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(
            "linear head, labels", SMALL.numClasses(3).build(), List.of("cat", "dog", "émeu")),
        Arguments.of(
            "pre-logits head of 24, classes",
            SMALL.numClasses(5).headType(HeadType.PRE_LOGITS).preLogitsSize(24).build(),
            List.of()),
        Arguments.of(
            "pre-logits only (a pooler)",
            SMALL.numClasses(0).headType(HeadType.PRE_LOGITS).preLogitsSize(32).build(),
            List.of()),
        Arguments.of(
            "grayscale, odd MLP, no qkv bias, HF eps, dropout",
            ViTConfig.builder()
                .imageSize(28)
                .patchSize(7)
                .channels(1)
                .width(48)
                .depth(3)
                .heads(6)
                .mlpSize(70)
                .qkvBias(false)
                .layerNormEps(1e-12f)
                .dropout(0.1f)
                .numClasses(10)
                .build(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void shouldLoadWhatWasSavedBitForBit(
      String description, ViTConfig config, List<String> labels, @TempDir Path dir)
      throws Exception {
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32);
        NDManager batch = model.newBatchManager()) {
      // Given a seeded model saved with its labels
      Seeded.weights(model, 31);
      Checkpoints.save(model, labels, dir);
      NDArray images =
          Seeded.normal(
              batch, new Shape(2, config.channels(), config.imageSize(), config.imageSize()), 32);
      NDArray before = model.forward(images, ActivationSink.NONE);

      // When it is loaded back
      try (LoadedCheckpoint loaded = Checkpoints.load(dir, Device.cpu(), Precision.FP32)) {
        NDArray after = loaded.model().forward(images, ActivationSink.NONE);

        // Then config.json gave back the same config and labels, and the outputs are identical
        assertThat(loaded.format()).isEqualTo("timm");
        assertThat(loaded.model().config()).isEqualTo(config);
        assertThat(loaded.labels()).isEqualTo(labels);
        assertThat(after.toFloatArray()).containsExactly(before.toFloatArray());
      }
    }
  }
}
