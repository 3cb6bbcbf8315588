package io.vitstream.image;

import java.util.List;

/**
 * How images become model input (timm's pretrained-config fields): resize to {@code size} x {@code
 * size}, convert to {@code channels}, scale to [0, 1], then normalise per channel.
 *
 * @param size side of the square model input, in pixels
 * @param channels 1 (grayscale) or 3 (RGB)
 * @param mean per-channel mean, one entry per channel
 * @param std per-channel standard deviation, one entry per channel
 * @param interpolation resize method; {@code bilinear} is supported
 */
public record Preprocessing(
    int size, int channels, List<Float> mean, List<Float> std, String interpolation) {

  public Preprocessing {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    mean = List.copyOf(mean);
    std = List.copyOf(std);
    if (mean.size() != channels || std.size() != channels) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    if (!interpolation.equals("bilinear")) {
      throw new IllegalArgumentException("unsupported interpolation " + interpolation);
    }
  }

  /** Fashion-MNIST: 28 x 28 grayscale, the training set's mean and std. */
  public static Preprocessing fashionMnist() {
    return new Preprocessing(28, 1, List.of(0.2860f), List.of(0.3530f), "bilinear");
  }
}
