package io.vitstream.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.runtime.Djl;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import io.vitstream.testing.TinyModels;
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
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hybrid checkpoints: vitstream's own export, timm's named folders, the store, broken files. */
class HybridCheckpointTest {
  /** 28 px grayscale, stem 32 and one stage of 128 (stride 4: 7x7 tokens), width 32. */
  private static final ViTConfig HYBRID =
      ViTConfig.builder()
          .imageSize(28)
          .patchSize(1)
          .channels(1)
          .width(32)
          .depth(2)
          .heads(4)
          .mlpSize(64)
          .numClasses(10)
          .hybrid(new HybridBackbone(32, List.of(1), List.of(128)))
          .build();

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

  private NDArray images(ViTConfig config, long seed) {
    return Seeded.normal(
        manager, new Shape(2, config.channels(), config.imageSize(), config.imageSize()), seed);
  }

  @Test
  void shouldLoadASavedHybridBitForBit() throws IOException {
    // Given a seeded hybrid saved in timm's layout
    try (VitModel model = VitModel.create(HYBRID, Device.cpu(), Precision.FP32)) {
      Seeded.weights(model, 41);
      Checkpoints.save(model, List.of(), dir);
      NDArray x = images(HYBRID, 42);
      NDArray before = model.forward(x, ActivationSink.NONE);

      // When it is loaded back
      try (LoadedCheckpoint loaded = Checkpoints.load(dir, Device.cpu(), Precision.FP32)) {
        // Then config.json described the backbone, and the outputs are identical
        assertThat(Files.readString(dir.resolve(Checkpoints.CONFIG)))
            .contains("\"hybrid_backbone\"")
            .contains("\"stem_width\": 32");
        assertThat(loaded.model().config()).isEqualTo(HYBRID);
        assertThat(Tensors.maxAbsDiff(loaded.model().forward(x, ActivationSink.NONE), before))
            .isZero();
      }
    }
  }

  @Test
  void shouldLoadATimmFolderNamedByItsArchitecture() throws IOException {
    // Given vit_tiny_r_s16_p8_224 with seeded weights under timm's names, and timm's config.json
    ViTConfig config = ViTVariants.config("vit_tiny_r_s16_p8_224", 10);
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
      Seeded.weights(model, 43);
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      model.parameters().forEach((name, p) -> tensors.put(name, p.getArray()));
      SafeTensors.write(dir.resolve(Checkpoints.WEIGHTS), tensors, Map.of("format", "pt"));
      Files.writeString(
          dir.resolve(Checkpoints.CONFIG),
          "{\"architecture\": \"vit_tiny_r_s16_p8_224\", \"num_classes\": 10,"
              + " \"num_features\": 192, \"global_pool\": \"token\","
              + " \"pretrained_cfg\": {\"first_conv\": \"patch_embed.backbone.conv\"}}");
      NDArray x = images(config, 44);

      // When it is loaded
      try (LoadedCheckpoint loaded = Checkpoints.load(dir, Device.cpu(), Precision.FP32)) {
        // Then it is that hybrid, computing what the original computes
        assertThat(loaded.model().config()).isEqualTo(config);
        assertThat(
                Tensors.maxAbsDiff(
                    loaded.model().forward(x, ActivationSink.NONE),
                    model.forward(x, ActivationSink.NONE)))
            .isZero();
      }
    }
  }

  @Test
  void shouldRoundTripAHybridThroughTheModelStore() {
    // Given a seeded hybrid published to a store
    ModelStore store = ModelStore.open(dir);
    try (VitModel model = VitModel.create(HYBRID, Device.cpu(), Precision.FP32)) {
      Seeded.weights(model, 45);
      int version = store.publish("hybrid", model, TinyModels.candidate(0));
      NDArray x = images(HYBRID, 46);

      // When that version is loaded
      try (LoadedModel loaded =
          store.load("hybrid", OptionalInt.of(version), Device.cpu(), Precision.FP32)) {
        // Then the manifest kept the backbone and the model computes the same logits
        assertThat(loaded.manifest().vit()).isEqualTo(HYBRID);
        assertThat(
                Tensors.maxAbsDiff(
                    loaded.model().forward(x, ActivationSink.NONE),
                    model.forward(x, ActivationSink.NONE)))
            .isZero();
      }
    }
  }

  private void saveHybridAndEdit(java.util.function.Consumer<Map<String, NDArray>> edit)
      throws IOException {
    try (VitModel model = VitModel.create(HYBRID, Device.cpu(), Precision.FP32)) {
      Checkpoints.save(model, List.of(), dir);
    }
    Path weights = dir.resolve(Checkpoints.WEIGHTS);
    Map<String, NDArray> tensors = new LinkedHashMap<>(SafeTensors.read(weights, manager));
    edit.accept(tensors);
    SafeTensors.write(weights, tensors, Map.of("format", "pt"));
  }

  @Test
  void shouldRefuseAHybridWithoutOneOfItsBackboneTensorsInOneLine() throws IOException {
    // Given a saved hybrid whose first bottleneck lost its 3x3 conv
    String name = "patch_embed.backbone.stages.0.blocks.0.conv2.weight";
    saveHybridAndEdit(t -> t.remove(name));

    // When / Then the load is refused with one line naming the tensor
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessage("missing tensor '" + name + "' in model.safetensors (timm ViT)");
  }

  @Test
  void shouldRefuseAStemOfTheWrongShapeInOneLine() throws IOException {
    // Given a saved hybrid whose stem expects RGB where config.json says grayscale
    saveHybridAndEdit(
        t -> t.put("patch_embed.backbone.stem.conv.weight", manager.zeros(new Shape(32, 3, 7, 7))));

    // When / Then the load is refused with one line giving both shapes
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessage(
            "tensor 'patch_embed.backbone.stem.conv.weight' has shape (32, 3, 7, 7), expected"
                + " (32, 1, 7, 7) for the geometry in config.json");
  }

  @Test
  void shouldRefuseABackboneTheConfigDoesNotDescribe() throws IOException {
    // Given a pure ViT's config.json next to a hybrid's weights
    saveHybridAndEdit(t -> {});
    String config = Files.readString(dir.resolve(Checkpoints.CONFIG));
    Files.writeString(
        dir.resolve(Checkpoints.CONFIG),
        config
            .replaceAll("(?s),\\s*\"hybrid_backbone\": \\{[^}]*\\}", "")
            .replace("\"patch_size\": 1", "\"patch_size\": 4"));

    // When / Then the first backbone tensor is named as unexpected
    assertThatThrownBy(() -> Checkpoints.load(dir, Device.cpu(), Precision.FP32).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("tensor 'patch_embed.proj.weight' has shape (32, 128, 1, 1)");
  }
}
