package io.vitstream.checkpoint;

import java.util.List;

/**
 * Where one timm-named parameter comes from in a checkpoint: one tensor, or several concatenated
 * along the first axis (HF's separate query, key and value make timm's fused qkv).
 *
 * @param target the timm parameter name
 * @param sources the checkpoint's tensor names, concatenated in this order
 */
record TensorSource(String target, List<String> sources) {

  static TensorSource same(String name) {
    return new TensorSource(name, List.of(name));
  }

  static TensorSource renamed(String target, String source) {
    return new TensorSource(target, List.of(source));
  }
}
