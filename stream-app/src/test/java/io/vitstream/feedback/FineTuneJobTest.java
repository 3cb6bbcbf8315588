package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.ShippedModel;
import io.vitstream.training.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning the shipped Fashion-MNIST model on a few hundred steps' worth of feedback. */
class FineTuneJobTest {
  private static final String NAME = FashionMnist.NAME;
  private static LabeledImages test;

  @TempDir Path root;
  private ModelStore store;
  private final List<ModelVersion> events = new ArrayList<>();

  @BeforeAll
  static void loadData() {
    test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
  }

  @BeforeEach
  void copyShippedModel() throws IOException {
    store = ShippedModel.copyInto(root);
  }

  private FineTuneJob job(int epochs, int batch, float lr, GatePolicy gate) {
    return job(epochs, batch, lr, gate, Rehearsal.none(28, 28));
  }

  private FineTuneJob job(int epochs, int batch, float lr, GatePolicy gate, Rehearsal rehearsal) {
    TrainingConfig config =
        TrainingConfig.fineTuning().epochs(epochs).batchSize(batch).learningRate(lr).build();
    return new FineTuneJob(
        store, NAME, Device.cpu(), config, gate, slice(0, 500, false), rehearsal, events::add);
  }

  @Test
  void shouldRejectACandidateTrainedOnShuffledLabels() throws Exception {
    // Given feedback whose labels are shuffled
    LabeledImages noise = shuffledLabels(slice(2000, 2512, false), 7);
    var request = new FineTuneRequest(noise, slice(0, 0, false), slice(1000, 1500, false), "test");

    // When a run fine-tunes on it
    FineTuneOutcome out;
    try (FineTuneJob job = job(2, 32, 1e-3f, new GatePolicy(0.0, 0.02, 100))) {
      out = job.submit(request).get();
    }

    // Then the gate rejects it and nothing changes in the store
    assertThat(out.promoted()).isFalse();
    assertThat(out.metrics()).isPresent();
    assertThat(out.metrics().get().candidateHoldout())
        .isLessThan(out.metrics().get().championHoldout());
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStatus()).isEqualTo(ModelStatus.REJECTED);
              assertThat(e.getParentVersion()).isEqualTo(1);
              assertThat(e.getMetrics()).containsKey("candidate_holdout_accuracy");
            });
    assertThat(store.versions(NAME)).containsExactly(1);
    assertThat(store.promoted(NAME)).hasValue(1);
  }

  @Test
  void shouldStopARunThatWasPreEmptedWhileItWaitedInTheQueue() throws Exception {
    // Given two routine runs submitted back to back, the second queued behind the first
    var request =
        new FineTuneRequest(
            slice(2000, 2256, false), slice(0, 0, false), slice(1000, 1200, false), "test");
    FineTuneOutcome first;
    FineTuneOutcome queued;
    try (FineTuneJob job = job(2, 32, 1e-3f, new GatePolicy(0.0, 0.02, 100))) {
      var a = job.submit(request);
      var b = job.submit(request);

      // When an urgent request pre-empts them before either got far
      job.cancelRunning();
      first = a.get();
      queued = b.get();
    }

    // Then both stop, the queued one too (its start must not clear the request), and nothing
    // changes in the store
    assertThat(first.promoted()).isFalse();
    assertThat(queued.promoted()).isFalse();
    assertThat(events)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getReason().toString()).contains("pre-empted"));
    assertThat(store.versions(NAME)).containsExactly(1);
  }

  @Test
  void shouldPromoteACandidateThatLearnedInvertedImages() throws Exception {
    // Given feedback on inverted images, with original images replayed and rehearsed
    var request =
        new FineTuneRequest(
            slice(2000, 4000, true),
            slice(4000, 4500, false),
            slice(1000, 1500, true),
            "feedback-0@0..1999");

    // When a short run fine-tunes on it
    FineTuneOutcome out;
    var rehearsal = new Rehearsal(slice(5000, 6000, false), 200, 1, 0.5);
    try (FineTuneJob job = job(1, 64, 1e-3f, new GatePolicy(0.05, 0.5, 100), rehearsal)) {
      out = job.submit(request).get();
    }

    // Then the candidate does better on held-out inverted images and is promoted as version 2
    var m = out.metrics().orElseThrow();
    System.out.printf("inverted fine-tune: %s in %.1f s%n", m, out.trainingSeconds());
    assertThat(m.candidateHoldout()).isGreaterThan(m.championHoldout() + 0.1);
    assertThat(out.promoted()).isTrue();
    // Both models were paired on all 500 holdout and all 500 regression images
    assertThat(m.holdout().n()).isEqualTo(500);
    assertThat(m.regression().n()).isEqualTo(500);
    assertThat(m.holdout().mcNemarP()).isLessThan(0.05);
    assertThat(out.event().getReason())
        .startsWith("promote; holdout n=500: gain +")
        .contains("exact McNemar b=" + m.holdout().championOnly())
        .contains("regression n=500: loss ");
    assertThat(out.event().getMetrics())
        .containsEntry("regression_n", 500.0)
        .containsEntry("holdout_c", (double) m.holdout().candidateOnly())
        .containsKeys("holdout_gain_low", "regression_loss_high", "training_seconds");
    assertThat(store.promoted(NAME)).hasValue(2);
    // The gate's anchor: version 2 was fine-tuned from version 1, which was trained from scratch
    var baseline =
        new RegressionBaseline(store, NAME, Device.cpu(), slice(0, 500, false), new Evaluator(256));
    assertThat(baseline.of(2)).isEqualTo(1);
    assertThat(baseline.of(1)).isEqualTo(1);
    assertThat(baseline.accuracy(2, Double.NaN)).isEqualTo(m.championRegression());
    assertThat(m.baselineRegression()).isEqualTo(m.championRegression());
    var manifest = store.manifest(NAME, 2);
    assertThat(manifest.parentVersion()).isEqualTo(1);
    assertThat(manifest.provenance().feedback())
        .contains("2000 fresh", "500 replay", "200 rehearsal (distill 0.5)", "feedback-0@0..1999");
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStatus()).isEqualTo(ModelStatus.PROMOTED);
              assertThat(e.getVersion()).isEqualTo(2);
              assertThat(e.getFeedbackCount()).isEqualTo(2500); // rehearsal is not feedback
              assertThat(e.getSha256()).isEqualTo(manifest.sha256());
            });
  }

  @Test
  void shouldAbortADivergingRunAndChangeNothing() throws Exception {
    // When a run's learning rate makes the loss blow up
    var request =
        new FineTuneRequest(
            slice(2000, 2512, false), slice(0, 0, false), slice(1000, 1500, false), "test");
    FineTuneOutcome out;
    try (FineTuneJob job = job(2, 32, 50f, new GatePolicy(0.0, 0.02, 100))) {
      out = job.submit(request).get();
    }

    // Then it is rejected as aborted, and the store is as it was
    assertThat(out.promoted()).isFalse();
    assertThat(out.event().getReason()).startsWith("training aborted");
    assertThat(store.versions(NAME)).containsExactly(1);
    assertThat(store.promoted(NAME)).hasValue(1);
  }

  private static LabeledImages slice(int from, int to, boolean invert) {
    return ShippedModel.slice(test, from, to, invert);
  }

  private static LabeledImages shuffledLabels(LabeledImages data, long seed) {
    byte[] labels = data.labels().clone();
    Random r = new Random(seed);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) r.nextInt(10);
    }
    return new LabeledImages(data.count(), data.rows(), data.cols(), data.pixels(), labels);
  }
}
