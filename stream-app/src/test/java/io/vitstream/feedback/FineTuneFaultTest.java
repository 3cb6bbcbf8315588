package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.inference.BatchClassifier;
import io.vitstream.inference.BatchShapes;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ModelVersionListener;
import io.vitstream.inference.ServingModel;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.TinyModels;
import io.vitstream.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fine-tuning run that cannot train ends REJECTED with the reason, and the champion keeps
 * serving: the event, applied to a listener, swaps nothing.
 */
class FineTuneFaultTest {
  private static final String NAME = "fm";

  @TempDir Path root;
  private ModelStore store;
  private ModelSlot<ServingModel> slot;
  private ModelVersionListener listener;
  private final List<ModelVersion> events = new ArrayList<>();

  @BeforeEach
  void serveTheChampion() {
    store = ModelStore.open(root);
    TinyModels.publish(store, NAME, 1, 0);
    store.promote(NAME, 1);
    slot = TinyModels.servePromoted(store, NAME);
    listener = new ModelVersionListener(store, slot, new BatchShapes(4), Map.of(), "unused");
  }

  @AfterEach
  void close() {
    slot.close();
  }

  @ParameterizedTest(name = "lr {0}, batch {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1e30 | 16  | training aborted: the loss is ",
        "1e-3 | 512 | training aborted: 64 training images do not fill one batch of 512"
      })
  @Timeout(60)
  void shouldRejectARunThatCannotTrainAndKeepTheChampionServing(float lr, int batch, String reason)
      throws Exception {
    // Given a job whose recipe cannot train on 64 feedback images
    TrainingConfig recipe =
        TrainingConfig.fineTuning().epochs(2).batchSize(batch).learningRate(lr).build();
    FineTuneOutcome out;
    try (FineTuneJob job =
        new FineTuneJob(
            store,
            NAME,
            Device.cpu(),
            recipe,
            new GatePolicy(0.0, 0.02, 10),
            images(64, 2),
            Rehearsal.none(28, 28),
            events::add)) {
      // When a run is submitted
      out =
          job.submit(new FineTuneRequest(images(64, 3), images(0, 4), images(32, 5), "test")).get();
    }

    // Then it ends REJECTED with a one-line reason, and the store is unchanged
    assertThat(out.promoted()).isFalse();
    assertThat(out.metrics()).isEmpty();
    assertThat(events).singleElement().isSameAs(out.event());
    assertThat(out.event().getStatus()).isEqualTo(ModelStatus.REJECTED);
    assertThat(out.event().getReason()).startsWith(reason);
    assertThat(out.event().getReason().lines()).hasSize(1);
    assertThat(store.versions(NAME)).containsExactly(1);
    assertThat(store.promoted(NAME)).hasValue(1);
    // And the event swaps nothing: the champion still serves and classifies
    assertThat(listener.apply(out.event())).isFalse();
    assertThat(slot.peek().version()).isEqualTo(1);
    try (var lease = slot.acquire()) {
      var result =
          new BatchClassifier(new BatchShapes(1), 1)
              .classify(lease.model(), List.of(new float[28 * 28]));
      assertThat(result.topK()).hasSize(1);
    }
  }

  /** Seeded random 28 x 28 images with labels 0..9 in turn. */
  private static LabeledImages images(int count, long seed) {
    byte[] pixels = new byte[count * 28 * 28];
    new Random(seed).nextBytes(pixels);
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % 10);
    }
    return new LabeledImages(count, 28, 28, pixels, labels);
  }
}
