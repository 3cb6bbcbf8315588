package io.vitstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vitstream.checkpoint.SafeTensors;
import io.vitstream.store.ModelStore;
import io.vitstream.store.StoreException;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Version 2 of a served model, broken one way per case: loading it is refused with one line naming
 * the file and the fault, and a swap to it leaves version 1 serving and classifying.
 */
class ModelFaultTest {
  private static final String NAME = "fm";
  private static final String WEIGHTS = "model.safetensors";
  private static final String MANIFEST = "manifest.json";

  @TempDir Path root;
  private ModelStore store;
  private ModelSlot<ServingModel> slot;
  private ModelVersionListener listener;

  /** A way to break a version folder. */
  @FunctionalInterface
  interface Fault {
    void breakVersion(Path dir) throws IOException;
  }

  @BeforeEach
  void serveVersionOneWithVersionTwoPublished() {
    store = ModelStore.open(root);
    TinyModels.publish(store, NAME, 1, 0);
    TinyModels.publish(store, NAME, 2, 1);
    store.promote(NAME, 1);
    slot = TinyModels.servePromoted(store, NAME);
    listener = new ModelVersionListener(store, slot, new BatchShapes(4), Map.of(), "unused");
  }

  @AfterEach
  void close() {
    slot.close();
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        fault(
            "weights whose sha256 differs from the manifest",
            manifest(m -> m.addProperty("sha256", "00".repeat(32))),
            "sha256 of ",
            "2/" + WEIGHTS + " is ",
            "but the manifest says 0000",
            "(corrupt or tampered)"),
        fault(
            "a truncated safetensors file",
            weights(b -> Arrays.copyOf(b, b.length - 100)),
            "2/" + WEIGHTS + " is not a valid safetensors file: tensor head.weight (10, 16)",
            "bad or truncated byte range"),
        fault(
            "a flipped byte in the safetensors header",
            weights(b -> flip(b, 8)), // the header's opening brace
            "2/" + WEIGHTS + " is not a valid safetensors file: header is not a JSON object"),
        fault(
            "a flipped byte in the weights' data",
            weights(b -> flip(b, b.length - 3)),
            "sha256 of ",
            "2/" + WEIGHTS,
            "(corrupt or tampered)"),
        fault(
            "a manifest whose patch size disagrees with the weights",
            geometry("patch_size", 14),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "tensor 'pos_embed' is (1, 17, 16), expected (1, 5, 16)"),
        fault(
            "a manifest whose width disagrees with the weights",
            geometry("width", 32),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "expected (1, 1, 32)"),
        fault(
            "a manifest whose depth disagrees with the weights",
            geometry("depth", 2),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "tensor 'blocks.1.norm1.weight' is missing"),
        fault(
            "a manifest with fewer blocks than the weights",
            weightsOf(TinyModels.TINY.toBuilder().depth(2).build()),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "it has tensor 'blocks.1.",
            "which that geometry has no place for"),
        fault(
            "a manifest whose image size disagrees with the weights",
            manifest(
                m -> {
                  m.getAsJsonObject("vit").addProperty("image_size", 56);
                  m.getAsJsonObject("preprocessing").addProperty("size", 56);
                }),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "tensor 'pos_embed' is (1, 17, 16), expected (1, 65, 16)"),
        fault(
            "a manifest whose channels disagree with the weights",
            manifest(
                m -> {
                  m.getAsJsonObject("vit").addProperty("channels", 3);
                  JsonObject p = m.getAsJsonObject("preprocessing");
                  p.addProperty("channels", 3);
                  p.add("mean", JsonParser.parseString("[0.5, 0.5, 0.5]"));
                  p.add("std", JsonParser.parseString("[0.5, 0.5, 0.5]"));
                }),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "tensor 'patch_embed.proj.weight' is (16, 1, 7, 7), expected (16, 3, 7, 7)"),
        fault(
            "a manifest whose geometry is impossible",
            geometry("image_size", 30),
            "2/" + MANIFEST + " is not a valid ModelManifest",
            "image size 30 must be divisible by patch size 7"),
        fault(
            "a version folder without its weights",
            dir -> Files.delete(dir.resolve(WEIGHTS)),
            "the weights file ",
            "2/" + WEIGHTS + " is missing"),
        fault(
            "a version folder without its manifest",
            dir -> Files.delete(dir.resolve(MANIFEST)),
            "2/" + MANIFEST + " is missing"),
        fault(
            "a manifest cut off in the middle",
            dir -> {
              String text = Files.readString(dir.resolve(MANIFEST));
              Files.writeString(dir.resolve(MANIFEST), text.substring(0, text.length() / 2));
            },
            "2/" + MANIFEST + " is not a valid ModelManifest"),
        fault(
            "a manifest without labels",
            manifest(m -> m.remove("labels")),
            "2/" + MANIFEST + " is not a valid ModelManifest: a required field is missing: labels"),
        fault(
            "a manifest whose preprocessing has no std",
            manifest(m -> m.getAsJsonObject("preprocessing").add("std", new JsonArray())),
            "2/" + MANIFEST + " is not a valid ModelManifest: mean and std need one value per"),
        fault(
            "a manifest whose preprocessing std is zero",
            manifest(
                m -> m.getAsJsonObject("preprocessing").add("std", JsonParser.parseString("[0]"))),
            "2/" + MANIFEST + " has a preprocessing std that is not positive"),
        fault(
            "a manifest with fewer labels than classes",
            manifest(m -> m.getAsJsonArray("labels").remove(9)),
            "2/" + MANIFEST + " lists 9 labels but its geometry has 10 classes"),
        fault(
            "a manifest whose class count disagrees with the head",
            manifest(
                m -> {
                  m.getAsJsonArray("labels").remove(9);
                  m.getAsJsonObject("vit").addProperty("num_classes", 9);
                }),
            "2/" + WEIGHTS + " does not fit the geometry in manifest.json",
            "tensor 'head.weight' is (10, 16), expected (9, 16)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void shouldRefuseTheFaultInOneLineAndKeepServingTheOldModel(
      String fault, Fault breaker, List<String> expected) throws IOException {
    // Given version 2 broken by the fault
    breaker.breakVersion(root.resolve(NAME).resolve("2"));

    // When it is loaded directly, and swapped to
    StoreException refused =
        catchThrowableOfType(
            () -> store.load(NAME, OptionalInt.of(2), Device.cpu(), Precision.FP32).close(),
            StoreException.class);
    boolean swapped = listener.swapTo(2);

    // Then the load is refused in one line naming the model, the file and the fault
    assertThat(refused).as(fault).isNotNull();
    assertThat(refused.getMessage().lines()).as(refused.getMessage()).hasSize(1);
    assertThat(refused.getMessage()).contains("fm:2").contains(expected);
    // And version 1 still serves and classifies a batch
    assertThat(swapped).isFalse();
    assertThat(slot.peek().version()).isEqualTo(1);
    try (var lease = slot.acquire()) {
      List<float[]> images = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        images.add(new float[28 * 28]);
      }
      var result = new BatchClassifier(new BatchShapes(4), 1).classify(lease.model(), images);
      assertThat(result.topK()).hasSize(4);
    }
  }

