package io.vitstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelStoreTest {
  private static final ViTConfig TINY = TinyModels.TINY;
  private static final List<String> LABELS =
      List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

  @TempDir Path root;

  private static ModelCandidate candidate(int parent) {
    ModelManifest.Metrics metrics =
        new ModelManifest.Metrics(0.5, 10, List.of(0.5), List.of(List.of(5, 5)), List.of());
    ModelManifest.Provenance provenance =
        new ModelManifest.Provenance("fashion-mnist", 1, 42, "vitstream train", 1.5, "none");
    return new ModelCandidate(LABELS, Preprocessing.fashionMnist(), metrics, provenance, parent);
  }

  /** Publishes a randomly initialised (seeded) tiny model. */
  private int publish(ModelStore store, String name, int seed) {
    Djl.setSeed(seed);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      // The classifier starts at zero; make it non-zero so the logits depend on every weight.
      model.parameters().get("head.weight").getArray().addi(0.05f);
      return store.publish(name, model, candidate(0));
    }
  }

  /** Logits of four fixed, non-trivial images. */
  private static float[] logits(VitModel model) {
    float[] pixels = new float[4 * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) Math.sin(i * 0.37);
    }
    try (NDManager batch = model.newBatchManager()) {
      NDArray x = batch.create(pixels, new Shape(4, 1, 28, 28));
      return model.forward(x, ActivationSink.NONE).toFloatArray();
    }
  }

  @Test
  void shouldLoadWhatItPublishedWithTheSameLogits() {
    ModelStore store = ModelStore.open(root);
    Djl.setSeed(11);
    float[] expected;
    int version;
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      model.parameters().get("head.weight").getArray().addi(0.05f);
      version = store.publish("demo", model, candidate(0));
      expected = logits(model);
    }

    try (LoadedModel loaded =
        store.load("demo", OptionalInt.of(version), Device.cpu(), Precision.FP32)) {
      assertThat(logits(loaded.model())).containsExactly(expected);
      assertThat(loaded.manifest().vit()).isEqualTo(TINY);
      assertThat(loaded.manifest().labels()).isEqualTo(LABELS);
      assertThat(loaded.manifest().preprocessing()).isEqualTo(Preprocessing.fashionMnist());
      assertThat(loaded.manifest().sha256()).hasSize(64);
    }
    assertThat(store.names()).containsExactly("demo");
    assertThat(store.versions("demo")).containsExactly(1);
  }

  @Test
  void shouldRefuseTamperedWeightsNamingTheSha256() throws IOException {
    ModelStore store = ModelStore.open(root);
    int version = publish(store, "demo", 1);
    Path weights = root.resolve("demo/1/model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 3] ^= 0x01; // one bit of one weight
    Files.write(weights, bytes);

    assertThatThrownBy(
            () -> store.load("demo", OptionalInt.of(version), Device.cpu(), Precision.FP32))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("sha256")
        .hasMessageContaining("demo:1")
        .hasMessageContaining("tampered");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/abs", "a/b", "..", "", "UPPER", "a..b", "x\\y"})
  void shouldRefuseNamesThatCouldEscapeTheStore(String name) throws IOException {
    ModelStore store = ModelStore.open(root);

    assertThatThrownBy(() -> store.versions(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid model name");
    assertThatThrownBy(() -> publish(store, name, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ModelStore.copyModel(root, name, root.resolve("copy")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid model name");
    try (var files = Files.list(root)) {
      assertThat(files).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void shouldRefuseVersionsBelowOne(int version) {
    // Given a store with version 1 of a model
    ModelStore store = ModelStore.open(root);
    publish(store, "demo", 1);

    // When a version below 1 is read, loaded or promoted, Then it is refused before any file
    assertThatThrownBy(() -> store.manifest("demo", version))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("versions start at 1");
    assertThatThrownBy(
            () -> store.load("demo", OptionalInt.of(version), Device.cpu(), Precision.FP32))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.promote("demo", version))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.promoted("demo")).isEmpty();
  }

  @Test
  void shouldNeverOverwriteAVersion() throws IOException {
    ModelStore store = ModelStore.open(root);
    int first = publish(store, "demo", 1);
    String firstManifest = Files.readString(root.resolve("demo/1/manifest.json"));

    int second = publish(store, "demo", 2);

    assertThat(first).isEqualTo(1);
    assertThat(second).isEqualTo(2);
    assertThat(Files.readString(root.resolve("demo/1/manifest.json"))).isEqualTo(firstManifest);
    assertThat(store.manifest("demo", 2).sha256()).isNotEqualTo(store.manifest("demo", 1).sha256());
    try (var files = Files.list(root.resolve("demo"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
    }
    // Temp files are created private; a published version is readable by everyone.
    assertThat(Files.getPosixFilePermissions(root.resolve("demo/2/model.safetensors")))
        .contains(PosixFilePermission.OTHERS_READ);
    assertThat(Files.getPosixFilePermissions(root.resolve("demo/2")))
        .contains(PosixFilePermission.OTHERS_EXECUTE);
  }

  @Test
  void shouldPromoteAndRollBackThroughTheHistory() {
    ModelStore store = ModelStore.open(root);
    publish(store, "demo", 1);
    publish(store, "demo", 2);
    assertThat(store.promoted("demo")).isEmpty();

    store.promote("demo", 1);
    store.promote("demo", 2);
    assertThat(store.promoted("demo")).hasValue(2);

    assertThat(store.rollback("demo")).isEqualTo(1);
    assertThat(store.promoted("demo")).hasValue(1);
    assertThatThrownBy(() -> store.rollback("demo"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no earlier promoted version");
    assertThatThrownBy(() -> store.promote("demo", 9))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no version 9");
  }

  @Test
  void shouldLoadThePromotedVersionWhenNoneIsGiven() {
    ModelStore store = ModelStore.open(root);
    publish(store, "demo", 1);
    assertThatThrownBy(() -> store.load("demo", OptionalInt.empty(), Device.cpu(), Precision.FP32))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no promoted version");
    store.promote("demo", 1);

    try (LoadedModel loaded =
        store.load("demo", OptionalInt.empty(), Device.cpu(), Precision.FP32)) {
      assertThat(loaded.manifest().version()).isEqualTo(1);
    }
  }

  @Test
  void shouldImportAVersionUnderItsOwnNumberWhenItsWeightsMatchTheManifest(@TempDir Path other)
      throws IOException {
    // Given version 1 and 2 of a model in one store
    ModelStore source = ModelStore.open(root);
    publish(source, "m", 1);
    int v2 = publish(source, "m", 2);
    VersionFiles files = source.files("m", v2);
    byte[] weights = Files.readAllBytes(files.weights());
    byte[] manifest = Files.readAllBytes(files.manifest());

    // When version 2 alone is imported into an empty store, in two parts
    ModelStore target = ModelStore.open(other);
    int half = weights.length / 2;
    boolean added =
        target.importVersion(
            "m",
            v2,
            manifest,
            List.of(
                java.util.Arrays.copyOfRange(weights, 0, half),
                java.util.Arrays.copyOfRange(weights, half, weights.length)));

    // Then it is there as version 2, byte for byte, and a second import changes nothing
    assertThat(added).isTrue();
    assertThat(target.versions("m")).containsExactly(v2);
    assertThat(Files.readAllBytes(target.files("m", v2).weights())).isEqualTo(weights);
    assertThat(target.importVersion("m", v2, manifest, List.of(weights))).isFalse();
  }

  @Test
  void shouldRefuseAnImportWhoseWeightsOrVersionDisagreeWithTheManifestAndLeaveNothing(
      @TempDir Path other) throws IOException {
    // Given a version's manifest and weights, the weights with one bit flipped
    ModelStore source = ModelStore.open(root);
    int v = publish(source, "m", 1);
    byte[] weights = Files.readAllBytes(source.files("m", v).weights());
    byte[] manifest = Files.readAllBytes(source.files("m", v).manifest());
    byte[] flipped = weights.clone();
    flipped[flipped.length - 1] ^= 1;
    ModelStore target = ModelStore.open(other);

    // When they are imported, or imported under another number
    // Then each is refused in one line and the store holds no version and no temp folder
    assertThatThrownBy(() -> target.importVersion("m", v, manifest, List.of(flipped)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refusing to import model m:1: the weights' sha256 is");
    assertThatThrownBy(() -> target.importVersion("m", 7, manifest, List.of(weights)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("describes m:1");
    assertThat(target.versions("m")).isEmpty();
    try (var left = Files.list(other.resolve("m"))) {
      assertThat(left).isEmpty();
    }
  }
}
