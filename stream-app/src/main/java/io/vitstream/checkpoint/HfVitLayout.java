package io.vitstream.checkpoint;

import io.vitstream.vit.HeadType;
import io.vitstream.vit.ViTConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HF transformers ViT folders ({@code model_type: vit}): {@code ViTForImageClassification} (linear
 * classifier on the final [class] token) and {@code ViTModel} (with its tanh pooler, which is the
 * paper's pre-logits head). HF's separate query, key and value become timm's fused qkv.
 */
final class HfVitLayout {
  private HfVitLayout() {}

  static CheckpointLayout read(Json json, Map<String, long[]> shapes) {
    Set<String> tensors = shapes.keySet();
    String act = json.string("hidden_act", "gelu");
    if (!act.equals("gelu")) {
      throw new CheckpointException(
          json.file() + ": hidden_act '" + act + "' is not supported; the ViT uses exact gelu");
    }
    String prefix = prefix(tensors);
    boolean classifier = tensors.contains("classifier.weight");
    boolean pooler = tensors.contains(prefix + "pooler.dense.weight");
    if (pooler && !json.string("pooler_act", "tanh").equals("tanh")) {
      throw new CheckpointException(json.file() + ": only the tanh pooler is supported");
    }
    int width = json.requiredInt("hidden_size");
    List<String> labels = labels(json);
    ViTConfig config =
        ViTConfig.builder()
            .imageSize(json.requiredInt("image_size"))
            .patchSize(json.requiredInt("patch_size"))
            .channels(json.integer("num_channels", 3))
            .width(width)
            .depth(json.requiredInt("num_hidden_layers"))
            .heads(json.requiredInt("num_attention_heads"))
            .mlpSize(json.requiredInt("intermediate_size"))
            .layerNormEps((float) json.number("layer_norm_eps", 1e-12))
            .qkvBias(json.bool("qkv_bias", true))
            .dropout((float) json.number("hidden_dropout_prob", 0))
            .headType(pooler ? HeadType.PRE_LOGITS : HeadType.LINEAR)
            .preLogitsSize(json.integer("pooler_output_size", width))
            .numClasses(classifier ? (int) shapes.get("classifier.weight")[0] : 0)
            .build();
    return new CheckpointLayout("HF transformers", config, labels, name -> source(name, prefix));
  }

  /** "vit." for a model with a head ({@code ...ForImageClassification}), "" for the bare model. */
  static String prefix(Set<String> tensors) {
    return tensors.contains("vit.embeddings.cls_token") ? "vit." : "";
  }

  private static List<String> labels(Json json) {
    if (!json.has("id2label")) {
      return List.of();
    }
    Map<Integer, String> byId = new TreeMap<>();
    json.object("id2label")
        .root()
        .entrySet()
        .forEach(e -> byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString()));
    return new ArrayList<>(byId.values());
  }

  private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)\\.(weight|bias)");
  private static final Map<String, String> BLOCK_PARTS =
      Map.of(
          "norm1", "layernorm_before",
          "attn.proj", "attention.output.dense",
          "norm2", "layernorm_after",
          "mlp.fc1", "intermediate.dense",
          "mlp.fc2", "output.dense");
  private static final Map<String, String> TOP_PARTS =
      Map.of(
          "cls_token", "embeddings.cls_token",
          "pos_embed", "embeddings.position_embeddings",
          "patch_embed.proj.weight", "embeddings.patch_embeddings.projection.weight",
          "patch_embed.proj.bias", "embeddings.patch_embeddings.projection.bias",
          "norm.weight", "layernorm.weight",
          "norm.bias", "layernorm.bias",
          "pre_logits.fc.weight", "pooler.dense.weight",
          "pre_logits.fc.bias", "pooler.dense.bias");

  /** The HF tensors that make timm's {@code name}; {@code p} is "vit." or "". */
  private static TensorSource source(String name, String p) {
    if (name.startsWith("head.")) {
      return TensorSource.renamed(name, "classifier." + name.substring("head.".length()));
    }
    if (TOP_PARTS.containsKey(name)) {
      return TensorSource.renamed(name, p + TOP_PARTS.get(name));
    }
    Matcher m = BLOCK.matcher(name);
    if (!m.matches()) {
      throw new IllegalStateException("no HF name for " + name);
    }
    String layer = p + "encoder.layer." + m.group(1) + ".";
    String wb = m.group(3);
    if (m.group(2).equals("attn.qkv")) {
      String a = layer + "attention.attention.";
      return new TensorSource(name, List.of(a + "query." + wb, a + "key." + wb, a + "value." + wb));
    }
    return TensorSource.renamed(name, layer + BLOCK_PARTS.get(m.group(2)) + "." + wb);
  }
}
