package io.vitstream.vit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The convolutional backbone of a hybrid ViT (paper section 3.1): timm's {@code ResNetV2} with
 * {@code preact=False}, that is a weight-standardised 7x7 stem (stride 2) with GroupNorm and a 3x3
 * max pool (stride 2), then bottleneck stages, the first at stride 1 and every later one at stride
 * 2. Its feature map, cut into P x P patches (P = 1 for R50+ViT-B/16), is the token sequence.
 *
 * @param stemWidth channels of the stem (64 in timm); a multiple of the 32 GroupNorm groups
 * @param depths bottleneck blocks per stage, (3, 4, 9) for R50+ViT-B/16; empty for a stem-only
 *     backbone ({@code vit_tiny_r_s16_p8_224})
 * @param widths output channels per stage, (256, 512, 1024) in timm; each a multiple of 128, so
 *     that the bottleneck width (a quarter) is a multiple of the 32 groups
 */
public record HybridBackbone(int stemWidth, List<Integer> depths, List<Integer> widths) {
  /** GroupNorm groups, as in timm's {@code GroupNormAct(num_groups=32)}. */
  public static final int GROUPS = 32;

  /** timm's stage widths, (256, 512, 1024, 2048). */
  private static final List<Integer> TIMM_WIDTHS = List.of(256, 512, 1024, 2048);

  private static final Pattern SPEC = Pattern.compile("stem(\\d{1,5})((?:-\\d{1,3}x\\d{1,5})*)");
  private static final Pattern STAGE = Pattern.compile("-(\\d+)x(\\d+)");

  /** Checks the invariants. */
  public HybridBackbone {
    depths = List.copyOf(depths);
    widths = List.copyOf(widths);
    require(
        stemWidth > 0 && stemWidth % GROUPS == 0,
        "stem width must be a positive multiple of " + GROUPS + ", got " + stemWidth);
    require(
        depths.size() == widths.size(),
        "one width per stage: " + depths.size() + " depths, " + widths.size() + " widths");
    require(depths.stream().allMatch(d -> d > 0), "stage depths must be positive: " + depths);
    require(
        widths.stream().allMatch(w -> w > 0 && w % (4 * GROUPS) == 0),
        "stage widths must be positive multiples of " + 4 * GROUPS + ": " + widths);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * timm's {@code _resnetv2(layers)}: stem width 64 and the stage widths 256, 512, 1024, 2048.
   *
   * @param depths blocks per stage, at most 4; none for the stem alone
   */
  public static HybridBackbone resnet(int... depths) {
    require(depths.length <= TIMM_WIDTHS.size(), "at most 4 stages, got " + depths.length);
    List<Integer> d = Arrays.stream(depths).boxed().toList();
    return new HybridBackbone(64, d, TIMM_WIDTHS.subList(0, depths.length));
  }

  /**
   * Parses the command line's form: {@code stem<W>} then {@code -<depth>x<width>} per stage, e.g.
   * {@code stem32-1x128} (a 32-channel stem, one bottleneck of width 128) or {@code
   * stem64-3x256-4x512-9x1024} (R50's).
   *
   * @throws IllegalArgumentException for another form, or a backbone that breaks an invariant
   */
  public static HybridBackbone parse(String spec) {
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "hybrid backbone '"
              + spec
              + "': expected stem<W>[-<depth>x<width>...], e.g. stem32-1x128");
    }
    List<Integer> depths = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    Matcher stage = STAGE.matcher(m.group(2));
    while (stage.find()) {
      depths.add(Integer.parseInt(stage.group(1)));
      widths.add(Integer.parseInt(stage.group(2)));
    }
    return new HybridBackbone(Integer.parseInt(m.group(1)), depths, widths);
  }

  /** The form {@link #parse} reads. */
  public String spec() {
    StringBuilder b = new StringBuilder("stem").append(stemWidth);
    for (int i = 0; i < depths.size(); i++) {
      b.append('-').append(depths.get(i)).append('x').append(widths.get(i));
    }
    return b.toString();
  }

  /** Channels of the feature map. */
  public int featureChannels() {
    return widths.isEmpty() ? stemWidth : widths.get(widths.size() - 1);
  }

  /** Input pixels per feature-map cell: 4 for the stem, doubled by every stage after the first. */
  public int featureStride() {
    return 4 << Math.max(0, depths.size() - 1);
  }

  /** Bottleneck width of a stage: a quarter of its output (timm's {@code bottle_ratio=0.25}). */
  static int bottleneckWidth(int stageWidth) {
    return stageWidth / 4;
  }

  /** For the CLI: {@code R(64; 3-4-9 x 256-512-1024)}. */
  public String summary() {
    if (depths.isEmpty()) {
      return String.format(Locale.ROOT, "ResNet stem %d", stemWidth);
    }
    return String.format(
        Locale.ROOT, "ResNet stem %d, stages %s x %s", stemWidth, join(depths), join(widths));
  }

  private static String join(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining("-"));
  }
}
