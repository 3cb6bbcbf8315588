package io.vitstream.image;

/**
 * Turns a {@link RawImage} into one model input, (C, S, S) floats: channel conversion (ITU-R 601
 * luma for gray, as PIL's {@code convert("L")}), bilinear resize (half-pixel centres, as PIL and
 * torchvision without antialias), scaling to [0, 1] and per-channel normalisation.
 */
public final class ImagePreprocessor {
  private final Preprocessing spec;

  public ImagePreprocessor(Preprocessing spec) {
    this.spec = spec;
  }

  public Preprocessing spec() {
    return spec;
  }

  /** Floats per image: C x S x S. */
  public int inputLength() {
    return spec.channels() * spec.size() * spec.size();
  }

  /**
   * Writes one image's normalised (C, S, S) values into {@code out} at {@code offset}.
   *
   * @throws BadImageException never for a valid RawImage; kept for future formats
   */
  public void write(RawImage img, float[] out, int offset) {
    int s = spec.size();
    int c = spec.channels();
    for (int ch = 0; ch < c; ch++) {
      float mean = spec.mean().get(ch);
      float std = spec.std().get(ch);
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          double v = sample(img, ch, y, x) / 255.0;
          out[offset + (ch * s + y) * s + x] = (float) ((v - mean) / std);
        }
      }
    }
  }

  /**
   * The image at the model's geometry, still 8-bit: S x S pixels of C channels, resized and
   * converted as {@link #write} does, rounded to the nearest level. An image that already has the
   * model's geometry comes back with the same pixels, so {@code write(resize(img))} equals {@code
   * write(img)} for it.
   */
  public RawImage resize(RawImage img) {
    int s = spec.size();
    int c = spec.channels();
    if (img.height() == s && img.width() == s && img.channels() == c) {
      return img;
    }
    byte[] pixels = new byte[s * s * c];
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        for (int ch = 0; ch < c; ch++) {
          pixels[(y * s + x) * c + ch] = (byte) Math.round(sample(img, ch, y, x));
        }
      }
    }
    return new RawImage(s, s, c, pixels);
  }

  /**
   * Bilinear sample (half-pixel centres) of output pixel (y, x) in channel {@code ch} of the
   * model's channel space, in [0, 255].
   */
  private double sample(RawImage img, int ch, int y, int x) {
    int s = spec.size();
    double fy = Math.max((y + 0.5) * ((double) img.height() / s) - 0.5, 0);
    int y0 = Math.min((int) fy, img.height() - 1);
    int y1 = Math.min(y0 + 1, img.height() - 1);
    double wy = fy - y0;
    double fx = Math.max((x + 0.5) * ((double) img.width() / s) - 0.5, 0);
    int x0 = Math.min((int) fx, img.width() - 1);
    int x1 = Math.min(x0 + 1, img.width() - 1);
    double wx = fx - x0;
    int c = spec.channels();
    double top = (1 - wx) * value(img, y0, x0, ch, c) + wx * value(img, y0, x1, ch, c);
    double bottom = (1 - wx) * value(img, y1, x0, ch, c) + wx * value(img, y1, x1, ch, c);
    return (1 - wy) * top + wy * bottom;
  }

  /** The pixel value in the model's channel space. */
  private static double value(RawImage img, int y, int x, int ch, int modelChannels) {
    if (img.channels() == modelChannels) {
      return img.at(y, x, ch);
    }
    if (modelChannels == 1) { // RGB -> gray
      return 0.299 * img.at(y, x, 0) + 0.587 * img.at(y, x, 1) + 0.114 * img.at(y, x, 2);
    }
    return img.at(y, x, 0); // gray -> RGB
  }
}
