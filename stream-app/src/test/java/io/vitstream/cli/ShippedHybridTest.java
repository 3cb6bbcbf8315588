package io.vitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.store.Sha256;
import java.nio.file.Files;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The small hybrid shipped in {@code model-store}: its weights are the ones trained and recorded,
 * and {@code evaluate} reproduces its recorded test accuracy on all 10,000 test images.
 */
class ShippedHybridTest {
  private static final String NAME = "fashion-mnist-hybrid";
  private static final String SHA256 =
      "8f978a0b88e2f69b8bb5dd3a23307c38f6a3ca36f9e167c686426e72fde7908e";

  private static ModelManifest promoted(ModelStore store) {
    return store.manifest(NAME, store.promoted(NAME).orElseThrow());
  }

  @Test
  void shouldShipTheRecordedHybridWeights() throws Exception {
    ModelStore store = ModelStore.open(CliRun.shippedStore());
    ModelManifest m = promoted(store);

    byte[] weights = Files.readAllBytes(store.files(NAME, m.version()).weights());

    assertThat(Sha256.hex(weights)).isEqualTo(m.sha256()).isEqualTo(SHA256);
    assertThat(m.vit().hybrid()).as("a hybrid ViT").isNotNull();
    assertThat(m.vit().patchSize()).isEqualTo(1);
    assertThat(m.provenance().dataset()).isEqualTo("fashion-mnist");
  }

  @Test
  void shouldReproduceTheRecordedTestAccuracyThroughEvaluate() {
    ModelManifest m = promoted(ModelStore.open(CliRun.shippedStore()));

    CliRun run =
        CliRun.of(
            "evaluate",
            "--model",
            NAME,
            "--dataset",
            "fashion-mnist",
            "--split",
            "test",
            "--store",
            CliRun.shippedStore().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    Matcher accuracy = Pattern.compile("(?m)^accuracy: (0\\.\\d{4})$").matcher(run.out());
    assertThat(accuracy.find()).as(run.out()).isTrue();
    assertThat(run.out()).contains("images: 10000");
    assertThat(accuracy.group(1))
        .isEqualTo(String.format(Locale.ROOT, "%.4f", m.metrics().testAccuracy()));
    assertThat(m.metrics().evaluatedImages()).isEqualTo(10_000);
    assertThat(Double.parseDouble(accuracy.group(1))).isGreaterThan(0.9);
  }
}
