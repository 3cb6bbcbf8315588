package io.vitstream.checkpoint;

import com.google.gson.JsonParser;
import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HF transformers hybrid folders ({@code model_type: vit-hybrid}): {@code
 * ViTHybridForImageClassification} and {@code ViTHybridModel}, whose backbone is BiT's {@code
 * BitBackbone}. The encoder, head and [class] token are named as in {@link HfVitLayout}; the
 * backbone maps one to one onto timm's ResNetV2, as HF's {@code convert_vit_hybrid_timm_to_pytorch}
 * renames it: {@code bit.embedder.convolution} is {@code stem.conv}, {@code bit.embedder.norm} is
 * {@code stem.norm}, {@code bit.encoder.stages.S.layers.K} is {@code stages.S.blocks.K}.
 *
 * <p>Only a BiT built like timm's hybrid backbone loads: {@code layer_type: bottleneck} (not
 * pre-activation), {@code global_padding: SAME}, the stem's max pool padded dynamically ({@code
 * embedding_dynamic_padding}; its zero padding then equals timm's -inf, as it follows a ReLU),
 * ReLU, 32 groups, no dilation, and the last stage as the feature map. Weight-standardisation eps
 * (1e-8) and GroupNorm eps (1e-5) are fixed in BiT's code and equal timm's. Any other option would
 * compute other numbers and is refused in one line naming it.
 */
final class HfHybridLayout {
  private static final String TIMM = "patch_embed.backbone.";
  private static final String BIT = "embeddings.patch_embeddings.backbone.bit.";
  private static final Pattern STAGE = Pattern.compile("stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.+)");

  /** {@code ViTHybridConfig}'s backbone when config.json has no {@code backbone_config}. */
  private static final String DEFAULT_BIT =
      "{\"global_padding\": \"same\", \"layer_type\": \"bottleneck\", \"depths\": [3, 4, 9],"
          + " \"out_features\": [\"stage3\"], \"embedding_dynamic_padding\": true}";

  private HfHybridLayout() {}

  static CheckpointLayout read(Json json, Map<String, long[]> shapes) {
    if (json.has("backbone") || json.bool("use_timm_backbone", false)) {
      throw new CheckpointException(
          json.file() + ": named or timm backbones are not supported; only a BiT backbone_config");
    }
    Json bit =
        json.has("backbone_config")
            ? json.object("backbone_config")
            : new Json(json.file(), JsonParser.parseString(DEFAULT_BIT), "backbone_config");
    HybridBackbone backbone = backbone(bit);
    CheckpointLayout vit = HfVitLayout.read(json, shapes);
    ViTConfig config = vit.config().toBuilder().hybrid(backbone).build();
    if (bit.integer("num_channels", 3) != config.channels()) {
      throw refused(
          bit,
          "num_channels " + bit.integer("num_channels", 3),
          "the ViT's num_channels is " + config.channels());
    }
    checkFeatureMap(json, config);
    String prefix = HfVitLayout.prefix(shapes.keySet()) + BIT;
    return new CheckpointLayout(
        vit.format(),
        config,
        vit.labels(),
        name ->
            name.startsWith(TIMM)
                ? TensorSource.renamed(name, prefix + bitName(name.substring(TIMM.length())))
                : vit.sourceOf().apply(name));
  }

