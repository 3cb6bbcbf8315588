package io.vitstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import io.vitstream.app.FeedbackKeys;
import io.vitstream.avro.ModelStatus;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.Split;
import io.vitstream.testing.ShippedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift demo with the shipped model and small numbers: after the stream turns to inverted
 * images, feedback fine-tunes a candidate, the gate promotes it, and the promoted version
 * classifies the drifted images better than the first one did.
 */
class DriftDemoIT {
  @Test
  void shouldPromoteAFineTunedVersionThatRecoversAccuracyOnDriftedImages(@TempDir Path storeDir)
      throws Exception {
    // Given the shipped model, a loop that fine-tunes input adapters when live accuracy falls, and
    // a
    // lax gate
    ShippedModel.copyInto(storeDir);
    AppConfig config =
        AppConfig.load(
            Optional.empty(),
            Map.ofEntries(
                Map.entry(ConfigKeys.APPLICATION_ID.name(), "it-drift"),
                Map.entry(ConfigKeys.MAX_BATCH_SIZE.name(), "16"),
                Map.entry(ConfigKeys.MAX_BATCH_DELAY_MS.name(), "10"),
                Map.entry(FeedbackKeys.TRIGGER_LABELS.name(), "400"),
                Map.entry(FeedbackKeys.TRIGGER_ACCURACY_DROP.name(), "0.3"),
                Map.entry(FeedbackKeys.ROUTER_ORIGINALS.name(), "1000"),
                Map.entry(FeedbackKeys.ADAPTER_EPOCHS.name(), "5"),
                Map.entry(FeedbackKeys.TRIGGER_MIN_LABELS.name(), "50"),
                Map.entry(FeedbackKeys.LIVE_WINDOW.name(), "50"),
                Map.entry(FeedbackKeys.GATE_MARGIN.name(), "0"),
                Map.entry(FeedbackKeys.GATE_TOLERANCE.name(), "1"),
                Map.entry(FeedbackKeys.GATE_MIN_HOLDOUT.name(), "1"),
                Map.entry(FeedbackKeys.FINETUNE_OPTIMIZER.name(), "sgd"),
                Map.entry(FeedbackKeys.FINETUNE_REHEARSAL.name(), "200"),
                Map.entry(FeedbackKeys.FINETUNE_EPOCHS.name(), "5"),
                Map.entry(FeedbackKeys.FINETUNE_LEARNING_RATE.name(), "0.01")));
    var test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    var out = new PrintWriter(System.out, true);

    // When 3,000 images stream in at 50/s, inverted after 200, with half of them labelled (a
    // minute:
    // the first run, 12-35 s on 2 cores beside the stream, must decide while images still flow)
    DriftResult r =
        new DriftDemo(
                config,
                storeDir,
                test,
                () -> FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN),
                out)
            .run(
                new DriftDemo.Options(
                    Drift.INVERT, 3000, 200, 0.5, 200, 50, 200, Duration.ofSeconds(120)));
    out.println(r.summaryLine());

    // Then a version was promoted and it beats the first one on the drifted images
    assertThat(r.predicted()).isEqualTo(3000);
    assertThat(r.events()).anyMatch(e -> e.getStatus() == ModelStatus.PROMOTED);
    assertThat(r.promoted()).isTrue();
    assertThat(r.championVersion()).isEqualTo(1);
    assertThat(r.finalVersion()).isGreaterThan(1);
    assertThat(r.recovered()).isGreaterThan(r.postDriftBefore());
    assertThat(r.swapPauseMs()).isGreaterThanOrEqualTo(0);
  }
}
