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
    double sy = (double) img.height() / s;
    double sx = (double) img.width() / s;
    for (int ch = 0; ch < c; ch++) {
      float mean = spec.mean().get(ch);
      float std = spec.std().get(ch);
      for (int y = 0; y < s; y++) {
        double fy = Math.max((y + 0.5) * sy - 0.5, 0);
        int y0 = Math.min((int) fy, img.height() - 1);
        int y1 = Math.min(y0 + 1, img.height() - 1);
        double wy = fy - y0;
        for (int x = 0; x < s; x++) {
          double fx = Math.max((x + 0.5) * sx - 0.5, 0);
          int x0 = Math.min((int) fx, img.width() - 1);
          int x1 = Math.min(x0 + 1, img.width() - 1);
          double wx = fx - x0;
          double top = (1 - wx) * value(img, y0, x0, ch, c) + wx * value(img, y0, x1, ch, c);
          double bottom = (1 - wx) * value(img, y1, x0, ch, c) + wx * value(img, y1, x1, ch, c);
          double v = ((1 - wy) * top + wy * bottom) / 255.0;
          out[offset + (ch * s + y) * s + x] = (float) ((v - mean) / std);
        }
      }
    }
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