  private static Arguments fault(String name, Fault breaker, String... expected) {
    return Arguments.of(name, breaker, List.of(expected));
  }

  private static Fault weights(UnaryOperator<byte[]> edit) {
    return dir -> {
      Path file = dir.resolve(WEIGHTS);
      Files.write(file, edit.apply(Files.readAllBytes(file)));
    };
  }

  /** Weights of another geometry, with their sha256 in the manifest. */
  private static Fault weightsOf(ViTConfig config) {
    return dir -> {
      Path file = dir.resolve(WEIGHTS);
      try (VitModel other = VitModel.create(config, Device.cpu(), Precision.FP32)) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        other.parameters().forEach((name, p) -> tensors.put(name, p.getArray()));
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
      }
      String sha = sha256(Files.readAllBytes(file));
      manifest(m -> m.addProperty("sha256", sha)).breakVersion(dir);
    };
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] flip(byte[] bytes, int at) {
    bytes[at] ^= 0x01;
    return bytes;
  }

  private static Fault manifest(Consumer<JsonObject> edit) {
    return dir -> {
      Path file = dir.resolve(MANIFEST);
      JsonObject m = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      edit.accept(m);
      Files.writeString(file, m.toString());
    };
  }

  private static Fault geometry(String key, int value) {
    return manifest(m -> m.getAsJsonObject("vit").addProperty(key, value));
  }
}
