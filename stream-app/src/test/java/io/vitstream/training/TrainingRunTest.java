package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.ViTConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole training run, as {@code vitstream train} calls it, on a few hundred images. */
class TrainingRunTest {
  @TempDir Path dir;

  private TrainingRun.Settings settings(boolean resume, int epochs) {
    ViTConfig vit =
        ViTConfig.builder()
            .imageSize(28)
            .channels(1)
            .patchSize(7)
            .width(32)
            .depth(1)
            .heads(2)
            .mlpSize(64)
            .numClasses(FashionMnist.LABELS.size())
            .build();
    TrainingConfig training =
        TrainingConfig.builder().epochs(epochs).batchSize(32).seed(7).evalLimit(64).build();
    return new TrainingRun.Settings(
        "tiny", vit, training, 0, 0.5f, 1, dir.resolve("ck"), resume, "vitstream train (test)");
  }

  @Test
  void shouldPublishAndPromoteTheFirstVersionThenOnlyPublishTheNext() {
    // Given a store with no version of the model
    ModelStore store = ModelStore.open(dir.resolve("store"));
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);

    // When a run trains one epoch on 256 images, then a resumed run a second
    TrainingRun first =
        TrainingRun.load(settings(false, 1), FashionMnist.DEFAULT_DIR, OptionalInt.of(256));
    TrainingRun.Outcome one = first.run(store, out, TrainingListener.NONE);
    TrainingRun.Outcome two =
        TrainingRun.load(settings(true, 2), FashionMnist.DEFAULT_DIR, OptionalInt.of(256))
            .run(store, out, TrainingListener.NONE);

    // Then the first is version 1 and promoted, the second version 2 and left for a person
    assertThat(first.trainImages()).isEqualTo(256);
    assertThat(one.version()).isEqualTo(1);
    assertThat(one.promoted()).isTrue();
    assertThat(two.version()).isEqualTo(2);
    assertThat(two.promoted()).isFalse();
    assertThat(store.promoted("tiny")).hasValue(1);
    // And the resumed run's history holds both epochs, its plot beside the checkpoint
    assertThat(two.result().history()).extracting(EpochResult::epoch).containsExactly(1, 2);
    assertThat(two.plot()).isEqualTo(dir.resolve("ck").resolve(TrainingPlot.FILE_NAME));
    assertThat(two.plot()).isRegularFile();
    // And the manifest keeps both commands and the curve of both epochs
    var manifest = store.manifest("tiny", 2);
    assertThat(manifest.provenance().command().lines().toList())
        .isEqualTo(List.of("vitstream train (test)", "vitstream train (test)"));
    assertThat(manifest.metrics().curve()).hasSize(2);
    assertThat(text.toString())
        .contains("published tiny:1", "promoted tiny:1", "published tiny:2")
        .contains("not promoted; run: vitstream model promote tiny:2");
  }
}
