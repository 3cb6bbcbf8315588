package io.vitstream.testing;

import ai.djl.Device;
import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.image.Preprocessing;
import io.vitstream.inference.ModelSlot;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelCandidate;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import io.vitstream.vit.VitModel;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/** Tiny seeded Fashion-MNIST-shaped models published to a store, and their lifecycle events. */
public final class TinyModels {
  /** 28 x 28 gray, patch 7, width 16, one block: milliseconds per batch. */
  public static final ViTConfig TINY =
      ViTConfig.builder()
          .imageSize(28)
          .channels(1)
          .patchSize(7)
          .width(16)
          .depth(1)
          .heads(2)
          .mlpSize(32)
          .numClasses(10)
          .build();

  /** 16 x 16 RGB, patch 4, width 16, one block, three classes ({@link #COLOURS}). */
  public static final ViTConfig TINY_RGB =
      ViTConfig.builder()
          .imageSize(16)
          .channels(3)
          .patchSize(4)
          .width(16)
          .depth(1)
          .heads(2)
          .mlpSize(32)
          .numClasses(3)
          .build();

  /** The classes of {@link #TINY_RGB}: which channel an image is bright in. */
  public static final List<String> COLOURS = List.of("red", "green", "blue");

  /** How {@link #TINY_RGB} takes its input. */
  public static final Preprocessing RGB_PREPROCESSING =
      new Preprocessing(16, 3, List.of(0.5f, 0.5f, 0.5f), List.of(0.25f, 0.25f, 0.25f), "bilinear");

  private TinyModels() {}

  /** Publishes a seeded random tiny RGB model as the next version of {@code name}. */
  public static int publishRgb(ModelStore store, String name, int seed) {
    Djl.setSeed(seed);
    try (VitModel model = VitModel.create(TINY_RGB, Device.cpu(), Precision.FP32)) {
      var metrics = new ModelManifest.Metrics(0.3, 3, List.of(), List.of(), List.of());
      var provenance = new ModelManifest.Provenance("test", 1, seed, "test", 0.1, "none");
      return store.publish(
          name, model, new ModelCandidate(COLOURS, RGB_PREPROCESSING, metrics, provenance, 0));
    }
  }

  /** Publishes a seeded random tiny model as the next version of {@code name}. */
  public static int publish(ModelStore store, String name, int seed, int parent) {
    Djl.setSeed(seed);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      model.parameters().get("head.weight").getArray().addi(0.05f * seed);
      return store.publish(name, model, candidate(parent));
    }
  }

  /**
   * Publishes a seeded random model of a named timm geometry (e.g. {@code vit_base_patch16_224}:
   * 330 MB of fp32 weights) with Fashion-MNIST's labels, as the next version of {@code name}.
   */
  public static int publishVariant(ModelStore store, String name, String variant, int seed) {
    Djl.setSeed(seed);
    ViTConfig config = ViTVariants.config(variant, FashionMnist.LABELS.size());
    var preprocessing =
        new Preprocessing(
            config.imageSize(),
            3,
            List.of(0.5f, 0.5f, 0.5f),
            List.of(0.5f, 0.5f, 0.5f),
            RGB_PREPROCESSING.interpolation());
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
      var c = candidate(0);
      return store.publish(
          name,
          model,
          new ModelCandidate(c.labels(), preprocessing, c.metrics(), c.provenance(), 0));
    }
  }

  /** A slot serving the promoted version of {@code name} on the CPU; the caller closes it. */
  public static ModelSlot<ServingModel> servePromoted(ModelStore store, String name) {
    return new ModelSlot<>(
        new StoreModelProvider(store, name, OptionalInt.empty(), Device.cpu(), Precision.FP32)
            .load());
  }

  /** What a test publishes with a model. */
  public static ModelCandidate candidate(int parent) {
    var metrics = new ModelManifest.Metrics(0.1, 10, List.of(), List.of(), List.of());
    var provenance = new ModelManifest.Provenance("test", 1, 42, "test", 0.1, "none");
    return new ModelCandidate(
        FashionMnist.LABELS, Preprocessing.fashionMnist(), metrics, provenance, parent);
  }

  /** A lifecycle event. */
  public static ModelVersion event(String name, int version, ModelStatus status) {
    return ModelVersion.newBuilder()
        .setModelName(name)
        .setVersion(version)
        .setStatus(status)
        .setEventTime(Instant.now())
        .build();
  }
}
