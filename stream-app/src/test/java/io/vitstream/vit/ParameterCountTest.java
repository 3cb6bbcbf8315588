package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parameter counts of every common variant: timm's exact numbers where the issue gives them, and a
 * closed-form count from the paper's geometry for the others. The geometry table here is written
 * out again on purpose, so that a wrong entry in {@link ViTVariants} cannot agree with itself.
 */
class ParameterCountTest {
  /** timm's {@code sum(p.numel() for p in model.parameters())}, 1000 classes. */
  private static final Map<String, Long> TIMM =
      Map.of(
          "vit_base_patch16_224", 86_567_656L,
          "vit_base_patch32_224", 88_224_232L,
          "vit_large_patch16_224", 304_326_632L,
          "vit_large_patch32_224", 306_535_400L,
          "vit_huge_patch14_224", 632_045_800L);

  /** Width D and depth L by size (the paper's Table 1, and timm's Tiny and Small). */
  private static final Map<String, int[]> WIDTH_DEPTH =
      Map.of(
          "tiny", new int[] {192, 12},
          "small", new int[] {384, 12},
          "base", new int[] {768, 12},
          "large", new int[] {1024, 24},
          "huge", new int[] {1280, 32});

  private static final Pattern NAME = Pattern.compile("vit_(\\w+)_patch(\\d+)_(\\d+)");

  /** The count of an RGB ViT with an MLP of 4D, qkv bias and a linear head of 1000 classes. */
  static long closedForm(String name) {
    Matcher m = NAME.matcher(name);
    assertThat(m.matches()).as(name).isTrue();
    long d = WIDTH_DEPTH.get(m.group(1))[0];
    long depth = WIDTH_DEPTH.get(m.group(1))[1];
    long p = Long.parseLong(m.group(2));
    long image = Long.parseLong(m.group(3));
    long c = 3;
    long k = 1000;
    long mlp = 4 * d;
    long tokens = (image / p) * (image / p) + 1;
    long embed = c * p * p * d + d + d + tokens * d; // patch conv, [class], positions
    long block =
        2 * 2 * d // two LayerNorms
            + 3 * d * d
            + 3 * d // qkv
            + d * d
            + d // proj
            + d * mlp
            + mlp // fc1
            + mlp * d
            + d; // fc2
    long head = 2 * d + d * k + k; // final LayerNorm, classifier
    return embed + depth * block + head;
  }

  @Test
  void shouldReproduceTimmsCountsWithTheClosedForm() {
    // Given / When / Then the formula used for the other variants agrees with timm's five numbers
    TIMM.forEach((name, count) -> assertThat(closedForm(name)).as(name).isEqualTo(count));
  }

  static Iterable<String> variants() {
    return ViTVariants.common();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void shouldHaveTheParameterCountOfTimm(String name) {
    // Given a common variant
    ViTConfig config = ViTVariants.config(name, 1000);
    long expected = TIMM.getOrDefault(name, closedForm(name));

    // When it is built
    try (VitModel model = VitModel.create(config, Device.cpu(), Precision.FP32)) {
      // Then it has timm's number of parameters
      assertThat(model.parameterCount()).isEqualTo(expected);
    }
  }
}