  /** BitConfig's fields, with BitConfig's defaults, as a timm-style ResNetV2. */
  private static HybridBackbone backbone(Json bit) {
    require(bit, "model_type", bit.string("model_type", "bit"), "bit");
    require(bit, "layer_type", bit.string("layer_type", "preactivation"), "bottleneck");
    require(
        bit,
        "global_padding",
        bit.string("global_padding", "none").toUpperCase(Locale.ROOT),
        "SAME");
    require(
        bit,
        "embedding_dynamic_padding",
        String.valueOf(bit.bool("embedding_dynamic_padding", false)),
        "true");
    require(bit, "hidden_act", bit.string("hidden_act", "relu"), "relu");
    require(
        bit,
        "num_groups",
        String.valueOf(bit.integer("num_groups", HybridBackbone.GROUPS)),
        String.valueOf(HybridBackbone.GROUPS));
    List<Integer> depths = bit.integers("depths", List.of(3, 4, 6, 3));
    List<Integer> sizes = bit.integers("hidden_sizes", List.of(256, 512, 1024, 2048));
    if (sizes.size() < depths.size()) {
      throw refused(bit, "hidden_sizes " + sizes + " for depths " + depths, "hidden_sizes");
    }
    String last = depths.isEmpty() ? "stem" : "stage" + depths.size();
    String lastOnly = "the feature map must be the last stage's, " + last;
    List<String> features = bit.strings("out_features", List.of(last));
    if (!features.equals(List.of(last))) {
      throw refused(bit, "out_features " + features, lastOnly);
    }
    List<Integer> indices = bit.integers("out_indices", List.of(depths.size()));
    if (!indices.equals(List.of(depths.size())) && !indices.equals(List.of(-1))) {
      throw refused(bit, "out_indices " + indices, lastOnly);
    }
    int outputStride = bit.integer("output_stride", 32);
    int stride = 4; // the stem's; BiT dilates, rather than strides, a stage that starts at it
    for (int s = 1; s < depths.size(); s++) {
      if (stride >= outputStride) {
        throw refused(bit, "output_stride " + outputStride, "it dilates stage" + (s + 1));
      }
      stride *= 2;
    }
    int factor = bit.integer("width_factor", 1);
    List<Integer> widths = new ArrayList<>();
    for (int s = 0; s < depths.size(); s++) {
      widths.add(makeDiv(sizes.get(s) * factor));
    }
    return new HybridBackbone(bit.integer("embedding_size", 64), depths, widths);
  }

  /** BiT's {@code make_div(value, divisor=8)}, which rounds the stage widths. */
  private static int makeDiv(int value) {
    int rounded = Math.max(8, (value + 4) / 8 * 8);
    return rounded < 0.9 * value ? rounded + 8 : rounded;
  }

  /** HF sizes the projection and position embeddings from {@code backbone_featmap_shape}. */
  private static void checkFeatureMap(Json json, ViTConfig config) {
    int side = config.imageSize() / config.hybrid().featureStride();
    List<Integer> shape = json.integers("backbone_featmap_shape", List.of(1, 1024, 24, 24));
    if (shape.size() != 4
        || shape.get(1) != config.hybrid().featureChannels()
        || shape.get(2) != side
        || shape.get(3) != side) {
      throw new CheckpointException(
          json.file()
              + ": backbone_featmap_shape "
              + shape
              + " is not the backbone's feature map [1, "
              + config.hybrid().featureChannels()
              + ", "
              + side
              + ", "
              + side
              + "]");
    }
  }

  private static void require(Json bit, String key, String value, String supported) {
    if (!value.equals(supported)) {
      throw refused(bit, key + " '" + value + "'", "only " + supported);
    }
  }

  private static CheckpointException refused(Json bit, String what, String why) {
    return new CheckpointException(
        bit.file() + ": BiT backbone_config " + what + " is not supported (" + why + ")");
  }

  /** BiT's name of timm's backbone parameter {@code rest} (after {@code patch_embed.backbone.}). */
  private static String bitName(String rest) {
    String stem = rest.startsWith("stem.") ? rest.substring("stem.".length()) : rest;
    if (stem.startsWith("conv.")) {
      return "embedder.convolution." + stem.substring("conv.".length());
    }
    if (stem.startsWith("norm.")) {
      return "embedder." + stem;
    }
    Matcher m = STAGE.matcher(rest);
    if (!m.matches()) {
      throw new IllegalStateException("no BiT name for " + TIMM + rest);
    }
    return "encoder.stages." + m.group(1) + ".layers." + m.group(2) + "." + m.group(3);
  }
}
