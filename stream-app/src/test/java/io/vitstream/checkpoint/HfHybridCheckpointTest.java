package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.HfTensors;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HF transformers {@code vit-hybrid} folders (a BiT backbone) made from a seeded model by HF's
 * renaming: they load into the model that the timm checkpoint of the same weights loads into, and a
 * BiT configured unlike timm's hybrid backbone is refused in one line.
 */
class HfHybridCheckpointTest {
  /** 32 px RGB, stem 32, stages 1x128 (stride 1) and 1x256 (stride 2): 4x4 tokens of width 32. */
  private static final ViTConfig TWO_STAGES =
      ViTConfig.builder()
          .imageSize(32)
          .patchSize(1)
          .channels(3)
          .width(32)
          .depth(2)
          .heads(4)
          .mlpSize(64)
          .numClasses(5)
          .hybrid(new HybridBackbone(32, List.of(1, 1), List.of(128, 256)))
          .build();

  private static final List<String> LABELS = List.of("a", "b", "c", "d", "e");

  @TempDir Path dir;
  private NDManager manager;

  @BeforeEach
  void setUp() {
    Djl.ensureConfigured();
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  static Stream<Arguments> hybrids() {
    return Stream.of(
        Arguments.of("two stages", TWO_STAGES),
        Arguments.of("vit_tiny_r_s16_p8_224", ViTVariants.config("vit_tiny_r_s16_p8_224", 10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hybrids")
  void shouldLoadAnHfHybridAsTheModelItsTimmCheckpointLoadsAs(String name, ViTConfig config)
      throws IOException {
    // Given one seeded hybrid saved twice: as a timm folder, and as an HF folder by HF's renaming
    Path timm = dir.resolve("timm");
    Path hf = dir.resolve("hf");
    List<String> labels =
        IntStream.range(0, config.numClasses()).mapToObj(i -> "class " + i).toList();
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
      Seeded.weights(model, 51);
      Checkpoints.save(model, labels, timm);
      writeHf(model, hf, hfConfig(config, labels));
    }
    NDArray x =
        Seeded.normal(
            manager, new Shape(2, config.channels(), config.imageSize(), config.imageSize()), 52);

    // When both are loaded
    try (LoadedCheckpoint fromTimm = Checkpoints.load(timm, Device.cpu(), Precision.FP32);
        LoadedCheckpoint fromHf = Checkpoints.load(hf, Device.cpu(), Precision.FP32)) {
      // Then the HF folder is the same hybrid, with the same labels and the same logits
      assertThat(fromHf.format()).isEqualTo("HF transformers");
      assertThat(fromHf.model().config()).isEqualTo(fromTimm.model().config()).isEqualTo(config);
      assertThat(fromHf.labels()).isEqualTo(fromTimm.labels()).isEqualTo(labels);
      NDArray logits = fromHf.model().forward(x, ActivationSink.NONE);
      double diff = Tensors.maxAbsDiff(logits, fromTimm.model().forward(x, ActivationSink.NONE));
      System.out.printf("HF vit-hybrid vs timm (%s): max |logit diff| %.3e%n", name, diff);
      assertThat(logits.getShape()).isEqualTo(new Shape(2, config.numClasses()));
      assertThat(diff).isLessThanOrEqualTo(1e-5);
    }
  }

  @ParameterizedTest(name = "backbone_config written out: {0}")
  @MethodSource("withAndWithoutBackboneConfig")
  void shouldReadTheConvertedR50ConfigAsVitBaseR50S16_384(boolean written) {
    // Given google/vit-hybrid-base-bit-384's config.json, as HF's conversion script makes it
    ViTConfig r50 = ViTVariants.config("vit_base_r50_s16_384", 1000);
    JsonObject json = hfConfig(r50, List.of());
    json.addProperty("layer_norm_eps", 1e-12);
    if (!written) {
      json.remove("backbone_config"); // ViTHybridConfig's default backbone is that BiT
    }
    Map<String, NDArray> heads =
        Map.of(
            "vit.embeddings.cls_token", manager.zeros(new Shape(1, 1, 768)),
            "classifier.weight", manager.zeros(new Shape(1000, 768)));

    // When its layout is read
    CheckpointLayout layout = Checkpoints.layout(write(json), heads);

    // Then it is timm's R50+ViT-B/16 at 384 with HF's LayerNorm eps, its backbone named by BiT
    assertThat(layout.config()).isEqualTo(r50.toBuilder().layerNormEps(1e-12f).build());
    String bit = "vit.embeddings.patch_embeddings.backbone.bit.";
    assertThat(layout.sourceOf().apply("patch_embed.backbone.stem.conv.weight").sources())
        .containsExactly(bit + "embedder.convolution.weight");
    assertThat(
            layout
                .sourceOf()
                .apply("patch_embed.backbone.stages.2.blocks.0.downsample.norm.bias")
                .sources())
        .containsExactly(bit + "encoder.stages.2.layers.0.downsample.norm.bias");
  }

  static Stream<Boolean> withAndWithoutBackboneConfig() {
    return Stream.of(true, false);
  }

  @Test
  void shouldRefuseAnHfHybridWithoutOneOfItsBackboneTensorsInOneLine() throws IOException {
    // Given an HF hybrid whose second stage lost its 3x3 conv
    String name =
        "vit.embeddings.patch_embeddings.backbone.bit.encoder.stages.1.layers.0.conv2.weight";
    saveHfAndEdit(t -> t.remove(name), json -> {});

    // When / Then the load is refused with one line naming HF's tensor
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessage("missing tensor '" + name + "' in model.safetensors (HF transformers ViT)");
  }

  @Test
  void shouldRefuseAnHfStemOfTheWrongShapeInOneLine() throws IOException {
    // Given an HF hybrid whose stem takes grayscale where config.json says RGB
    String name = "vit.embeddings.patch_embeddings.backbone.bit.embedder.convolution.weight";
    saveHfAndEdit(t -> t.put(name, manager.zeros(new Shape(32, 1, 7, 7))), json -> {});

    // When / Then the load is refused with one line giving both shapes
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessage(
            "tensor '"
                + name
                + "' has shape (32, 1, 7, 7), expected (32, 3, 7, 7) for the geometry in"
                + " config.json");
  }

  static Stream<Arguments> unsupported() {
    return Stream.of(
        Arguments.of("layer_type", "\"preactivation\"", "layer_type 'preactivation'"),
        Arguments.of("global_padding", "\"VALID\"", "global_padding 'VALID'"),
        Arguments.of("global_padding", "null", "global_padding 'NONE'"),
        Arguments.of("embedding_dynamic_padding", "false", "embedding_dynamic_padding 'false'"),
        Arguments.of("hidden_act", "\"gelu\"", "hidden_act 'gelu'"),
        Arguments.of("num_groups", "16", "num_groups '16'"),
        Arguments.of("out_features", "[\"stage1\"]", "out_features [stage1]"),
        Arguments.of("output_stride", "4", "output_stride 4"),
        Arguments.of("num_channels", "1", "num_channels 1"),
        Arguments.of("model_type", "\"resnet\"", "model_type 'resnet'"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unsupported")
  void shouldRefuseABitBackboneUnlikeTimmsInOneLineNamingTheOption(
      String key, String value, String named) throws IOException {
    // Given an HF hybrid whose BiT backbone_config sets one option timm's hybrid does not have
    JsonElement setting = new Gson().fromJson(value, JsonElement.class);
    saveHfAndEdit(t -> {}, json -> json.getAsJsonObject("backbone_config").add(key, setting));

    // When / Then the load is refused with one line naming the option and its value
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("config.json: BiT backbone_config " + named + " is not supported")
        .hasMessageNotContaining("\n");
  }

  @Test
  void shouldRefuseAFeatureMapShapeThatIsNotTheBackbones() throws IOException {
    // Given an HF hybrid whose backbone_featmap_shape (which sizes HF's projection) is R50's
    saveHfAndEdit(
        t -> {},
        json -> {
          JsonArray shape = new JsonArray();
          List.of(1, 1024, 24, 24).forEach(shape::add);
          json.add("backbone_featmap_shape", shape);
        });

    // When / Then the load is refused with one line giving both shapes
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith(
            "config.json: backbone_featmap_shape [1, 1024, 24, 24] is not the backbone's feature"
                + " map [1, 256, 4, 4]");
  }

  @Test
  void shouldRefuseATimmBackboneInOneLine() throws IOException {
    // Given an HF hybrid that asks for a timm backbone instead of BiT's
    saveHfAndEdit(t -> {}, json -> json.addProperty("use_timm_backbone", true));

    // When / Then the load is refused with one line
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith(
            "config.json: named or timm backbones are not supported; only a BiT backbone_config");
  }

  private void saveHfAndEdit(Consumer<Map<String, NDArray>> tensors, Consumer<JsonObject> config)
      throws IOException {
    try (VitModel model = VitModel.create(TWO_STAGES, Device.cpu(), Precision.FP32)) {
      Map<String, NDArray> hf = new LinkedHashMap<>(HfTensors.of(model));
      tensors.accept(hf);
      JsonObject json = hfConfig(TWO_STAGES, LABELS);
      config.accept(json);
      SafeTensors.write(dir.resolve(Checkpoints.WEIGHTS), hf, Map.of("format", "pt"));
      Files.writeString(dir.resolve(Checkpoints.CONFIG), json.toString());
    }
  }

  private static void writeHf(VitModel model, Path folder, JsonObject config) throws IOException {
    Files.createDirectories(folder);
    SafeTensors.write(
        folder.resolve(Checkpoints.WEIGHTS), HfTensors.of(model), Map.of("format", "pt"));
    Files.writeString(folder.resolve(Checkpoints.CONFIG), config.toString());
  }

  private Path write(JsonObject config) {
    try {
      Files.writeString(dir.resolve(Checkpoints.CONFIG), config.toString());
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What {@code ViTHybridConfig.save_pretrained} writes for a hybrid, with the BiT backbone of HF's
   * conversion script ({@code global_padding="same"}, {@code layer_type="bottleneck"}, {@code
   * embedding_dynamic_padding=True}, the last stage as {@code out_features}).
   */
  private static JsonObject hfConfig(ViTConfig c, List<String> labels) {
    HybridBackbone b = c.hybrid();
    JsonObject bit = new JsonObject();
    bit.addProperty("model_type", "bit");
    bit.addProperty("num_channels", c.channels());
    bit.addProperty("embedding_size", b.stemWidth());
    bit.add("hidden_sizes", ints(b.widths()));
    bit.add("depths", ints(b.depths()));
    bit.addProperty("layer_type", "bottleneck");
    bit.addProperty("hidden_act", "relu");
    bit.addProperty("global_padding", "SAME");
    bit.addProperty("num_groups", 32);
    bit.addProperty("drop_path_rate", 0.0);
    bit.addProperty("embedding_dynamic_padding", true);
    bit.addProperty("output_stride", 32);
    bit.addProperty("width_factor", 1);
    String last = b.depths().isEmpty() ? "stem" : "stage" + b.depths().size();
    JsonArray features = new JsonArray();
    features.add(last);
    bit.add("out_features", features);
    bit.add("out_indices", ints(List.of(b.depths().size())));
    JsonObject json = new JsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add("ViTHybridForImageClassification");
    json.add("architectures", architectures);
    json.addProperty("model_type", "vit-hybrid");
    json.add("backbone_config", bit);
    int side = c.imageSize() / b.featureStride();
    json.add("backbone_featmap_shape", ints(List.of(1, b.featureChannels(), side, side)));
    json.addProperty("hidden_act", "gelu");
    json.addProperty("hidden_size", c.width());
    json.addProperty("image_size", c.imageSize());
    json.addProperty("intermediate_size", c.mlpSize());
    json.addProperty("layer_norm_eps", c.layerNormEps());
    json.addProperty("num_attention_heads", c.heads());
    json.addProperty("num_channels", c.channels());
    json.addProperty("num_hidden_layers", c.depth());
    json.addProperty("patch_size", c.patchSize());
    json.addProperty("qkv_bias", true);
    json.addProperty("hidden_dropout_prob", 0.0);
    json.addProperty("attention_probs_dropout_prob", 0.0);
    if (!labels.isEmpty()) {
      JsonObject id2label = new JsonObject();
      for (int i = 0; i < labels.size(); i++) {
        id2label.addProperty(String.valueOf(i), labels.get(i));
      }
      json.add("id2label", id2label);
    }
    return json;
  }

  private static JsonArray ints(List<Integer> values) {
    JsonArray array = new JsonArray();
    values.forEach(array::add);
    return array;
  }
}
