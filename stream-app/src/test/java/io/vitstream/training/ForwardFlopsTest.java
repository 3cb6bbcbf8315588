package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitstream.vit.HybridBackbone;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.ViTVariants;
import org.junit.jupiter.api.Test;

/** Analytic forward FLOPs of the pure ViT and of the hybrid. */
class ForwardFlopsTest {
  private static final ViTConfig PURE =
      ViTConfig.builder()
          .imageSize(28)
          .channels(1)
          .patchSize(4)
          .width(64)
          .depth(6)
          .heads(4)
          .mlpSize(128)
          .numClasses(10)
          .build();

  @Test
  void shouldCountTheStemAndABottleneckOfASmallHybrid() {
    // Given a 28 px hybrid: stem 32 (14x14 after the stride-2 conv, 7x7 after the pool), one
    // bottleneck of width 128 (32 inside) at 7x7, and its 1x1 projection to 64
    HybridBackbone backbone = HybridBackbone.parse("stem32-1x128");
    double stem = 2.0 * 14 * 14 * 1 * 32 * 49;
    double block = 2.0 * 49 * (32 * 32 + 32 * 32 * 9 + 32 * 128 + 32 * 128);

    // When / Then the backbone's count is the sum of its convolutions
    assertThat(ForwardFlops.backbone(backbone, 1, 28)).isEqualTo(stem + block);
    ViTConfig hybrid = PURE.toBuilder().patchSize(1).hybrid(backbone).build();
    double projections = 2.0 * 49 * 128 * 64 - 2.0 * 49 * 16 * 64;
    assertThat(ForwardFlops.perImage(hybrid) - ForwardFlops.perImage(PURE))
        .isCloseTo(stem + block + projections, within(1e-3));
  }

  @Test
  void shouldCountR50ViTB16At384AboveThePureViTB16() {
    // Given / When R50+ViT-B/16 at 384 px (576 tokens) and ViT-B/16 at 224 px (196 tokens)
    double hybrid = ForwardFlops.perImage(ViTVariants.config("vit_base_r50_s16_384", 1000)) / 1e9;
    double pure = ForwardFlops.perImage(ViTVariants.config("vit_base_patch16_224", 1000)) / 1e9;

    // Then the counts are 134.3 and 35.1 GFLOPs (products and convolutions only)
    assertThat(hybrid).isCloseTo(134.31, within(0.01));
    assertThat(pure).isCloseTo(35.13, within(0.01));
  }

  @Test
  void shouldParseAndPrintTheCommandLineForm() {
    // Given / When / Then a spec parses into the backbone and prints back the same
    HybridBackbone r50 = HybridBackbone.parse("stem64-3x256-4x512-9x1024");
    assertThat(r50).isEqualTo(HybridBackbone.resnet(3, 4, 9));
    assertThat(r50.spec()).isEqualTo("stem64-3x256-4x512-9x1024");
    assertThat(HybridBackbone.parse("stem32").featureStride()).isEqualTo(4);
    assertThat(r50.featureStride()).isEqualTo(16);
  }
}
