package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import io.vitstream.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning a three-channel model on RGB examples, as a grayscale one is. */
class FineTuneRgbTest {
  private static final int SIDE = 16;

  /** {@code count} noisy images, each bright in the channel of its class (red, green, blue). */
  private static LabeledImages colours(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int len = SIDE * SIDE * 3;
    byte[] pixels = new byte[count * len];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      int label = i % 3;
      labels[i] = (byte) label;
      for (int p = 0; p < SIDE * SIDE; p++) {
        for (int c = 0; c < 3; c++) {
          int level = (c == label ? 170 : 60) + random.nextInt(-40, 41);
          pixels[i * len + p * 3 + c] = (byte) level;
        }
      }
    }
    return new LabeledImages(count, SIDE, SIDE, 3, pixels, labels);
  }

  @Test
  @Timeout(120)
  void shouldFineTuneAThreeChannelModelFromRgbExamples(@TempDir Path root) throws Exception {
    // Given a tiny RGB model with random weights in the store, and RGB feedback of three colours
    ModelStore store = ModelStore.open(root);
    TinyModels.publishRgb(store, "rgb", 3);
    store.promote("rgb", 1);
    var request =
        new FineTuneRequest(
            colours(300, 1), LabeledImages.empty(SIDE, SIDE, 3), colours(90, 2), "rgb-test");
    List<ModelVersion> events = new ArrayList<>();
    TrainingConfig recipe =
        TrainingConfig.fineTuning().epochs(4).batchSize(30).learningRate(5e-3f).build();

    // When a short run fine-tunes on them
    FineTuneOutcome out;
    try (FineTuneJob job =
        new FineTuneJob(
            store,
            "rgb",
            Device.cpu(),
            recipe,
            new GatePolicy(0.0, 1.0, 1),
            colours(90, 3),
            Rehearsal.none(SIDE, SIDE, 3),
            events::add)) {
      out = job.submit(request).get();
    }

    // Then it trained on the colours, and the promoted version 2 is a three-channel model
    var m = out.metrics().orElseThrow(() -> new AssertionError(out.event().getReason()));
    System.out.printf("rgb fine-tune: %s in %.1f s%n", m, out.trainingSeconds());
    assertThat(m.candidateHoldout()).isGreaterThan(m.championHoldout()).isGreaterThan(0.9);
    assertThat(m.candidateRegression()).isGreaterThan(0.9);
    assertThat(out.promoted()).isTrue();
    assertThat(store.manifest("rgb", 2).preprocessing().channels()).isEqualTo(3);
    assertThat(events).singleElement().extracting(ModelVersion::getVersion).isEqualTo(2);
  }
}
