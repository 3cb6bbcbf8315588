package io.vitstream.checkpoint;

import io.vitstream.vit.ViTConfig;
import java.util.List;
import java.util.function.Function;

/**
 * What a checkpoint folder's config.json says: the ViT geometry, the class labels, and where each
 * timm-named parameter comes from in its model.safetensors.
 *
 * @param format the library that wrote it, for messages
 * @param config the geometry
 * @param labels class names by index, or empty when the checkpoint has none
 * @param sourceOf maps a timm parameter name to the checkpoint tensors it is made of
 */
public record CheckpointLayout(
    String format,
    ViTConfig config,
    List<String> labels,
    Function<String, TensorSource> sourceOf) {}
