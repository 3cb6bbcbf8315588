package io.vitstream.vit;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Map;

/** A block that can list its parameters under timm's names ({@code blocks.0.attn.qkv.weight}). */
interface TimmNamed {

  /** Adds this block's parameters to {@code out}, each name prefixed with {@code prefix}. */
  void collectParameters(String prefix, Map<String, Parameter> out);

  /** Adds a DJL core block's weight (or gamma) and bias (or beta) under timm's names. */
  static void collectCore(Block core, String prefix, Map<String, Parameter> out) {
    for (Parameter p : core.getDirectParameters().values()) {
      String timm =
          switch (p.getName()) {
            case "weight", "gamma" -> "weight";
            case "bias", "beta" -> "bias";
            default -> throw new IllegalStateException("unexpected parameter " + p.getName());
          };
      out.put(prefix + timm, p);
    }
  }
}
