package io.vitstream.demo;

import io.vitstream.dataset.LabeledImages;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The transformation applied after the drift point: {@code invert} and {@code rotate}, and
 * corruptions from MNIST-C (Mu &amp; Gilmer 2019, "MNIST-C: A Robustness Benchmark for Computer
 * Vision", github.com/google-research/mnist-c, {@code corruptions.py}), the suite Fashion-MNIST-C
 * (Weiss &amp; Tonella, ISSTA 2022) also builds on. Each has one fixed severity, documented on its
 * constant; where MNIST-C has the corruption its parameters are taken from there.
 *
 * <p>Random corruptions draw from a generator seeded by the seed and the image's index only, so an
 * image's result does not depend on which other images are transformed with it. Pixels stay
 * unsigned bytes; the channels of an RGB image share the geometry, blur direction and fog, while
 * shot noise is drawn for each channel.
 */
public enum Drift {
  /** 255 - p. */
  INVERT("invert", Corruptions::invert),
  /** 90 degrees clockwise (square images). */
  ROTATE("rotate", Corruptions::rotate),
  /**
   * Brightness: HSV value + 0.3, clipped (MNIST-C {@code brightness} at severity 3; its default
   * severity 5 adds 0.5); on gray images p + 76.5, so the background turns dark gray.
   */
  BRIGHTNESS("brightness", Corruptions::brightness),
  /**
   * Contrast: (p - mean) * 0.3 + mean, per image and channel (MNIST-C {@code contrast} at severity
   * 2; its default severity 4, factor 0.1, leaves about 25 gray levels).
   */
  CONTRAST("contrast", Corruptions::contrast),
  /**
   * Shot noise: Poisson(p / 255 * 12) / 12 * 255, clipped (MNIST-C {@code shot_noise} at severity
   * 3, lambda 12; its default severity 5, lambda 3, leaves four gray levels).
   */
  SHOT_NOISE("shot-noise", Corruptions::shotNoise),
  /**
   * Motion blur: ImageMagick's one-sided motion blur with radius 10 and sigma 3 (21 taps weighted
   * exp(-i^2 / 18) along the direction) at an angle uniform in [-45, 45] degrees from horizontal,
   * edge pixels repeated (MNIST-C {@code motion_blur}, its default severity 1).
   */
  MOTION_BLUR("motion-blur", Corruptions::motionBlur),
  /**
   * Shear: skimage's affine shear of 0.4 rad to the left or right at random, about the image
   * centre, bilinear, zeros outside (MNIST-C {@code shear}, its default severity 2).
   */
  SHEAR("shear", Corruptions::shear),
  /**
   * Fog: a plasma fractal (diamond-square on 256x256, noise decay 2 per level) times 1.5 added,
   * then scaled by max / (max + 1.5) (MNIST-C {@code fog} at severity 1; its default severity 5
   * adds 3 times a rougher fractal).
   */
  FOG("fog", Corruptions::fog),
  /**
   * Stripe: the outer quarter of columns on each side inverted (MNIST-C {@code stripe}: columns [0,
   * 7) and [21, 28) of 28).
   */
  STRIPE("stripe", Corruptions::stripe);

  private final String cliName;
  private final Corruptions.Corruption corruption;

  Drift(String cliName, Corruptions.Corruption corruption) {
    this.cliName = cliName;
    this.corruption = corruption;
  }

  /** The kebab-case name the command line uses, e.g. {@code shot-noise}. */
  public String cliName() {
    return cliName;
  }

  /** Every name {@link #fromName} accepts, in declaration order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Drift::cliName).toList();
  }

  /**
   * The drift called {@code name} (kebab-case, any case).
   *
   * @throws IllegalArgumentException naming the valid names when there is none
   */
  public static Drift fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(d -> d.cliName.equals(n))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown drift '"
                        + name
                        + "'; valid: "
                        + names().stream().collect(Collectors.joining(", "))));
  }

  /** The transformed copy of {@code data}, with seed 1. */
  public LabeledImages apply(LabeledImages data) {
    return apply(data, 1);
  }

  /** The transformed copy of {@code data}; image i draws from (seed, i). */
  public LabeledImages apply(LabeledImages data, long seed) {
    return apply(data, seed, 0);
  }

  /**
   * The transformed copy of {@code data}, whose first image is image {@code firstIndex} of a larger
   * set: image i draws from (seed, firstIndex + i), so a slice transforms like the whole set.
   */
  public LabeledImages apply(LabeledImages data, long seed, int firstIndex) {
    if (this == ROTATE && data.rows() != data.cols()) {
      throw new IllegalArgumentException("rotate needs square images, got " + data.shape());
    }
    byte[] out = new byte[data.pixels().length];
    for (int n = 0; n < data.count(); n++) {
      int offset = n * data.imageLength();
      var src = new Corruptions.Image(data.pixels(), offset, data);
      var dst = new Corruptions.Image(out, offset, data);
      corruption.apply(src, dst, new SplittableRandom(imageSeed(seed, firstIndex + (long) n)));
    }
    return new LabeledImages(
        data.count(), data.rows(), data.cols(), data.channels(), out, data.labels().clone());
  }

  /** SplitMix64's finaliser over the pair, so neighbouring indices get unrelated streams. */
  static long imageSeed(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
