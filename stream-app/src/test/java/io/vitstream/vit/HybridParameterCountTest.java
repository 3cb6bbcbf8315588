package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parameter counts of timm's hybrids, derived in closed form here (written out again on purpose, so
 * that a wrong {@link ResNetV2} cannot agree with itself) and checked against timm's model cards:
 * 99.0 M for {@code vit_base_r50_s16_384} with 1000 classes, 97.9 M for {@code
 * vit_base_r50_s16_224} without a head, 6.3 M for {@code vit_tiny_r_s16_p8_224}.
 */
class HybridParameterCountTest {
  /** Stem: a bias-free 7x7 conv from c channels to 64, and its GroupNorm (scale and shift). */
  static long stem(long c) {
    return c * 64 * 7 * 7 + 2 * 64;
  }

  /**
   * One stage of non-pre-activation bottlenecks: 1x1 (in to m), 3x3 (m to m), 1x1 (m to out), m =
   * out / 4, a GroupNorm after each, and in the first block a 1x1 shortcut projection with its own
   * GroupNorm. Convs have no bias (weight-standardised).
   */
  static long stage(long in, long out, long depth) {
    long m = out / 4;
    long first = in * m + 2 * m + m * m * 9 + 2 * m + m * out + 2 * out + in * out + 2 * out;
    long other = out * m + 2 * m + m * m * 9 + 2 * m + m * out + 2 * out;
    return first + (depth - 1) * other;
  }

  /** The ViT around the backbone: projection, [class], positions, blocks, final norm, head. */
  static long vit(long featureChannels, long patch, long d, long depth, long tokens, long k) {
    long proj = featureChannels * patch * patch * d + d;
    long block = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d);
    long head = k == 0 ? 0 : d * k + k;
    return proj + d + tokens * d + depth * block + 2 * d + head;
  }

  static long r50(int image, long classes) {
    long backbone =
        stem(3) + stage(64, 256, 3) + stage(256, 512, 4) + stage(512, 1024, 9); // 11,894,848
    long grid = image / 16;
    return backbone + vit(1024, 1, 768, 12, grid * grid + 1, classes);
  }

  @Test
  void shouldDeriveTheCountsOfTimmsModelCards() {
    // Given / When the closed forms / Then they are timm's rounded numbers, and these exact ones
    assertThat(stem(3) + stage(64, 256, 3) + stage(256, 512, 4) + stage(512, 1024, 9))
        .isEqualTo(11_894_848L);
    assertThat(r50(384, 1000)).isEqualTo(98_950_952L);
    assertThat(Math.round(r50(384, 1000) / 1e5) / 10.0).isEqualTo(99.0);
    assertThat(r50(224, 0)).isEqualTo(97_890_112L);
    assertThat(Math.round(r50(224, 0) / 1e5) / 10.0).isEqualTo(97.9);
    assertThat(r50(224, 1000)).isEqualTo(98_659_112L);
    long tiny = stem(3) + vit(64, 8, 192, 12, 7 * 7 + 1, 1000);
    assertThat(tiny).isEqualTo(6_337_704L);
  }

  @Test
  void shouldBuildTheHybridsWithTheDerivedCounts() {
    // Given timm's hybrids with 1000 classes, and their derived counts
    List<String> names = ViTVariants.hybrids();
    List<Long> expected = List.of(6_337_704L, 98_659_112L, 98_950_952L);
    for (int i = 0; i < names.size(); i++) {
      // When each is built
      ViTConfig config = ViTVariants.config(names.get(i), 1000);
      try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
        // Then it has that many parameters, under timm's names
        assertThat(model.parameterCount()).as(names.get(i)).isEqualTo(expected.get(i));
        assertThat(model.parameters()).containsKey("patch_embed.proj.weight");
      }
    }
  }

  @Test
  void shouldUseTimmsParameterNames() {
    // Given R50+ViT-B/16 at 224 px
    try (VitModel model =
        VitModel.create(
            ViTVariants.config("vit_base_r50_s16_224", 1000), Device.cpu(), Precision.FP32)) {
      // When its parameters are listed / Then they carry timm's names and shapes, in timm's order
      List<String> names = List.copyOf(model.parameters().keySet());
      assertThat(names.subList(0, 12))
          .containsExactly(
              "cls_token",
              "pos_embed",
              "patch_embed.backbone.stem.conv.weight",
              "patch_embed.backbone.stem.norm.weight",
              "patch_embed.backbone.stem.norm.bias",
              "patch_embed.backbone.stages.0.blocks.0.downsample.conv.weight",
              "patch_embed.backbone.stages.0.blocks.0.downsample.norm.weight",
              "patch_embed.backbone.stages.0.blocks.0.downsample.norm.bias",
              "patch_embed.backbone.stages.0.blocks.0.conv1.weight",
              "patch_embed.backbone.stages.0.blocks.0.norm1.weight",
              "patch_embed.backbone.stages.0.blocks.0.norm1.bias",
              "patch_embed.backbone.stages.0.blocks.0.conv2.weight");
      assertThat(
              model
                  .parameters()
                  .get("patch_embed.backbone.stages.2.blocks.8.conv3.weight")
                  .getShape()
                  .getShape())
          .containsExactly(1024, 256, 1, 1);
      assertThat(model.parameters().get("patch_embed.proj.weight").getShape().getShape())
          .containsExactly(768, 1024, 1, 1);
      assertThat(model.parameters().get("pos_embed").getShape().getShape())
          .containsExactly(1, 197, 768);
    }
  }

  @Test
  void shouldNameAStemOnlyBackboneAsTimmsBareStem() {
    // Given vit_tiny_r_s16_p8_224, whose backbone is timm's stem alone
    try (VitModel model =
        VitModel.create(
            ViTVariants.config("vit_tiny_r_s16_p8_224", 1000), Device.cpu(), Precision.FP32)) {
      // When / Then the stem's names have no "stem." (timm's first_conv is
      // patch_embed.backbone.conv)
      assertThat(model.parameters())
          .containsKeys(
              "patch_embed.backbone.conv.weight",
              "patch_embed.backbone.norm.weight",
              "patch_embed.backbone.norm.bias")
          .doesNotContainKey("patch_embed.backbone.stem.conv.weight");
      assertThat(model.config().gridSize()).isEqualTo(7);
    }
  }
}
