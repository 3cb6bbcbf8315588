package io.vitstream.dashboard;

import io.vitstream.image.ImageDecoder;
import io.vitstream.image.RawImage;
import io.vitstream.publish.SourceImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** Images as small PNG data URLs for the page. */
final class Thumbnails {
  static final int MAX_SIDE = 64;
  private static final ImageDecoder DECODER = ImageDecoder.withDefaultLimits();

  private Thumbnails() {}

  /** The image's pixels (decoded first when it is a file) as a PNG data URL. */
  static String dataUrl(SourceImage image) {
    RawImage raw = image.pixels().orElseGet(() -> DECODER.decode(image.encoded().orElseThrow()));
    return dataUrl(raw);
  }

  /** At most {@link #MAX_SIDE} pixels a side (nearest neighbour); the page scales it up. */
  static String dataUrl(RawImage raw) {
    double step = Math.max(1.0, Math.max(raw.width(), raw.height()) / (double) MAX_SIDE);
    int w = Math.max(1, (int) (raw.width() / step));
    int h = Math.max(1, (int) (raw.height() / step));
    BufferedImage img =
        new BufferedImage(
            w, h, raw.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < raw.channels(); c++) {
          img.getRaster().setSample(x, y, c, raw.at((int) (y * step), (int) (x * step), c));
        }
      }
    }
    var png = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }
}
