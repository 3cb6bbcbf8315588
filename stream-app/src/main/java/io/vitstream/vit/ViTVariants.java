package io.vitstream.vit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm's named ViT variants, {@code vit_<size>_patch<P>_<resolution>}: for example {@code
 * vit_base_patch16_224}. Sizes are tiny, small, base, large and huge; patches 14, 16 and 32.
 *
 * <p>And timm's hybrids ({@code vision_transformer_hybrid.py}), {@code
 * vit_<size>_<backbone>_<resolution>}: {@code r50_s16} (R50+ViT-B/16 of the paper, stages 3-4-9,
 * 1x1 patches), {@code r50_s32} (3-4-6-3), {@code r26_s32} (2-2-2-2), {@code r20_s16} (2-2-2) and
 * {@code r_s16_p8} (the stem alone, 8x8 patches of its feature map); for example {@code
 * vit_base_r50_s16_384}.
 */
public final class ViTVariants {
  private static final Pattern NAME =
      Pattern.compile("vit_(tiny|small|base|large|huge)_patch(14|16|32)_(\\d+)");

  /** width, depth, heads of each size (the paper's Table 1, plus timm's Tiny and Small). */
  private static final Map<String, int[]> SIZES =
      Map.of(
          "tiny", new int[] {192, 12, 3},
          "small", new int[] {384, 12, 6},
          "base", new int[] {768, 12, 12},
          "large", new int[] {1024, 24, 16},
          "huge", new int[] {1280, 32, 16});

  private static final Pattern HYBRID =
      Pattern.compile(
          "vit_(tiny|small|base|large)_(r50_s16|r50_s32|r26_s32|r20_s16|r_s16_p8)_(\\d+)");

  /** Stage depths of each hybrid backbone, as timm's factories pass them to {@code _resnetv2}. */
  private static final Map<String, int[]> BACKBONES =
      Map.of(
          "r50_s16", new int[] {3, 4, 9},
          "r50_s32", new int[] {3, 4, 6, 3},
          "r26_s32", new int[] {2, 2, 2, 2},
          "r20_s16", new int[] {2, 2, 2},
          "r_s16_p8", new int[] {});

  private static final List<String> ORDER = List.of("tiny", "small", "base", "large", "huge");

  private ViTVariants() {}

  /**
   * The config of a named variant.
   *
   * @param name a timm name such as {@code vit_base_patch16_224}; may not be null
   * @param numClasses classifier outputs
   * @throws IllegalArgumentException for an unknown name, listing the known pattern
   */
  public static ViTConfig config(String name, int numClasses) {
    Matcher hybrid = HYBRID.matcher(name.toLowerCase(Locale.ROOT));
    if (hybrid.matches()) {
      return hybrid(hybrid, numClasses);
    }
    Matcher m = NAME.matcher(name.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "unknown variant '"
              + name
              + "': expected vit_{tiny|small|base|large|huge}_patch{14|16|32}_<resolution>,"
              + " e.g. vit_base_patch16_224, or a hybrid"
              + " vit_{tiny|small|base|large}_{r50_s16|r50_s32|r26_s32|r20_s16|r_s16_p8}_<resolution>,"
              + " e.g. vit_base_r50_s16_384");
    }
    return sized(m.group(1), Integer.parseInt(m.group(2)), m.group(3), numClasses).build();
  }

  /** A size's width, depth, heads and MLP (4 x width), at a patch size and resolution. */
  private static ViTConfig.Builder sized(String size, int patch, String resolution, int classes) {
    int[] s = SIZES.get(size);
    return ViTConfig.builder()
        .patchSize(patch)
        .imageSize(Integer.parseInt(resolution))
        .width(s[0])
        .depth(s[1])
        .heads(s[2])
        .mlpSize(4 * s[0])
        .numClasses(classes);
  }

  private static ViTConfig hybrid(Matcher m, int numClasses) {
    String backbone = m.group(2);
    return sized(m.group(1), backbone.equals("r_s16_p8") ? 8 : 1, m.group(3), numClasses)
        .hybrid(HybridBackbone.resnet(BACKBONES.get(backbone)))
        .build();
  }

  /** The paper's and timm's hybrids named in issue 18, for listings and tests. */
  public static List<String> hybrids() {
    return List.of("vit_tiny_r_s16_p8_224", "vit_base_r50_s16_224", "vit_base_r50_s16_384");
  }

  /** The common variants at 224 pixels, in size order, for listings and tests. */
  public static List<String> common() {
    List<String> names = new ArrayList<>();
    for (String size : ORDER) {
      for (int patch : new int[] {32, 16, 14}) {
        names.add("vit_" + size + "_patch" + patch + "_224");
      }
    }
    return names;
  }
}
