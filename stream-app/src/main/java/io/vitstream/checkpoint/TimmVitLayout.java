package io.vitstream.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.vitstream.vit.HeadType;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * timm ViT folders: a config.json with an {@code architecture} such as {@code vit_base_patch16_224}
 * or the hybrid {@code vit_base_r50_s16_384}, or with explicit {@code kwargs} (or {@code
 * model_args}) of timm's {@code VisionTransformer}; tensors under timm's own names. vitstream
 * writes this format; a hybrid of its own geometry also gets a {@code hybrid_backbone} object (stem
 * width, stage depths and widths), since timm builds the backbone in code.
 */
final class TimmVitLayout {
  static final String PRE_LOGITS_WEIGHT = "pre_logits.fc.weight";
  static final String HYBRID_BACKBONE = "hybrid_backbone";

  private TimmVitLayout() {}

  static boolean matches(Json json) {
    return json.string("library", "").equals("timm")
        || json.has("architecture")
        || json.has("kwargs");
  }

  static CheckpointLayout read(Json json, Set<String> tensors, Map<String, long[]> shapes) {
    Json args = json.has("kwargs") ? json.object("kwargs") : null;
    if (args == null && json.has("model_args")) {
      args = json.object("model_args");
    }
    int classes = json.integer("num_classes", 1000);
    ViTConfig.Builder b =
        json.has("architecture")
            ? ViTVariants.config(json.string("architecture", ""), classes).toBuilder()
            : ViTConfig.builder().numClasses(classes);
    if (args != null) {
      refuse(args, "class_token", v -> !v.getAsBoolean(), "models without a class token");
      refuse(args, "global_pool", v -> !v.getAsString().equals("token"), "pooling but 'token'");
      refuse(args, "no_embed_class", JsonElement::getAsBoolean, "no_embed_class");
      refuse(args, "fc_norm", JsonElement::getAsBoolean, "fc_norm");
      refuse(args, "pre_norm", JsonElement::getAsBoolean, "pre_norm");
      refuse(
          args, "padding_same", v -> !v.getAsBoolean(), "a hybrid backbone without SAME padding");
      int width = args.integer("embed_dim", 768);
      b.imageSize(args.integer("img_size", 224))
          .patchSize(args.integer("patch_size", 16))
          .channels(args.integer("in_chans", 3))
          .width(width)
          .depth(args.integer("depth", 12))
          .heads(args.integer("num_heads", 12))
          .mlpSize((int) Math.round(width * args.number("mlp_ratio", 4.0)))
          .qkvBias(args.bool("qkv_bias", true))
          .dropout((float) args.number("drop_rate", 0))
          .numClasses(args.integer("num_classes", classes));
    }
    if (json.has(HYBRID_BACKBONE)) {
      b.hybrid(backbone(json.object(HYBRID_BACKBONE)));
    }
    if (!json.string("gelu", "exact").equals("exact")) {
      throw new CheckpointException(json.file() + ": only the exact (erf) gelu is supported");
    }
    if (!json.string("pool", "cls token").equals("cls token")) {
      throw new CheckpointException(json.file() + ": only class-token pooling is supported");
    }
    b.layerNormEps((float) json.number("layer_norm_eps", 1e-6));
    if (tensors.contains(PRE_LOGITS_WEIGHT)) {
      b.headType(HeadType.PRE_LOGITS).preLogitsSize((int) shapes.get(PRE_LOGITS_WEIGHT)[0]);
    }
    return new CheckpointLayout("timm", b.build(), labels(json), TensorSource::same);
  }

  private static void refuse(
      Json args, String key, Predicate<JsonElement> unsupported, String what) {
    if (args.has(key) && unsupported.test(args.root().get(key))) {
      throw new CheckpointException(
          args.file() + ": timm ViTs with " + what + " are not supported");
    }
  }

  private static HybridBackbone backbone(Json spec) {
    return new HybridBackbone(
        spec.integer("stem_width", 64),
        spec.integers("depths", List.of()),
        spec.integers("widths", List.of()));
  }

  /** The {@code hybrid_backbone} object that {@link #backbone} reads. */
  static JsonObject backboneJson(HybridBackbone backbone) {
    JsonObject spec = new JsonObject();
    spec.addProperty("stem_width", backbone.stemWidth());
    JsonArray depths = new JsonArray();
    backbone.depths().forEach(depths::add);
    spec.add("depths", depths);
    JsonArray widths = new JsonArray();
    backbone.widths().forEach(widths::add);
    spec.add("widths", widths);
    return spec;
  }

  private static List<String> labels(Json json) {
    List<String> labels = new ArrayList<>();
    if (json.has("label_names")) {
      json.root().getAsJsonArray("label_names").forEach(e -> labels.add(e.getAsString()));
    }
    return labels;
  }
}
