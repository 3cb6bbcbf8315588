package io.vitstream.vit;

import ai.djl.nn.Block;

/**
 * The seam where the pure ViT and the hybrid differ: a block from images (B, C, H, W) to tokens (B,
 * N, D), N = hw for an h x w grid of {@link ViTConfig#tokenStride()} pixels per side.
 */
interface TokenEmbedding extends Block, TimmNamed {

  /** The embedding a config asks for: {@link HybridEmbedding} or {@link PatchEmbedding}. */
  static TokenEmbedding of(ViTConfig config) {
    return config.isHybrid() ? new HybridEmbedding(config) : new PatchEmbedding(config);
  }
}
