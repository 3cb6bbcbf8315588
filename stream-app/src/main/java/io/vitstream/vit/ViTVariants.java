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
    Matcher m = NAME.matcher(name.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "unknown variant '"
              + name
              + "': expected vit_{tiny|small|base|large|huge}_patch{14|16|32}_<resolution>,"
              + " e.g. vit_base_patch16_224");
    }
    int[] size = SIZES.get(m.group(1));
    return ViTConfig.builder()
        .patchSize(Integer.parseInt(m.group(2)))
        .imageSize(Integer.parseInt(m.group(3)))
        .width(size[0])
        .depth(size[1])
        .heads(size[2])
        .mlpSize(4 * size[0])
        .numClasses(numClasses)
        .build();
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
