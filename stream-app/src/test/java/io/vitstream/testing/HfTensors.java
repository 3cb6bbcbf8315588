package io.vitstream.testing;

import ai.djl.ndarray.NDArray;
import io.vitstream.vit.VitModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights under HF transformers' names, written out here from HF's conversion scripts
 * ({@code convert_vit_timm_to_pytorch}, {@code convert_vit_hybrid_timm_to_pytorch}) and not from
 * the loader's map, so that a test checks one against the other. A model with a classifier is a
 * {@code ViT(Hybrid)ForImageClassification} (names under {@code vit.}); one without is a {@code
 * ViT(Hybrid)Model} with its pooler.
 */
public final class HfTensors {
  private static final String BACKBONE = "patch_embed.backbone.";

  private HfTensors() {}

  /** timm's fused qkv is split into HF's query, key and value. */
  public static Map<String, NDArray> of(VitModel model) {
    String p = model.parameters().containsKey("head.weight") ? "vit." : "";
    Map<String, NDArray> out = new LinkedHashMap<>();
    model
        .parameters()
        .forEach(
            (timm, param) -> {
              NDArray a = param.getArray();
              if (timm.contains(".attn.qkv.")) {
                String layer = p + layer(timm) + "attention.attention.";
                String wb = timm.substring(timm.lastIndexOf('.') + 1);
                long d = a.getShape().get(0) / 3;
                out.put(layer + "query." + wb, a.get("0:" + d));
                out.put(layer + "key." + wb, a.get(d + ":" + 2 * d));
                out.put(layer + "value." + wb, a.get(2 * d + ":"));
              } else if (timm.startsWith("head.")) {
                out.put("classifier." + timm.substring("head.".length()), a);
              } else {
                out.put(p + name(timm), a);
              }
            });
    return out;
  }

  private static String layer(String timm) {
    return "encoder.layer." + timm.split("\\.")[1] + ".";
  }

  private static String name(String timm) {
    String wb = timm.substring(timm.lastIndexOf('.') + 1);
    if (timm.startsWith(BACKBONE)) {
      return "embeddings.patch_embeddings.backbone.bit." + bit(timm.substring(BACKBONE.length()));
    }
    if (timm.startsWith("blocks.")) {
      String part =
          timm.substring(timm.indexOf('.', "blocks.".length()) + 1, timm.lastIndexOf('.'));
      String hf =
          switch (part) {
            case "norm1" -> "layernorm_before";
            case "attn.proj" -> "attention.output.dense";
            case "norm2" -> "layernorm_after";
            case "mlp.fc1" -> "intermediate.dense";
            case "mlp.fc2" -> "output.dense";
            default -> throw new IllegalArgumentException(timm);
          };
      return layer(timm) + hf + "." + wb;
    }
    return switch (timm) {
      case "cls_token" -> "embeddings.cls_token";
      case "pos_embed" -> "embeddings.position_embeddings";
      case "patch_embed.proj.weight", "patch_embed.proj.bias" ->
          "embeddings.patch_embeddings.projection." + wb;
      case "norm.weight", "norm.bias" -> "layernorm." + wb;
      case "pre_logits.fc.weight", "pre_logits.fc.bias" -> "pooler.dense." + wb;
      default -> throw new IllegalArgumentException(timm);
    };
  }

  /** BiT's {@code BitModel} names; a stem-only backbone's stem has no {@code stem.} in timm. */
  private static String bit(String rest) {
    if (rest.matches("(stem\\.)?conv\\.weight")) {
      return "embedder.convolution.weight";
    }
    if (rest.matches("(stem\\.)?norm\\.(weight|bias)")) {
      return "embedder.norm." + rest.substring(rest.lastIndexOf('.') + 1);
    }
    if (!rest.startsWith("stages.")) {
      throw new IllegalArgumentException(BACKBONE + rest);
    }
    return rest.replaceFirst(
        "^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.", "encoder.stages.$1.layers.$2.");
  }
}
