package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.ShippedModel;
import io.vitstream.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feedback loop's fine-tuning on the shipped hybrid: every weight, gated as the pure ViT's. */
class HybridFineTuneTest {
  private static final String NAME = "fashion-mnist-hybrid";

  @TempDir Path root;

  @Test
  void shouldPromoteAFineTunedHybridThatLearnedInvertedImages() throws Exception {
    // Given the shipped hybrid and feedback on inverted images, original images replayed
    ModelStore store = ShippedModel.copyInto(root, NAME, 1);
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    var request =
        new FineTuneRequest(
            ShippedModel.slice(test, 2000, 3500, true),
            ShippedModel.slice(test, 4000, 4500, false),
            ShippedModel.slice(test, 1000, 1400, true),
            "feedback-0@0..1499");
    List<ModelVersion> events = new ArrayList<>();
    TrainingConfig config =
        TrainingConfig.fineTuning().epochs(1).batchSize(64).learningRate(1e-3f).build();

    // When a short run fine-tunes it
    FineTuneOutcome out;
    try (var job =
        new FineTuneJob(
            store,
            NAME,
            Device.cpu(),
            config,
            new GatePolicy(0.05, 0.5, 100),
            ShippedModel.slice(test, 0, 400, false),
            Rehearsal.none(28, 28),
            events::add)) {
      out = job.submit(request).get();
    }

    // Then the candidate is a hybrid that does better on held-out inverted images, promoted as v2
    var m = out.metrics().orElseThrow();
    assertThat(m.candidateHoldout()).isGreaterThan(m.championHoldout() + 0.1);
    assertThat(out.promoted()).as(out.event().getReason()).isTrue();
    assertThat(store.promoted(NAME)).hasValue(2);
    assertThat(store.manifest(NAME, 2).vit()).isEqualTo(store.manifest(NAME, 1).vit());
    assertThat(store.manifest(NAME, 2).vit().hybrid()).isNotNull();
    assertThat(events)
        .singleElement()
        .extracting(ModelVersion::getStatus)
        .isEqualTo(ModelStatus.PROMOTED);
  }
}
